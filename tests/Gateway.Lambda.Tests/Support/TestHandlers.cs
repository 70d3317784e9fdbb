using System.Collections.Concurrent;
using System.Text;

namespace Gateway.Lambda.Tests.Support;

/// <summary>What a handler saw for one invocation.</summary>
internal sealed record SeenInvocation(string Payload, string RequestId, DateTimeOffset Deadline, TimeSpan RemainingTime, string FunctionArn, string? TraceId);

/// <summary>Answers <c>{"echo":&lt;n&gt;}</c> with the payload's length and records what it saw.</summary>
internal sealed class RecordingHandler : ILambdaHandler
{
    public ConcurrentQueue<SeenInvocation> Seen { get; } = new();

    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        Seen.Enqueue(new SeenInvocation(
            Encoding.UTF8.GetString(payload.Span), context.AwsRequestId, context.Deadline, context.RemainingTime, context.InvokedFunctionArn, context.TraceId));
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes($$"""{"echo":{{payload.Length}}}"""));
    }
}

/// <summary>Throws for payloads containing "boom", answers <c>{}</c> otherwise.</summary>
internal sealed class ThrowingHandler : ILambdaHandler
{
    public ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        if (Encoding.UTF8.GetString(payload.Span).Contains("boom", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The record at offset 3 is not a real-time log line.", new FormatException("field 7 is empty"));
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>>("{}"u8.ToArray());
    }
}

/// <summary>For the payload "slow", waits until its cancellation token fires, as a handler stuck on a slow destination would; answers <c>{}</c> otherwise.</summary>
internal sealed class WaitsForCancellationHandler : ILambdaHandler
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task.WaitAsync(TimeSpan.FromSeconds(20));

    public int Calls { get; private set; }

    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        Calls++;
        if (Encoding.UTF8.GetString(payload.Span) != "slow")
        {
            return "{}"u8.ToArray();
        }

        _started.TrySetResult();
        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        return ReadOnlyMemory<byte>.Empty;
    }
}

/// <summary>A typed Kinesis handler: processes records in order and stops at the first whose data is "fail".</summary>
internal sealed class StopsAtFailHandler()
    : JsonLambdaHandler<KinesisEvent, StreamsEventResponse>(LambdaJsonContext.Default.KinesisEvent, LambdaJsonContext.Default.StreamsEventResponse)
{
    public List<string> Processed { get; } = [];

    protected override ValueTask<StreamsEventResponse> HandleEventAsync(KinesisEvent @event, LambdaContext context, CancellationToken cancellationToken)
    {
        for (var i = 0; i < @event.Records.Count; i++)
        {
            var data = Encoding.UTF8.GetString(@event.Records[i].Kinesis.Data.Span);
            if (data == "fail")
            {
                return ValueTask.FromResult(StreamsEventResponse.RetryFrom(@event.Records, i));
            }

            Processed.Add(data);
        }

        return ValueTask.FromResult(StreamsEventResponse.Success());
    }
}
