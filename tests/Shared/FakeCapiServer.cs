using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Shared;

/// <summary>One request the fake accepted: where it was posted, its Test Events code and its events.</summary>
/// <param name="TokenInQuery">True when the access token came in the query string rather than the body.</param>
internal sealed record CapiRequest(string Version, string DatasetId, string? TestEventCode, IReadOnlyList<JsonObject> Events, bool TokenInQuery)
{
    public int BatchSize => Events.Count;
}

/// <summary>A scripted answer that replaces normal processing: an HTTP error, a held request, or a reset connection.</summary>
internal sealed class FakeCapiReply
{
    private FakeCapiReply(ReplyKind kind, int statusCode = 0, string body = "", TimeSpan? holdFor = null)
    {
        Kind = kind;
        StatusCode = statusCode;
        Body = body;
        HoldFor = holdFor;
    }

    internal enum ReplyKind
    {
        Answer,
        Hold,
        Reset,
    }

    internal ReplyKind Kind { get; }

    /// <summary>The HTTP status of an <see cref="Status"/> reply.</summary>
    public int StatusCode { get; }

    /// <summary>The Graph error body of an <see cref="Status"/> reply.</summary>
    public string Body { get; }

    /// <summary>How long a <see cref="Timeout"/> reply holds the request; null holds it until the client gives up.</summary>
    public TimeSpan? HoldFor { get; }

    /// <summary>
    /// An HTTP error with a Graph error body. Without a code or message the ones Graph sends for the status are used:
    /// 429 code 4 "Application request limit reached", 503 code 2, other 5xx code 1 "An unknown error occurred", 4xx code 100.
    /// </summary>
    public static FakeCapiReply Status(int code, string? graphErrorMessage = null, int? graphCode = null, bool isTransient = false, int? errorSubcode = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 599);
        var (defaultCode, defaultMessage) = code switch
        {
            429 => (4, "Application request limit reached"),
            503 => (2, "Service temporarily unavailable"),
            >= 500 => (1, "An unknown error occurred"),
            _ => (100, "Invalid parameter"),
        };
        return GraphError(code, graphErrorMessage ?? defaultMessage, graphCode ?? defaultCode, errorSubcode, isTransient);
    }

    /// <summary>Holds the request unanswered until the client cancels, or for <paramref name="holdFor"/> (real time) and then processes it normally.</summary>
    public static FakeCapiReply Timeout(TimeSpan? holdFor = null) => new(ReplyKind.Hold, holdFor: holdFor);

    /// <summary>Aborts the connection without an answer.</summary>
    public static FakeCapiReply Reset() => new(ReplyKind.Reset);

    internal static FakeCapiReply GraphError(int status, string message, int code, int? subcode = null, bool isTransient = false)
    {
        var error = new JsonObject { ["message"] = message, ["type"] = "OAuthException", ["code"] = code };
        if (subcode is { } s)
        {
            error["error_subcode"] = s;
        }

        if (isTransient)
        {
            error["is_transient"] = true;
        }

        error["fbtrace_id"] = FakeFaults.TraceId();
        return new(ReplyKind.Answer, status, new JsonObject { ["error"] = error }.ToJsonString());
    }

    internal static FakeCapiReply Ok(JsonObject body) => new(ReplyKind.Answer, 200, body.ToJsonString());

    internal async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(Body, context.RequestAborted);
    }
}

/// <summary>
/// Scripted outages shared by the loopback fakes: replies queued for the next requests and a down switch. Thread-safe.
/// Hold delays run on real time, not the fake's clock: they stand for a slow network, which the client times with its own
/// HTTP timeout, and a fake clock would hold forever.
/// </summary>
internal sealed class FakeFaults
{
    private const string TraceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

    private readonly Lock _gate = new();
    private readonly Queue<FakeCapiReply> _queue = new();
    private bool _down;
    private int _refusedWhileDown;
    private int _held;
    private int _abandoned;

    /// <summary>While true every request gets 503 with a Graph error body.</summary>
    public bool Down
    {
        get
        {
            lock (_gate)
            {
                return _down;
            }
        }

        set
        {
            lock (_gate)
            {
                _down = value;
            }
        }
    }

    /// <summary>Requests answered 503 because <see cref="Down"/> was set.</summary>
    public int RefusedWhileDown => Volatile.Read(ref _refusedWhileDown);

    /// <summary>Requests a Timeout reply is holding right now.</summary>
    public int HeldRequests => Volatile.Read(ref _held);

    /// <summary>Held requests the client gave up on (closed the connection) before an answer.</summary>
    public int AbandonedRequests => Volatile.Read(ref _abandoned);

    /// <summary>Queued replies not used yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public static string TraceId() => RandomNumberGenerator.GetString(TraceAlphabet, 11);

    public void Enqueue(FakeCapiReply reply, int times)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            for (var i = 0; i < times; i++)
            {
                _queue.Enqueue(reply);
            }
        }
    }

    /// <summary>Answers the request from the script; false when it is to be processed normally.</summary>
    public async Task<bool> InterceptAsync(HttpContext context, CancellationToken stopping)
    {
        FakeCapiReply? reply;
        lock (_gate)
        {
            if (_down)
            {
                _refusedWhileDown++;
                reply = FakeCapiReply.GraphError(503, "Service temporarily unavailable", 2, isTransient: true);
            }
            else
            {
                _queue.TryDequeue(out reply);
            }
        }

        switch (reply?.Kind)
        {
            case null:
                return false;
            case FakeCapiReply.ReplyKind.Reset:
                context.Abort();
                return true;
            case FakeCapiReply.ReplyKind.Hold:
                return await HoldAsync(context, reply.HoldFor, stopping);
            default:
                await reply.WriteAsync(context);
                return true;
        }
    }

    private async Task<bool> HoldAsync(HttpContext context, TimeSpan? holdFor, CancellationToken stopping)
    {
        Interlocked.Increment(ref _held);
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            await Task.Delay(holdFor ?? Timeout.InfiniteTimeSpan, either.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _abandoned);
            }
            else
            {
                // The fake is stopping: drop the connection rather than keep shutdown waiting.
                context.Abort();
            }

            return true;
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }
}

/// <summary>
/// A real HTTP server on an ephemeral 127.0.0.1 port that answers like Meta's Graph API endpoint
/// <c>POST /{version}/{datasetId}/events</c> and checks every request against spec 10 (event fields, hashing, the 7-day
/// window, batch size, the access token). A refused request gets HTTP 400 with a Graph error body and each problem
/// found is added to <see cref="Violations"/>, so a test proves a client with <c>Assert.Empty(server.Violations)</c>.
/// </summary>
/// <remarks>
/// Refusals carry Graph code 100; the stale-event refusal carries error_subcode 2804004. Other subcodes
/// (<see cref="InvalidParameterSubcode"/>) are this fake's own choice: clients should branch on status and code only.
/// </remarks>
internal sealed partial class FakeCapiServer : IAsyncDisposable
{
    public const int MaxEventsPerRequest = 1000;
    public const int StaleEventSubcode = 2804004;
    public const int InvalidParameterSubcode = 2804019;
    public const string InvalidTokenMessage = "Invalid OAuth access token - Cannot parse access token";

    // Spec 10: Meta matches a server copy against an earlier one with the same event_name and event_id for 48 hours.
    private static readonly TimeSpan DedupWindow = TimeSpan.FromHours(48);

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly FakeFaults _faults = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly List<CapiRequest> _accepted = [];
    private readonly List<JsonObject> _unique = [];
    private readonly Dictionary<(string Name, string Id), DateTimeOffset> _firstSeen = [];
    private readonly List<string> _violations = [];
    private int _requests;

    private FakeCapiServer(WebApplication app, string accessToken, TimeProvider time)
    {
        _app = app;
        AccessToken = accessToken;
        _time = time;
    }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The only access token the fake accepts.</summary>
    public string AccessToken { get; }

    /// <summary>Called for every event of a request that passed the checks; a message fails the whole request with 400 code 100.</summary>
    public Func<JsonObject, string?>? RejectEvent { get; set; }

    /// <summary>While true every request gets 503 with a Graph error body; setting it back restores normal processing.</summary>
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

    /// <summary>Every accepted request, in arrival order.</summary>
    public IReadOnlyList<CapiRequest> AcceptedRequests => Locked(() => _accepted.ToList());

    /// <summary>The events of every accepted request, in arrival order.</summary>
    public IReadOnlyList<JsonObject> AcceptedEvents => Locked(() => _accepted.SelectMany(r => r.Events).ToList());

    /// <summary>Accepted events as Meta counts them: a later copy with the same event_name and event_id within 48 hours is dropped.</summary>
    public IReadOnlyList<JsonObject> UniqueEvents => Locked(() => _unique.ToList());

    /// <summary>Every problem found in refused requests, as "where: what".</summary>
    public IReadOnlyList<string> Violations => Locked(() => _violations.ToList());

    /// <summary>Starts a server accepting <paramref name="accessToken"/>; event times are judged against <paramref name="time"/> (default: the system clock).</summary>
    public static async Task<FakeCapiServer> StartAsync(string accessToken, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeCapiServer(app, accessToken, time ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(new Uri(app.Urls.Single()), "/");
        return server;
    }

    /// <summary>The events edge of a dataset: {Endpoint}{version}/{datasetId}/events.</summary>
    public Uri EventsUri(string datasetId, string version = "v21.0") => new(Endpoint, $"{version}/{datasetId}/events");

    /// <summary>The next <paramref name="times"/> requests get <paramref name="reply"/> instead of normal processing.</summary>
    public void Enqueue(FakeCapiReply reply, int times = 1) => _faults.Enqueue(reply, times);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
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

        var reply = Process(context, buffer.ToArray());
        context.Response.Headers["x-fb-trace-id"] = FakeFaults.TraceId();
        await reply.WriteAsync(context);
    }

    private void Accept(CapiRequest request, DateTimeOffset now)
    {
        lock (_gate)
        {
            _accepted.Add(request);
            foreach (var e in request.Events)
            {
                if (AsString(e["event_name"]) is { } name && AsString(e["event_id"]) is { } id)
                {
                    if (_firstSeen.TryGetValue((name, id), out var first) && now - first < DedupWindow)
                    {
                        continue;
                    }

                    _firstSeen[(name, id)] = now;
                }

                _unique.Add(e);
            }
        }
    }

    private FakeCapiReply Refuse(string violation, string message, int code = 100, int? subcode = InvalidParameterSubcode)
    {
        lock (_gate)
        {
            _violations.Add(violation);
        }

        return FakeCapiReply.GraphError(400, message, code, subcode);
    }

    /// <summary>Records every problem; the answer names the first, as Graph reports one error per request.</summary>
    private FakeCapiReply Refuse(List<(string Text, int Subcode)> problems)
    {
        lock (_gate)
        {
            _violations.AddRange(problems.Select(p => p.Text));
        }

        var first = problems[0];
        return FakeCapiReply.GraphError(400, $"Invalid parameter: {first.Text}", 100, first.Subcode);
    }
}
