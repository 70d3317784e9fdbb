using System.Collections.Concurrent;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The forward stage of the local pipeline: a batch of the aggregated stream → its real-time log lines → the enriched row
/// (its own <see cref="EventEnricher"/>, so repeats within the dedup window are not forwarded twice) and the hit's transient
/// fields (<see cref="ForwardHit"/>) → <see cref="Forwarder"/>. Events that cannot be sent become bad rows of stage
/// <c>forward</c> in <c>bad-rows</c>.
/// </summary>
/// <remarks>
/// The batch returns (and the consumer checkpoints) only once every delivery is accepted, dead-lettered or spilled to
/// disk, so a crash replays the batch and nothing acknowledged is lost; Meta deduplicates what is sent twice by event id.
/// A failed batch is retried by the consumer with the items it built the first time: enriching again would find every
/// event id in the dedup memory and forward nothing.
/// </remarks>
internal sealed class ForwardProcessor(EventEnricher enricher, Forwarder forwarder, ForwardBadRows badRows) : IBatchProcessor
{
    private readonly ConcurrentDictionary<string, Dictionary<string, List<ForwardItem>>> _unfinished = new(StringComparer.Ordinal);
    private long _events;

    /// <summary>Events handed to the forwarder so far.</summary>
    public long Events => Interlocked.Read(ref _events);

    public async ValueTask ProcessAsync(IReadOnlyList<StreamRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var unfinished = _unfinished.GetOrAdd(batch[0].ShardId, static _ => new Dictionary<string, List<ForwardItem>>(StringComparer.Ordinal));
        var items = new List<ForwardItem>();
        foreach (var record in batch)
        {
            if (!unfinished.TryGetValue(record.SequenceNumber, out var built))
            {
                built = Read(record);
                unfinished[record.SequenceNumber] = built;
            }

            items.AddRange(built);
        }

        await forwarder.ForwardAsync(items, cancellationToken).ConfigureAwait(false);
        await badRows.FlushAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _events, items.Count);
        foreach (var record in batch)
        {
            unfinished.Remove(record.SequenceNumber);
        }
    }

    private List<ForwardItem> Read(StreamRecord record)
    {
        var items = new List<ForwardItem>();
        Forwarder.ReadRecord(enricher, record.Data.Span, record.PartitionKey, record.ApproximateArrivalTimestamp, items.Add);
        return items;
    }
}

/// <summary>
/// Events the forward stage cannot send (stale, incomplete), as bad rows of stage <c>forward</c> in <c>bad-rows</c>: queued
/// when reported (by the forwarder, or by a redrive loop between batches) and appended with the next batch.
/// </summary>
internal sealed class ForwardBadRows(IRecordStream badRows, TimeProvider? time = null)
{
    private readonly ConcurrentQueue<BadRow> _rows = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _count;

    /// <summary>Bad rows appended so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>An event the forwarder could not build a payload for.</summary>
    public void Report(ForwardProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        _rows.Enqueue(problem.ToBadRow(_time.GetUtcNow()));
    }

    /// <summary>A delivery a sender dropped as stale.</summary>
    public void Report(Delivery delivery, string message) => _rows.Enqueue(ForwardProblem.Stale(delivery, message));

    /// <summary>Appends what was reported so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var appends = new List<(BadRow Row, Task Append)>();
        while (_rows.TryDequeue(out var row))
        {
            appends.Add((row, badRows.AppendAsync(BadRow.ForwardStage, EventRowJson.ToUtf8(row), cancellationToken).AsTask()));
        }

        try
        {
            await Task.WhenAll(appends.Select(a => a.Append)).ConfigureAwait(false);
        }
        finally
        {
            // A row whose append failed goes back in the queue for the next flush: it is never dropped silently.
            foreach (var (row, append) in appends)
            {
                if (append.IsCompletedSuccessfully)
                {
                    Interlocked.Increment(ref _count);
                }
                else
                {
                    _rows.Enqueue(row);
                }
            }
        }
    }
}
