using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Gateway.Streams.Internal;

/// <summary>One pending append and the awaitable its caller holds; pooled so a steady stream of appends allocates no task per record.</summary>
/// <remarks>
/// The writer reads <see cref="Data"/> straight from the caller's memory: the caller is awaiting, and the
/// <see cref="IRecordStream.AppendAsync"/> contract says the memory stays unchanged until the task completes.
/// </remarks>
internal sealed class AppendRequest : IValueTaskSource<AppendResult>
{
    private readonly AppendRequestPool _pool;
    private ManualResetValueTaskSourceCore<long> _core;

    public AppendRequest(AppendRequestPool pool)
    {
        _pool = pool;
        // Continuations must not run on the writer thread: it would stall the next group commit behind caller code.
        _core.RunContinuationsAsynchronously = true;
    }

    public string PartitionKey { get; private set; } = "";

    public ReadOnlyMemory<byte> Data { get; private set; }

    public int ShardIndex { get; private set; }

    public string ShardId { get; private set; } = "";

    public int EncodedLength { get; private set; }

    /// <summary>Assigned by the writer while it encodes the batch.</summary>
    public long SequenceNumber { get; set; }

    public void Initialize(string partitionKey, ReadOnlyMemory<byte> data, int shardIndex, string shardId, int encodedLength)
    {
        PartitionKey = partitionKey;
        Data = data;
        ShardIndex = shardIndex;
        ShardId = shardId;
        EncodedLength = encodedLength;
    }

    public ValueTask<AppendResult> AsValueTask() => new(this, _core.Version);

    public void Succeed() => _core.SetResult(SequenceNumber);

    public void Fail(Exception error) => _core.SetException(error);

    public AppendResult GetResult(short token)
    {
        // A stale token must throw without recycling: the request may already belong to another caller.
        var current = token == _core.Version;
        try
        {
            // The string is made here, on the caller's thread, instead of on the writer thread.
            return new AppendResult(ShardId, SequenceNumbers.Format(_core.GetResult(token)));
        }
        finally
        {
            if (current)
            {
                _core.Reset();
                ReturnToPool();
            }
        }
    }

    /// <summary>Recycles a request that was never handed to the writer.</summary>
    public void ReturnToPool()
    {
        PartitionKey = "";
        Data = default;
        ShardId = "";
        _pool.Return(this);
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>A bounded free list of <see cref="AppendRequest"/>s.</summary>
internal sealed class AppendRequestPool(int maxRetained)
{
    private readonly ConcurrentQueue<AppendRequest> _free = new();
    private int _count;

    public AppendRequest Rent()
    {
        if (_free.TryDequeue(out var request))
        {
            Interlocked.Decrement(ref _count);
            return request;
        }

        return new AppendRequest(this);
    }

    public void Return(AppendRequest request)
    {
        if (Interlocked.Increment(ref _count) <= maxRetained)
        {
            _free.Enqueue(request);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
