using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Lambda.Tests.Support;

/// <summary>One invocation the fake hands out on <c>GET /2018-06-01/runtime/invocation/next</c>.</summary>
internal sealed record FakeInvocation(string RequestId, string Payload, long? DeadlineMs, string FunctionArn = Some.FunctionArn, string? TraceId = null);

/// <summary>A request the runtime posted to the fake.</summary>
internal sealed record RecordedPost(string Path, string? ErrorTypeHeader, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// An in-process stand-in for the Lambda Runtime API on an ephemeral 127.0.0.1 port, following the paths, headers
/// and status codes of the developer guide's runtimes-api page.
/// </summary>
internal sealed class FakeRuntimeApi : IAsyncDisposable
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private readonly Channel<FakeInvocation> _invocations = Channel.CreateUnbounded<FakeInvocation>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RecordedPost>> _posts = new();
    private readonly ConcurrentDictionary<string, int> _statusForPath = new();
    private readonly ConcurrentQueue<int> _nextFailures = new();
    private readonly TaskCompletionSource<RecordedPost> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _nextCalls = new();
    private int _nextCount;

    private FakeRuntimeApi(WebApplication app)
    {
        _app = app;
    }

    /// <summary><c>host:port</c>, the value of AWS_LAMBDA_RUNTIME_API.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>Every request in arrival order, as "METHOD path".</summary>
    public IReadOnlyList<string> Requests => [.. _log];

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeRuntimeApi(app);
        app.MapGet("/2018-06-01/runtime/invocation/next", fake.NextAsync);
        app.MapPost("/2018-06-01/runtime/invocation/{requestId}/{kind}", fake.InvocationPostAsync);
        app.MapPost("/2018-06-01/runtime/init/error", fake.InitErrorAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = new Uri(app.Urls.Single());
        fake.Endpoint = $"127.0.0.1:{address.Port.ToString(CultureInfo.InvariantCulture)}";
        return fake;
    }

    public void Enqueue(FakeInvocation invocation) => _invocations.Writer.TryWrite(invocation);

    /// <summary>The next <paramref name="count"/> GETs of next invocation fail: with the status, or with a dropped connection when 0.</summary>
    public void FailNext(int count, int status)
    {
        for (var i = 0; i < count; i++)
        {
            _nextFailures.Enqueue(status);
        }
    }

    /// <summary>Answers posts to <c>invocation/{requestId}/{kind}</c> with <paramref name="status"/> instead of 202.</summary>
    public void AnswerPost(string requestId, string kind, int status) => _statusForPath[$"{requestId}/{kind}"] = status;

    /// <summary>The first response or error posted for <paramref name="requestId"/>.</summary>
    public Task<RecordedPost> PostFor(string requestId) => Slot(requestId).Task.WaitAsync(WaitLimit);

    /// <summary>The first post to <c>invocation/{requestId}/{kind}</c> (kind: response or error).</summary>
    public Task<RecordedPost> PostFor(string requestId, string kind) => Slot($"{requestId}/{kind}").Task.WaitAsync(WaitLimit);

    /// <summary>The post to <c>/runtime/init/error</c>.</summary>
    public Task<RecordedPost> InitError => _initError.Task.WaitAsync(WaitLimit);

    /// <summary>Completes when the runtime first asks for an invocation.</summary>
    public Task FirstNext => NextCall(1);

    /// <summary>Completes when the runtime asks for an invocation for the <paramref name="nth"/> time (from 1).</summary>
    public Task NextCall(int nth) => NextSlot(nth).Task.WaitAsync(WaitLimit);

    public async ValueTask DisposeAsync()
    {
        _invocations.Writer.TryComplete();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private TaskCompletionSource<RecordedPost> Slot(string requestId) =>
        _posts.GetOrAdd(requestId, static _ => new TaskCompletionSource<RecordedPost>(TaskCreationOptions.RunContinuationsAsynchronously));

    private TaskCompletionSource NextSlot(int nth) =>
        _nextCalls.GetOrAdd(nth, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private async Task NextAsync(HttpContext context)
    {
        _log.Enqueue($"GET {context.Request.Path}");
        NextSlot(Interlocked.Increment(ref _nextCount)).TrySetResult();
        if (_nextFailures.TryDequeue(out var status))
        {
            if (status == 0)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["errorType"] = "Fake.Failure" }).ConfigureAwait(false);
            return;
        }

        FakeInvocation invocation;
        try
        {
            invocation = await _invocations.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        if (invocation.DeadlineMs is { } deadline)
        {
            headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToString(CultureInfo.InvariantCulture);
        }

        headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.FunctionArn;
        if (invocation.TraceId is { } trace)
        {
            headers["Lambda-Runtime-Trace-Id"] = trace;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(invocation.Payload).ConfigureAwait(false);
    }

    private async Task InvocationPostAsync(HttpContext context, string requestId, string kind)
    {
        _log.Enqueue($"POST {context.Request.Path}");
        var post = await RecordAsync(context).ConfigureAwait(false);
        Slot(requestId).TrySetResult(post);
        Slot($"{requestId}/{kind}").TrySetResult(post);
        context.Response.StatusCode = _statusForPath.TryGetValue($"{requestId}/{kind}", out var status) ? status : 202;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["status"] = "OK" }).ConfigureAwait(false);
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        _log.Enqueue($"POST {context.Request.Path}");
        _initError.TrySetResult(await RecordAsync(context).ConfigureAwait(false));
        context.Response.StatusCode = 202;
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["status"] = "OK" }).ConfigureAwait(false);
    }

    private static async Task<RecordedPost> RecordAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
        var errorType = context.Request.Headers.TryGetValue("Lambda-Runtime-Function-Error-Type", out var values) ? values.ToString() : null;
        return new RecordedPost(context.Request.Path, errorType, context.Request.ContentType, body.ToArray());
    }
}
