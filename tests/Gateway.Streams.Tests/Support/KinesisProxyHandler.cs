using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Streams.Tests.Support;

/// <summary>Forwards to a real Kinesis-API server, but can hold PutRecords calls at a gate or answer them with every entry throttled (nothing stored).</summary>
internal sealed class KinesisProxyHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly SemaphoreSlim _held = new(0);
    private TaskCompletionSource _gate = Open();
    private int _putRecordsCalls;

    /// <summary>When true, PutRecords calls are not forwarded and every entry comes back as ProvisionedThroughputExceededException.</summary>
    public bool ThrottleEverything { get; set; }

    public int PutRecordsCalls => Volatile.Read(ref _putRecordsCalls);

    /// <summary>PutRecords calls from now on wait until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    /// <summary>Completes when a PutRecords call is waiting at the gate.</summary>
    public Task CallHeldAsync() => _held.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(t => Assert.True(t.Result, "no PutRecords call arrived"), TaskScheduler.Default);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.TryGetValues("X-Amz-Target", out var target) || target.Single() != "Kinesis_20131202.PutRecords")
        {
            return await base.SendAsync(request, cancellationToken);
        }

        Interlocked.Increment(ref _putRecordsCalls);
        var gate = _gate.Task;
        if (!gate.IsCompleted)
        {
            _held.Release();
            await gate;
        }

        if (!ThrottleEverything)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var count = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!["Records"]!.AsArray().Count;
        var records = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            records.Add(new JsonObject { ["ErrorCode"] = "ProvisionedThroughputExceededException", ["ErrorMessage"] = "Rate exceeded for shard shardId-000000000000." });
        }

        var json = new JsonObject { ["FailedRecordCount"] = count, ["Records"] = records }.ToJsonString();
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.TrySetResult();
            _held.Dispose();
        }

        base.Dispose(disposing);
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
