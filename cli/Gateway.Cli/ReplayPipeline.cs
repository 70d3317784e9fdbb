using System.Diagnostics;
using System.Threading.Channels;
using Gateway.Parquet.Lake;
using Gateway.Processing;
using Gateway.Processing.Enrichment;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway replay</c>'s engine: real-time log lines → the aggregate stage's KPL records → deaggregation → the enrich
/// stage → the lake, the same code path as <c>gateway up</c> without the streams in between.
/// </summary>
/// <remarks>
/// <para>Parallel but deterministic: chunks of lines are aggregated and enriched on the thread pool, and their results
/// reach the lake (and its event-id dedup) in input order, so the same input with the same settings always makes the same
/// files with the same rows. With <see cref="LakeWriterOptions.NameSeed"/> set from the input, a re-run rewrites those
/// files under the same names instead of adding a second copy.</para>
/// <para>Memory: at most <see cref="ChunksInFlight"/> chunks of <see cref="LinesPerChunk"/> lines are read ahead (a
/// bounded channel; the reader waits when it is full), plus the lake's own per-partition buffers.</para>
/// </remarks>
internal sealed class ReplayPipeline(EventEnricher enricher, LakeWriter lake)
{
    public const int LinesPerChunk = 4096;

    private static readonly KplAggregatorOptions Aggregation = new();

    private readonly Dictionary<string, long> _badRowsByReason = new(StringComparer.Ordinal);
    // Chunks go back here once enriched (the rows hold strings, not the chunk's bytes), so reading allocates no new ones.
    private readonly System.Collections.Concurrent.ConcurrentBag<ReplayChunk> _chunks = [];
    private long _lines;

    private static int ChunksInFlight => Math.Max(2, Environment.ProcessorCount * 2);

    /// <summary>Lines read so far (all inputs).</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Replays <paramref name="inputs"/> one after the other, then flushes the lake.</summary>
    /// <param name="inputs">The opened inputs; the caller disposes them.</param>
    /// <param name="progress">Told the input's bytes consumed after each chunk is read (for the progress bar).</param>
    /// <param name="cancellationToken">Stops reading; rows already handed to the lake are flushed by the caller's dispose.</param>
    public async Task<ReplaySummary> RunAsync(IReadOnlyList<ReplayInput> inputs, Action<ReplayInput>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        // Full: the reader waits for the writer. Cancelled: the reader stops, the writer drains what was read.
        var pending = Channel.CreateBounded<Task<Enriched[]>>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        var writing = WriteAsync(pending.Reader, cancellationToken);
        // A failed writer reads no more: without this the reader would wait forever for room in the full channel.
        using var writerFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = writing.ContinueWith(_ => writerFailed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            foreach (var input in inputs)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var chunk = _chunks.TryTake(out var reused) ? reused : new ReplayChunk();
                    if (!input.TryReadChunk(chunk, LinesPerChunk))
                    {
                        _chunks.Add(chunk);
                        break;
                    }

                    Interlocked.Add(ref _lines, chunk.Count);
                    var arrival = input.Arrival;
                    await pending.Writer.WriteAsync(Task.Run(() => Enrich(chunk, arrival), CancellationToken.None), writerFailed.Token).ConfigureAwait(false);
                    progress?.Invoke(input);
                }
            }
        }
        catch (OperationCanceledException) when (writing.IsFaulted)
        {
            // The writer's own exception is the one to report: awaiting it below throws it.
        }
        finally
        {
            pending.Writer.Complete();
        }

        await writing.ConfigureAwait(false);
        await lake.FlushAllAsync(cancellationToken).ConfigureAwait(false);
        var stats = lake.Stats;
        return new ReplaySummary(Lines, stats.Events.Rows, stats.BadRows.Rows, stats.DuplicatesDropped, new SortedDictionary<string, long>(_badRowsByReason, StringComparer.Ordinal), stats, watch.Elapsed);
    }

    // Aggregates the chunk into KPL records as the aggregate stage does, then enriches every user record inside them.
    private Enriched[] Enrich(ReplayChunk chunk, DateTimeOffset arrival)
    {
        var records = new UserRecord[chunk.Count];
        var bytes = chunk.Memory;
        for (var i = 0; i < chunk.Count; i++)
        {
            records[i] = new UserRecord("replay", bytes[chunk.Range(i)]);
        }

        var results = new Enriched[chunk.Count];
        var next = 0;
        foreach (var put in BatchAggregation.Aggregate(records, Aggregation))
        {
            // Made by the line above and never sent anywhere, so its MD5 needs no second computation.
            KplDeaggregator.Deaggregate(put.Data, put.PartitionKey, put.ExplicitHashKey, (in DeaggregatedRecord user) =>
            {
                var result = enricher.Enrich(user.Data, arrival);
                results[next++] = new Enriched(result.Event, result.BadRow);
            }, verifyChecksum: false);
        }

        _chunks.Add(chunk);
        return results;
    }

    private async Task WriteAsync(ChannelReader<Task<Enriched[]>> pending, CancellationToken cancellationToken)
    {
        long position = 0;
        await foreach (var task in pending.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            foreach (var (row, bad) in await task.ConfigureAwait(false))
            {
                position++;
                // In input order, so which copy of a repeated event id the lake keeps never depends on thread timing.
                if (row is not null)
                {
                    lake.Add(row, position);
                }
                else if (bad is not null)
                {
                    lake.Add(bad, position);
                    _badRowsByReason[bad.Reason] = _badRowsByReason.GetValueOrDefault(bad.Reason) + 1;
                }
            }

            // Files finished by this chunk close in the background while the next chunks are added.
            await lake.CommitClosedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private readonly record struct Enriched(EventRow? Row, BadRow? Bad);
}

/// <summary>What a replay did: counts only, never content.</summary>
/// <param name="Lines">Lines read.</param>
/// <param name="Events">Event rows written.</param>
/// <param name="BadRows">Bad rows written.</param>
/// <param name="Duplicates">Repeated event ids dropped.</param>
/// <param name="BadRowsByReason">Bad rows per reason code.</param>
/// <param name="Lake">Files and bytes the lake committed.</param>
/// <param name="Elapsed">Wall time of the replay.</param>
internal sealed record ReplaySummary(long Lines, long Events, long BadRows, long Duplicates, IReadOnlyDictionary<string, long> BadRowsByReason, LakeStats Lake, TimeSpan Elapsed);
