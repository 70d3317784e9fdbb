using System.Collections.Concurrent;
using System.Text;
using Gateway.Streams;

namespace Gateway.Edge.Tests.Support;

/// <summary>An in-memory <see cref="IRecordStream"/> that keeps a copy of every append, or fails on demand.</summary>
internal sealed class RecordingStream : IRecordStream
{
    private readonly ConcurrentQueue<(string PartitionKey, string Line)> _appended = new();
    private long _sequence;

    public Exception? FailWith { get; set; }

    public StreamDescription Description { get; } =
        new("raw", [new ShardDescription("shardId-000000000000", UInt128.MinValue, UInt128.MaxValue)]);

    public IReadOnlyList<(string PartitionKey, string Line)> Appended => [.. _appended];

    public string SingleLine() => Assert.Single(Appended).Line;

    public ValueTask<AppendResult> AppendAsync(string partitionKey, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (FailWith is { } failure)
        {
            return ValueTask.FromException<AppendResult>(failure);
        }

        _appended.Enqueue((partitionKey, Encoding.UTF8.GetString(data.Span)));
        var sequence = Interlocked.Increment(ref _sequence);
        return ValueTask.FromResult(new AppendResult("shardId-000000000000", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public ValueTask<ReadResult> ReadAsync(string shardId, StreamPosition after, int maxRecords, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the edge never reads the raw stream");

    public ValueTask WaitForRecordsAsync(string shardId, StreamPosition after, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("the edge never reads the raw stream");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
