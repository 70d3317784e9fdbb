namespace Gateway.Streams.Internal;

/// <summary>Runs one batch's per-shard fsyncs at the same time, so they share the file system's journal commit instead of paying one each.</summary>
/// <remarks>Dedicated threads rather than the thread pool: the pool is busy running the callers' continuations, and a queued fsync would wait behind them.</remarks>
internal sealed class ParallelFlusher : IDisposable
{
    private const int MaxHelpers = 7;

    private readonly Action<int> _flush;
    private readonly Helper[] _helpers;
    private readonly CountdownEvent _done = new(0);
    private int[] _targets = [];
    private int _count;
    private int _participants;

    /// <param name="shardCount">Most fsyncs one batch can need.</param>
    /// <param name="flush">Flushes one shard; must not throw and may run on any of the threads.</param>
    public ParallelFlusher(int shardCount, Action<int> flush)
    {
        _flush = flush;
        _helpers = new Helper[Math.Min(shardCount - 1, MaxHelpers)];
        for (var i = 0; i < _helpers.Length; i++)
        {
            _helpers[i] = new Helper(this, i + 1);
        }
    }

    /// <summary>Flushes every shard in <paramref name="shards"/>; returns when all are done.</summary>
    public void FlushAll(int[] shards, int count)
    {
        if (count == 1 || _helpers.Length == 0)
        {
            for (var i = 0; i < count; i++)
            {
                _flush(shards[i]);
            }

            return;
        }

        // Written before the helpers are released; the semaphore publishes them.
        _targets = shards;
        _count = count;
        var helpers = Math.Min(count - 1, _helpers.Length);
        _participants = helpers + 1;
        _done.Reset(helpers);
        for (var i = 0; i < helpers; i++)
        {
            _helpers[i].Go();
        }

        RunShare(0);
        _done.Wait();
    }

    public void Dispose()
    {
        foreach (var helper in _helpers)
        {
            helper.Stop();
        }
    }

    /// <summary>Participant <paramref name="participant"/> flushes every participants-th shard, starting at its own index.</summary>
    private void RunShare(int participant)
    {
        for (var i = participant; i < _count; i += _participants)
        {
            _flush(_targets[i]);
        }
    }

    private sealed class Helper
    {
        private readonly ParallelFlusher _owner;
        private readonly int _participant;
        private readonly SemaphoreSlim _go = new(0);
        private volatile bool _stopping;

        public Helper(ParallelFlusher owner, int participant)
        {
            _owner = owner;
            _participant = participant;
            new Thread(Run) { IsBackground = true, Name = "gateway-stream-fsync" }.Start();
        }

        public void Go() => _go.Release();

        public void Stop()
        {
            _stopping = true;
            _go.Release();
        }

        private void Run()
        {
            while (true)
            {
                _go.Wait();
                if (_stopping)
                {
                    return;
                }

                _owner.RunShare(_participant);
                _owner._done.Signal();
            }
        }
    }
}
