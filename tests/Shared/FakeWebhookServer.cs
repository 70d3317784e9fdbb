using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Shared;

/// <summary>One webhook request the fake accepted: the path with query, the raw body and the headers (lower-case names).</summary>
internal sealed record WebhookDelivery(string Target, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>
    /// True when X-Gateway-Signature is <c>sha256=</c> and the lower-case hex HMAC-SHA256, keyed with the UTF-8
    /// <paramref name="secret"/>, of <c>"{X-Gateway-Timestamp}." + raw body</c>, and the timestamp is Unix seconds.
    /// </summary>
    public bool HasValidSignature(string secret)
    {
        if (!Headers.TryGetValue("x-gateway-timestamp", out var timestamp)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || !Headers.TryGetValue("x-gateway-signature", out var signature))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(FakeWebhookServer.Sign(secret, seconds, Body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(signature));
    }
}

/// <summary>
/// A real HTTP server on an ephemeral 127.0.0.1 port that takes webhook deliveries: <c>POST</c> of a JSON body on any
/// path, answered 200 with an empty body. Other methods get 405, other content types 415, a body that is not JSON 400;
/// each such refusal is added to <see cref="Violations"/>. Faults are scripted as on <see cref="FakeCapiServer"/>.
/// </summary>
internal sealed class FakeWebhookServer : IAsyncDisposable
{
    public const string TimestampHeader = "X-Gateway-Timestamp";
    public const string SignatureHeader = "X-Gateway-Signature";

    private readonly WebApplication _app;
    private readonly FakeFaults _faults = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<WebhookDelivery> _deliveries = [];
    private readonly List<string> _violations = [];
    private int _requests;

    private FakeWebhookServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>While true every request gets 503; setting it back restores normal processing.</summary>
    public bool Down
    {
        get => _faults.Down;
        set => _faults.Down = value;
    }

    /// <summary>Requests answered 503 while <see cref="Down"/> was set.</summary>
    public int RefusedWhileDown => _faults.RefusedWhileDown;

    /// <summary>Requests a Timeout reply is holding right now.</summary>
    public int HeldRequests => _faults.HeldRequests;

    /// <summary>Held requests whose client closed the connection before an answer.</summary>
    public int AbandonedRequests => _faults.AbandonedRequests;

    /// <summary>Every request received, whatever its answer.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Every accepted delivery, in arrival order.</summary>
    public IReadOnlyList<WebhookDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _deliveries];
            }
        }
    }

    /// <summary>Every refused request, as "what: why".</summary>
    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    public static async Task<FakeWebhookServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeWebhookServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(new Uri(app.Urls.Single()), "/");
        return server;
    }

    /// <summary>The X-Gateway-Signature value for a body sent at <paramref name="timestamp"/> (Unix seconds): <c>sha256=&lt;hex&gt;</c>.</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>True when at least one delivery arrived and every delivery carries a valid signature for <paramref name="secret"/>.</summary>
    public bool VerifySignature(string secret)
    {
        var deliveries = Deliveries;
        return deliveries.Count > 0 && deliveries.All(d => d.HasValidSignature(secret));
    }

    /// <summary>The next <paramref name="times"/> requests get <paramref name="reply"/> instead of normal processing.</summary>
    public void Enqueue(FakeCapiReply reply, int times = 1) => _faults.Enqueue(reply, times);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        Interlocked.Increment(ref _requests);
        if (await _faults.InterceptAsync(context, _stopping.Token))
        {
            return;
        }

        var body = buffer.ToArray();
        var request = context.Request;
        var (status, problem) = Check(request, body);
        if (problem is not null)
        {
            lock (_gate)
            {
                _violations.Add(problem);
            }

            context.Response.StatusCode = status;
            return;
        }

        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value.ToArray()), StringComparer.Ordinal);
        lock (_gate)
        {
            _deliveries.Add(new WebhookDelivery(request.Path + request.QueryString, body, headers));
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static (int Status, string? Problem) Check(HttpRequest request, byte[] body)
    {
        if (request.Method != HttpMethods.Post)
        {
            return (StatusCodes.Status405MethodNotAllowed, $"method {request.Method}: webhooks are POSTed");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}': expected application/json");
        }

        try
        {
            using var document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (StatusCodes.Status400BadRequest, $"body: not JSON ({e.Message})");
        }

        return (StatusCodes.Status200OK, null);
    }
}
