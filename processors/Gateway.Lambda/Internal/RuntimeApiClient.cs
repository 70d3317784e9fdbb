using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Gateway.Lambda.Internal;

/// <summary>The Runtime API over HTTP.</summary>
/// <remarks>
/// Paths, headers and status codes follow the Lambda developer guide, "Using the Lambda runtime API for custom
/// runtimes" (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), API version 2018-06-01:
/// GET runtime/invocation/next; POST runtime/invocation/{AwsRequestId}/response;
/// POST runtime/invocation/{AwsRequestId}/error and POST runtime/init/error, both with the optional
/// Lambda-Runtime-Function-Error-Type header. 202 means accepted; 500 means "Container error. Non-recoverable
/// state. Runtime should exit promptly", so it is fatal here rather than retried. The Client-Context and
/// Cognito-Identity headers exist only for Mobile SDK invocations and are ignored.
/// </remarks>
internal sealed class RuntimeApiClient : IRuntimeApiClient
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;

    /// <summary>Uses <paramref name="http"/>, whose base address is <see cref="TryCreateBaseAddress"/>'s result.</summary>
    public RuntimeApiClient(HttpClient http)
    {
        _http = http;
    }

    /// <summary><c>http://{AWS_LAMBDA_RUNTIME_API}/2018-06-01/</c>; false when the variable is missing or not host:port.</summary>
    public static bool TryCreateBaseAddress(string? endpoint, [NotNullWhen(true)] out Uri? baseAddress)
    {
        baseAddress = null;
        return !string.IsNullOrWhiteSpace(endpoint)
            && !endpoint.Contains('/', StringComparison.Ordinal)
            && Uri.TryCreate($"http://{endpoint}/2018-06-01/", UriKind.Absolute, out baseAddress);
    }

    /// <summary>An HttpClient for the Runtime API: no timeout, no proxy, no redirects.</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            // The API listens inside the execution environment (AWS_LAMBDA_RUNTIME_API is 127.0.0.1:9001 on Lambda);
            // an HTTP(S)_PROXY setting meant for the function's outbound calls must not capture it.
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };

        // No client timeout: "Do not set a timeout on the GET request as the response may be delayed" (runtimes-api,
        // Next invocation); the process may be frozen between invocations for any length of time.
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<RuntimeInvocation> NextInvocationAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "runtime/invocation/next");
        using var response = await SendAsync(request, "GET next invocation", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw Failure("GET next invocation", response.StatusCode);
        }

        var requestId = Header(response, RequestIdHeader)
            ?? throw new RuntimeApiException($"The Runtime API sent an invocation without the {RequestIdHeader} header.");
        long? deadline = long.TryParse(Header(response, DeadlineHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;
        byte[] payload;
        try
        {
            payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new RuntimeApiException($"Reading the invocation body failed: {e.Message}", isTransient: true, e);
        }

        return new RuntimeInvocation(requestId, deadline, Header(response, FunctionArnHeader) ?? "", Header(response, TraceIdHeader), payload);
    }

    public async Task<int> SendAsync(RuntimeReport report, CancellationToken cancellationToken)
    {
        var path = report.Kind switch
        {
            RuntimeReportKind.Response => $"runtime/invocation/{Uri.EscapeDataString(report.RequestId!)}/response",
            RuntimeReportKind.InvocationError => $"runtime/invocation/{Uri.EscapeDataString(report.RequestId!)}/error",
            _ => "runtime/init/error",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ReadOnlyMemoryContent(report.Body) };
        request.Content.Headers.ContentType = Json;
        if (report.Error is { } error)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.HeaderType);
        }

        var what = $"POST {report.Kind}";
        using var response = await SendAsync(request, what, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        return status == HttpStatusCode.InternalServerError || IsTransient(status) ? throw Failure(what, status) : (int)status;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static bool IsTransient(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    private static RuntimeApiException Failure(string what, HttpStatusCode status) => new(
        $"The Runtime API answered {(int)status} {status} to {what}.", IsTransient(status));

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new RuntimeApiException($"{what} failed: {e.Message}", isTransient: true, e);
        }
    }
}
