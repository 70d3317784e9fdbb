using System.Collections.Concurrent;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The enrich stage of the local pipeline: a batch of the aggregated stream → its user records (real-time log lines)
/// → <see cref="EventEnricher"/> → one JSON event row per record in <c>events</c>, or one JSON bad row in <c>bad-rows</c>.
/// Repeats of an event id within the dedup window are counted, not written.
/// </summary>
/// <remarks>
/// <para>At-least-once: the batch returns (and the consumer checkpoints) only after every append to both streams has
/// completed, i.e. is as durable as those streams promise. A crash before that replays the batch, and since the dedup
/// memory does not survive the process, the replay writes its rows again; readers dedup by <c>event_id</c>.</para>
/// <para>A failed batch is retried by the consumer. Enriching it again would find every event id already in the dedup
/// memory and drop the whole batch as duplicates, so each record's result is kept until its batch succeeds, and a retry
/// only appends the rows whose append has not completed yet.</para>
/// </remarks>
internal sealed class EnrichProcessor(EventEnricher enricher, IRecordStream events, IRecordStream badRows) : IBatchProcessor
{
    // Kinesis' partition-key limit; an event id longer than this (none is, today) falls back to the record's key.
    private const int MaxPartitionKeyLength = 256;

    // Per input shard, the results of records whose batch has not succeeded yet; only that shard's task touches its map.
    private readonly ConcurrentDictionary<string, Dictionary<string, Output[]>> _unfinished = new(StringComparer.Ordinal);
    private long _events;
    private long _badRows;
    private long _duplicates;

    /// <summary>A snapshot of what the stage has written: counts only, never content.</summary>
    public EnrichCounts Counts => new(Interlocked.Read(ref _events), Interlocked.Read(ref _badRows), Interlocked.Read(ref _duplicates), enricher.UserAgentCacheHits, enricher.UserAgentCacheMisses);

    public async ValueTask ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var unfinished = _unfinished.GetOrAdd(batch[0].ShardId, static _ => new Dictionary<string, Output[]>(StringComparer.Ordinal));
        var outputs = new Output[batch.Count][];
        for (var i = 0; i < batch.Count; i++)
        {
            if (!unfinished.TryGetValue(batch[i].SequenceNumber, out outputs[i]!))
            {
                outputs[i] = Enrich(batch[i]);
                unfinished[batch[i].SequenceNumber] = outputs[i];
            }
        }

        // All appends at once, so one group commit per stream carries the whole batch.
        var appends = outputs.SelectMany(o => o).Where(o => o.Target is not null && !o.Appended).Select(o => AppendAsync(o, cancellationToken));
        await Task.WhenAll(appends).ConfigureAwait(false);

        // Counted once the batch is done, so a retried batch is not counted twice.
        var all = outputs.SelectMany(o => o).ToList();
        Interlocked.Add(ref _events, all.Count(o => o.Status == EnrichStatus.Event));
        Interlocked.Add(ref _badRows, all.Count(o => o.Status == EnrichStatus.BadRow));
        Interlocked.Add(ref _duplicates, all.Count(o => o.Status == EnrichStatus.Duplicate));

        foreach (var record in batch)
        {
            unfinished.Remove(record.SequenceNumber);
        }
    }

    private Output[] Enrich(StreamRecord record)
    {
        var outputs = new List<Output>(1);
        KplDeaggregator.Deaggregate(record.Data.Span, record.PartitionKey, null, (in DeaggregatedRecord user) =>
        {
            var line = user.Data;
            // CloudFront ends each real-time log record with a newline; the parser takes the line without it.
            if (line.EndsWith("\n"u8))
            {
                line = line[..^1];
            }

            var result = enricher.Enrich(line, record.ApproximateArrivalTimestamp);
            outputs.Add(result.Status switch
            {
                EnrichStatus.Event => new Output(result.Status, events, PartitionKeyOf(result.Event!, user.PartitionKey), EventRowJson.ToUtf8(result.Event!)),
                EnrichStatus.BadRow => new Output(result.Status, badRows, user.PartitionKey, EventRowJson.ToUtf8(result.BadRow!)),
                _ => new Output(result.Status, null, "", default),
            });
        });
        return [.. outputs];
    }

    // By event id, so a repeat that escaped the dedup window lands in the same shard as the original.
    private static string PartitionKeyOf(EventRow row, string fallback) =>
        row.EventId.Length is > 0 and <= MaxPartitionKeyLength ? row.EventId : fallback;

    private static async Task AppendAsync(Output output, CancellationToken cancellationToken)
    {
        await output.Target!.AppendAsync(output.PartitionKey, output.Json, cancellationToken).ConfigureAwait(false);
        output.Appended = true;
    }

    /// <summary>One user record's result: the row to append to <see cref="Target"/>, or a duplicate (no target).</summary>
    private sealed class Output(EnrichStatus status, IRecordStream? target, string partitionKey, ReadOnlyMemory<byte> json)
    {
        public EnrichStatus Status { get; } = status;

        public IRecordStream? Target { get; } = target;

        public string PartitionKey { get; } = partitionKey;

        public ReadOnlyMemory<byte> Json { get; } = json;

        public bool Appended { get; set; }
    }
}

/// <summary>Running totals of the enrich stage.</summary>
/// <param name="Events">Event rows written to <c>events</c>.</param>
/// <param name="BadRows">Bad rows written to <c>bad-rows</c>.</param>
/// <param name="Duplicates">Repeats of an event id dropped within the dedup window.</param>
/// <param name="UserAgentCacheHits">User-agent lookups answered from the cache.</param>
/// <param name="UserAgentCacheMisses">User-agent lookups that ran the rules.</param>
internal readonly record struct EnrichCounts(long Events, long BadRows, long Duplicates, long UserAgentCacheHits, long UserAgentCacheMisses);
