namespace Gateway.Streams.Tests.Support;

/// <summary>A fault-injection hook that holds the writer thread inside its next write until released, or fails chosen operations.</summary>
internal sealed class BlockingHook : IDisposable
{
    private readonly SemaphoreSlim _entered = new(0);
    private readonly ManualResetEventSlim _released = new(initialState: true);
    private volatile string? _failNext;

    /// <summary>Pass as EmbeddedStreamOptions.FaultInjection.</summary>
    public void Invoke(string operation)
    {
        var failing = _failNext;
        if (failing == operation && Interlocked.CompareExchange(ref _failNext, null, failing) == failing)
        {
            throw new IOException($"injected {operation} failure");
        }

        if (operation == "write" && !_released.IsSet)
        {
            _entered.Release();
            _released.Wait();
        }
    }

    /// <summary>The next "write" blocks the writer until <see cref="Release"/>.</summary>
    public void BlockNextWrite() => _released.Reset();

    /// <summary>Completes when the writer is blocked inside a write.</summary>
    public Task WriterBlockedAsync() => _entered.WaitAsync(TimeSpan.FromSeconds(10));

    public void Release() => _released.Set();

    /// <summary>The next time the writer does <paramref name="operation"/> ("write" or "fsync") it fails with an IOException.</summary>
    public void FailNext(string operation) => _failNext = operation;

    public void Dispose()
    {
        _released.Set();
        _entered.Dispose();
        _released.Dispose();
    }
}
