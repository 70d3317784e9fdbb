using System.Buffers;
using System.Threading.Channels;

namespace Gateway.Streams.Internal;

/// <summary>The single writer: drains every pending append, writes each shard's share with one positional write,
/// makes the batch durable once, and only then completes the callers (group commit).</summary>
/// <remarks>
/// Appends wait in a bounded channel. When it is full, <see cref="EnqueueAsync"/> waits for space, so callers
/// feel backpressure instead of memory growing without bound. <see cref="Complete"/> stops new appends; every
/// append already queued is still written and flushed before <see cref="Completion"/> finishes.
/// Batching needs no timer: while one fsync runs, the next batch accumulates in the channel.
/// </remarks>
internal sealed partial class GroupCommitWriter
{
    // Caps one batch so its write buffer stays bounded; a single record may still take it past the cap.
    private const int MaxBatchBytes = 8 * 1024 * 1024;

    private readonly Channel<AppendRequest> _queue;
    private readonly ShardLog[] _shards;
    private readonly PendingShard[] _pending;
    private readonly List<AppendRequest> _batch = [];
    private readonly StreamCounters _counters;
    private readonly TimeProvider _time;
    private readonly Durability _durability;
    private readonly long _segmentSize;
    private readonly TimeSpan _groupCommitDelay;
    private readonly Action<string>? _faultInjection;
    private readonly long _preallocateUpTo;
    private readonly ParallelFlusher _flusher;
    private readonly int[] _toFlush;

    // Held while a batch touches files, and by the periodic flush, so neither sees a half-rolled shard.
    private readonly Lock _ioLock = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
    private bool _closed;

    public GroupCommitWriter(ShardLog[] shards, EmbeddedStreamOptions options, TimeProvider time, StreamCounters counters)
    {
        _shards = shards;
        _pending = new PendingShard[shards.Length];
        for (var i = 0; i < _pending.Length; i++)
        {
            _pending[i] = new PendingShard();
        }

        _counters = counters;
        _time = time;
        _durability = options.Durability;
        _segmentSize = options.SegmentSize;
        _groupCommitDelay = options.GroupCommitDelay;
        _faultInjection = options.FaultInjection;
        _preallocateUpTo = PreallocationFor(options);
        _flusher = new ParallelFlusher(shards.Length, FlushShard);
        _toFlush = new int[shards.Length];
        _queue = Channel.CreateBounded<AppendRequest>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });

        // A dedicated thread: the loop blocks in write(2)/fsync most of the time and must not hold a pool thread.
        var thread = new Thread(Run) { IsBackground = true, Name = "gateway-stream-writer" };
        thread.Start();
    }

    /// <summary>Zero-fill ahead only when every batch is fsynced; with Durability.Write the periodic fsync is cheap enough.</summary>
    public static long PreallocationFor(EmbeddedStreamOptions options) => options.Durability == Durability.Fsync ? options.SegmentSize : 0;

    /// <summary>Finishes after <see cref="Complete"/> once every queued append was written and flushed and the files are closed.</summary>
    public Task Completion => _completion.Task;

    public bool TryEnqueue(AppendRequest request) => _queue.Writer.TryWrite(request);

    /// <summary>Waits for space in the queue (backpressure); throws <see cref="ChannelClosedException"/> after <see cref="Complete"/>.</summary>
    public ValueTask EnqueueAsync(AppendRequest request, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(request, cancellationToken);

    public void Complete() => _queue.Writer.TryComplete();

    /// <summary><see cref="Durability.Write"/>: fsyncs whatever was written since the last flush.</summary>
    public void FlushDirty()
    {
        lock (_ioLock)
        {
            if (_closed)
            {
                return;
            }

            foreach (var shard in _shards)
            {
                try
                {
                    if (shard.Active is { } active && active.Flush())
                    {
                        Interlocked.Increment(ref _counters.Fsyncs);
                    }
                }
                catch (IOException)
                {
                    // The records were already acknowledged; the next tick retries and the metric shows it.
                    Interlocked.Increment(ref _counters.BackgroundFailures);
                }
            }
        }
    }

    private void Run()
    {
        try
        {
            var reader = _queue.Reader;
            while (WaitToRead(reader))
            {
                if (_groupCommitDelay > TimeSpan.Zero)
                {
                    // Optional: trades latency for bigger batches when appends trickle in.
                    Task.Delay(_groupCommitDelay, _time).GetAwaiter().GetResult();
                }

                var bytes = 0L;
                while (bytes < MaxBatchBytes && reader.TryRead(out var request))
                {
                    _batch.Add(request);
                    bytes += request.EncodedLength;
                }

                ProcessBatch();
                _batch.Clear();
            }
        }
        catch (Exception error)
        {
            // Only a bug gets here. Refuse further appends and fail the queued ones rather than leave callers waiting forever.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var orphan))
            {
                orphan.Fail(new IOException("The stream's writer stopped unexpectedly; reopen the stream.", error));
            }
        }
        finally
        {
            Shutdown();
            _completion.TrySetResult();
        }
    }

    private static bool WaitToRead(ChannelReader<AppendRequest> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void Shutdown()
    {
        lock (_ioLock)
        {
            _closed = true;
            foreach (var shard in _shards)
            {
                if (shard.Active is not { } active)
                {
                    continue;
                }

                try
                {
                    // Durability.Write acknowledged these without an fsync; make them durable before the stream closes.
                    active.Seal();
                    if (active.Flush())
                    {
                        Interlocked.Increment(ref _counters.Fsyncs);
                    }
                }
                catch (IOException)
                {
                    Interlocked.Increment(ref _counters.BackgroundFailures);
                }

                active.Dispose();
                shard.Active = null;
            }

            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _flusher.Dispose();
        }
    }
}
