using Gateway.Streams;

namespace Gateway.Cli.Tests.Support;

/// <summary>A stream whose next appends fail, as on a full disk; everything else goes to the wrapped stream.</summary>
internal sealed class FailingStream(IRecordStream inner) : IRecordStream
{
    private int _failures;

    /// <summary>How many of the next appends throw <see cref="IOException"/>.</summary>
    public int FailNextAppends
    {
        get => Volatile.Read(ref _failures);
        set => Volatile.Write(ref _failures, value);
    }

    public StreamDescription Description => inner.Description;

    public ValueTask<AppendResult> AppendAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Interlocked.Decrement(ref _failures) >= 0
            ? ValueTask.FromException<AppendResult>(new IOException("No space left on device"))
            : inner.AppendAsync(partitionKey, data, cancellationToken);

    public ValueTask<ReadResult> ReadAsync(string shardId, StreamPosition after, int maxRecords, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(shardId, after, maxRecords, cancellationToken);

    public ValueTask WaitForRecordsAsync(string shardId, StreamPosition after, CancellationToken cancellationToken = default) =>
        inner.WaitForRecordsAsync(shardId, after, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
