using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Aws.Internal;

/// <summary>The AWS JSON 1.1 protocol: POST / with X-Amz-Target, a SigV4-signed JSON body, errors from <c>__type</c>.</summary>
internal sealed class AwsJsonClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly IAwsCredentialsProvider _credentials;
    private readonly TimeProvider _time;
    private readonly string _serviceName;
    private readonly string _signingName;
    private readonly string _targetPrefix;
    private readonly Func<string, string, string?, string?> _fix;

    /// <param name="http">Sends the requests.</param>
    /// <param name="endpoint">The service URL; every call is a POST to it.</param>
    /// <param name="region">The signing region.</param>
    /// <param name="serviceName">The name used in errors, e.g. Kinesis.</param>
    /// <param name="signingName">The SigV4 service name, e.g. kinesis.</param>
    /// <param name="targetPrefix">The X-Amz-Target prefix, e.g. Kinesis_20131202.</param>
    /// <param name="credentials">Signing credentials.</param>
    /// <param name="time">The signing clock.</param>
    /// <param name="fix">(error code, operation, resource) → a fix to put in the exception, or null.</param>
    public AwsJsonClient(
        HttpClient http,
        Uri endpoint,
        string region,
        string serviceName,
        string signingName,
        string targetPrefix,
        IAwsCredentialsProvider credentials,
        TimeProvider time,
        Func<string, string, string?, string?> fix)
    {
        _http = http;
        Endpoint = endpoint;
        Region = region;
        _serviceName = serviceName;
        _signingName = signingName;
        _targetPrefix = targetPrefix;
        _credentials = credentials;
        _time = time;
        _fix = fix;
    }

    public Uri Endpoint { get; }

    /// <summary>
    /// The client of <paramref name="service"/> as its public client's options describe it: the region given or the
    /// SDK's chain, the URL given or the service's own (<see cref="DefaultEndpoint"/>), the HttpClient given or a new
    /// one returned in <paramref name="ownedHttp"/> for the caller to dispose, and the default credential chain.
    /// </summary>
    /// <param name="fixFor">(region, endpoint) → the error-code fixes of <see cref="AwsJsonClient(HttpClient, Uri, string, string, string, string, IAwsCredentialsProvider, TimeProvider, Func{string, string, string?, string?})"/>.</param>
    /// <exception cref="ArgumentException">The URL is relative.</exception>
    public static AwsJsonClient Create(
        AwsServiceName service,
        string? region,
        Uri? serviceUrl,
        HttpClient? httpClient,
        IAwsCredentialsProvider? credentials,
        TimeProvider time,
        Func<string, Uri, Func<string, string, string?, string?>> fixFor,
        out HttpClient? ownedHttp)
    {
        var resolved = AwsRegion.Resolve(region);
        var endpoint = serviceUrl ?? DefaultEndpoint(service.SigningName, resolved);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException(
                $"{service.OptionsType}.ServiceUrl must be an absolute URL such as {DefaultEndpoint(service.SigningName, "eu-west-1")}; got '{endpoint}'.", "options");
        }

        // Pooled connections are recycled so a long-running process follows the endpoint's DNS changes.
        ownedHttp = httpClient is null ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) : null;
        return new AwsJsonClient(
            httpClient ?? ownedHttp!,
            endpoint,
            resolved,
            service.Name,
            service.SigningName,
            service.TargetPrefix,
            credentials ?? DefaultCredentialsProvider.Instance,
            time,
            fixFor(resolved, endpoint));
    }

    /// <summary>https://{host}.{region}.amazonaws.com/ (amazonaws.com.cn in the China regions).</summary>
    public static Uri DefaultEndpoint(string host, string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://{host}.{region}.{suffix}/");
    }

    public string Region { get; }

    /// <summary>Calls <paramref name="operation"/>; <paramref name="resource"/> (e.g. the stream name) only feeds error messages.</summary>
    /// <exception cref="AwsServiceException">The service answered with an error.</exception>
    /// <exception cref="HttpRequestException">The service could not be reached.</exception>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        string? resource,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var credentials = await _credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = JsonContentType;
        message.Headers.TryAddWithoutValidation("X-Amz-Target", $"{_targetPrefix}.{operation}");
        SigV4Signer.SignRequest(message, body, credentials, Region, _signingName, _time.GetUtcNow());

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new HttpRequestException(
                e.HttpRequestError,
                $"{_serviceName} {operation} could not reach {Endpoint} ({e.Message}); check the endpoint/region and the network.",
                e,
                e.StatusCode);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout elapsed: a transport failure like a reset connection, so callers retry it the same way.
            throw new HttpRequestException(
                HttpRequestError.Unknown,
                $"{_serviceName} {operation} to {Endpoint} got no answer within {_http.Timeout.TotalSeconds:0.#} s; check the endpoint and the network.",
                e);
        }

        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return Deserialize(operation, bytes.Length == 0 ? "{}"u8.ToArray() : bytes, responseType, response.StatusCode);
            }

            var errorType = response.Headers.TryGetValues("X-Amzn-ErrorType", out var types) ? types.FirstOrDefault() : null;
            var (code, text) = AwsErrors.Parse(bytes, errorType, response.StatusCode);
            var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
            throw new AwsServiceException(_serviceName, operation, code, text, response.StatusCode, _fix(code, operation, resource), requestId);
        }
    }

    private TResponse Deserialize<TResponse>(string operation, byte[] bytes, JsonTypeInfo<TResponse> responseType, HttpStatusCode status)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, responseType)
                ?? throw new JsonException("the response body was JSON null");
        }
        catch (JsonException e)
        {
            throw new AwsServiceException(
                _serviceName,
                operation,
                "MalformedResponse",
                e.Message,
                status,
                $"{Endpoint} answered with a body this client cannot read; check that the endpoint speaks the {_serviceName} API",
                innerException: e);
        }
    }
}

/// <summary>How a service is named: in errors, in SigV4, in X-Amz-Target, and the options type its client takes.</summary>
internal sealed record AwsServiceName(string Name, string SigningName, string TargetPrefix, string OptionsType);
