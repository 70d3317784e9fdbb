using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Aws;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Shared;

/// <summary>One request the fake accepted: the operation from X-Amz-Target, the JSON body and the headers (lower-case names).</summary>
internal sealed record Json11Call(string Operation, JsonObject Body, string BodyText, IReadOnlyDictionary<string, string> Headers);

/// <summary>What the fake answers: an HTTP status and a JSON body.</summary>
internal sealed record Json11Reply(HttpStatusCode Status, string Body)
{
    public static Json11Reply Ok(JsonNode body) => new(HttpStatusCode.OK, body.ToJsonString());

    /// <summary>An AWS JSON 1.1 error: <c>__type</c> and a capitalised <c>Message</c>, as Glue and Athena send them.</summary>
    public static Json11Reply Error(string type, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(status, new JsonObject { ["__type"] = type, ["Message"] = message }.ToJsonString());
}

/// <summary>
/// A real HTTP server on an ephemeral 127.0.0.1 port speaking the AWS JSON 1.1 protocol. It checks every request the
/// way AWS does — POST to <c>/</c>, the content type, an X-Amz-Target of its service, X-Amz-Date, the Authorization
/// header's form and scope, and the SigV4 signature recomputed from the raw request with the known secret — and
/// refuses a bad one with AWS's error code before the test's responder sees it.
/// </summary>
internal sealed partial class FakeJson11Server : IAsyncDisposable
{
    public const string ContentType = "application/x-amz-json-1.1";

    private readonly WebApplication _app;
    private readonly string _signingName;
    private readonly string _targetPrefix;
    private readonly string _region;
    private readonly AwsCredentials _credentials;
    private readonly Func<Json11Call, Json11Reply> _respond;
    private readonly Lock _gate = new();
    private readonly List<Json11Call> _calls = [];
    private readonly List<string> _rejections = [];

    private FakeJson11Server(WebApplication app, string signingName, string targetPrefix, string region, AwsCredentials credentials, Func<Json11Call, Json11Reply> respond)
    {
        _app = app;
        _signingName = signingName;
        _targetPrefix = targetPrefix;
        _region = region;
        _credentials = credentials;
        _respond = respond;
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every accepted request, in arrival order.</summary>
    public IReadOnlyList<Json11Call> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every refused request, as "ErrorCode: why".</summary>
    public IReadOnlyList<string> Rejections
    {
        get
        {
            lock (_gate)
            {
                return [.. _rejections];
            }
        }
    }

    /// <summary>Starts a server for the service signed as <paramref name="signingName"/> with targets <c>{targetPrefix}.{Operation}</c>.</summary>
    public static async Task<FakeJson11Server> StartAsync(string signingName, string targetPrefix, string region, AwsCredentials credentials, Func<Json11Call, Json11Reply> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeJson11Server(app, signingName, targetPrefix, region, credentials, respond);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(new Uri(app.Urls.Single()), "/");
        return server;
    }

    /// <summary>The accepted calls of one operation.</summary>
    public IReadOnlyList<Json11Call> CallsTo(string operation) => [.. Calls.Where(c => c.Operation == operation)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/,\s]+)/(?<date>\d{8})/(?<region>[^/,\s]+)/(?<service>[^/,\s]+)/aws4_request, SignedHeaders=(?<headers>[a-z0-9\-;]+), Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value.ToArray()), StringComparer.Ordinal);

        var (reply, operation) = Check(context, headers, body);
        if (reply is null)
        {
            var call = new Json11Call(operation!, (JsonObject)JsonNode.Parse(body)!, Encoding.UTF8.GetString(body), headers);
            lock (_gate)
            {
                _calls.Add(call);
            }

            reply = _respond(call);
        }

        context.Response.StatusCode = (int)reply.Status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        await context.Response.WriteAsync(reply.Body, context.RequestAborted);
    }

    /// <summary>Null and the operation when the request is one AWS would accept; otherwise AWS's refusal.</summary>
    private (Json11Reply? Refusal, string? Operation) Check(HttpContext context, Dictionary<string, string> headers, byte[] body)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        if (request.Method != "POST")
        {
            return (Refuse("UnknownOperationException", $"method {request.Method}; the JSON 1.1 protocol only takes POST", HttpStatusCode.NotFound), null);
        }

        if (rawTarget != "/")
        {
            return (Refuse("UnknownOperationException", $"path '{rawTarget}'; the JSON 1.1 protocol posts to /", HttpStatusCode.NotFound), null);
        }

        if (headers.GetValueOrDefault("content-type") != ContentType)
        {
            return (Refuse("SerializationException", $"Content-Type '{headers.GetValueOrDefault("content-type")}', expected {ContentType}"), null);
        }

        var target = headers.GetValueOrDefault("x-amz-target") ?? "";
        var prefix = _targetPrefix + ".";
        if (!target.StartsWith(prefix, StringComparison.Ordinal) || target.Length == prefix.Length)
        {
            return (Refuse("UnknownOperationException", $"X-Amz-Target '{target}', expected {_targetPrefix}.<Operation>"), null);
        }

        var signatureProblem = CheckSignature(headers, rawTarget, body);
        if (signatureProblem is not null)
        {
            return (signatureProblem, null);
        }

        try
        {
            if (JsonNode.Parse(body) is not JsonObject)
            {
                return (Refuse("SerializationException", "the body is not a JSON object"), null);
            }
        }
        catch (JsonException e)
        {
            return (Refuse("SerializationException", $"the body is not JSON: {e.Message}"), null);
        }

        return (null, target[prefix.Length..]);
    }

    private Json11Reply? CheckSignature(Dictionary<string, string> headers, string rawTarget, byte[] body)
    {
        if (!headers.TryGetValue("x-amz-date", out var amzDate)
            || !DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt))
        {
            return Refuse("IncompleteSignatureException", $"X-Amz-Date missing or not yyyyMMddTHHmmssZ: '{headers.GetValueOrDefault("x-amz-date")}'", HttpStatusCode.Forbidden);
        }

        if (!headers.TryGetValue("authorization", out var authorization))
        {
            return Refuse("MissingAuthenticationTokenException", "no Authorization header", HttpStatusCode.Forbidden);
        }

        var match = AuthorizationPattern().Match(authorization);
        if (!match.Success)
        {
            return Refuse("IncompleteSignatureException", $"Authorization is not 'AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=<64 hex>': '{authorization}'", HttpStatusCode.Forbidden);
        }

        if (match.Groups["key"].Value != _credentials.AccessKeyId)
        {
            return Refuse("UnrecognizedClientException", $"access key '{match.Groups["key"].Value}' is unknown", HttpStatusCode.Forbidden);
        }

        if (match.Groups["date"].Value != amzDate[..8] || match.Groups["region"].Value != _region || match.Groups["service"].Value != _signingName)
        {
            return Refuse(
                "InvalidSignatureException",
                $"credential scope {match.Groups["date"].Value}/{match.Groups["region"].Value}/{match.Groups["service"].Value}, expected {amzDate[..8]}/{_region}/{_signingName}",
                HttpStatusCode.Forbidden);
        }

        var signedHeaders = match.Groups["headers"].Value.Split(';');
        var token = headers.GetValueOrDefault("x-amz-security-token");
        string[] mustSign = token is null ? ["host", "x-amz-date", "x-amz-target"] : ["host", "x-amz-date", "x-amz-target", "x-amz-security-token"];
        var unsigned = mustSign.Except(signedHeaders, StringComparer.Ordinal).ToList();
        if (unsigned.Count > 0)
        {
            return Refuse("IncompleteSignatureException", $"SignedHeaders '{match.Groups["headers"].Value}' leave out {string.Join(", ", unsigned)}", HttpStatusCode.Forbidden);
        }

        if (token != _credentials.SessionToken)
        {
            return Refuse("UnrecognizedClientException", "the security token does not match the access key", HttpStatusCode.Forbidden);
        }

        var toSign = new List<KeyValuePair<string, string>>();
        foreach (var name in signedHeaders)
        {
            if (!headers.TryGetValue(name, out var value))
            {
                return Refuse("IncompleteSignatureException", $"signed header '{name}' is not in the request", HttpStatusCode.Forbidden);
            }

            toSign.Add(new(name, value));
        }

        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var expected = SigV4Signer.Sign(
            new SigV4Request("POST", question < 0 ? rawTarget : rawTarget[..question], question < 0 ? "" : rawTarget[(question + 1)..], toSign, SigV4Signer.HashPayload(body)),
            new AwsCredentials(_credentials.AccessKeyId, _credentials.SecretAccessKey, token),
            _region,
            _signingName,
            signedAt);
        if (expected.SignedHeaders != match.Groups["headers"].Value || expected.Signature != match.Groups["signature"].Value)
        {
            return Refuse(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. "
                + $"The canonical string for this request should have been '{expected.CanonicalRequest}'",
                HttpStatusCode.Forbidden);
        }

        return null;
    }

    private Json11Reply Refuse(string code, string why, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        lock (_gate)
        {
            _rejections.Add($"{code}: {why}");
        }

        return Json11Reply.Error(code, $"(fake {_signingName}) {why}", status);
    }
}
