using Gateway.Processing.Forwarding;

namespace Gateway.Lambda.Internal;

/// <summary>
/// What the forward handler's senders counted, per hour, pixel and event name, at one moment. The senders live across
/// invocations and count into one <see cref="ForwardMetrics"/>; the difference of two snapshots is what one invocation
/// (its batch and its redrive) did.
/// </summary>
internal sealed class SentCounts
{
    private readonly Dictionary<(long Hour, string Pixel, string Event), ForwardMetricsRow> _rows;

    private SentCounts(Dictionary<(long Hour, string Pixel, string Event), ForwardMetricsRow> rows)
    {
        _rows = rows;
    }

    /// <summary>Accepted deliveries by destination.</summary>
    public Dictionary<string, long> ForwardedByDestination { get; } = new(StringComparer.Ordinal);

    /// <summary>Dead-lettered deliveries by destination.</summary>
    public Dictionary<string, long> DeadLetteredByDestination { get; } = new(StringComparer.Ordinal);

    /// <summary>Accepted deliveries by pixel.</summary>
    public Dictionary<string, long> ForwardedByPixel { get; } = new(StringComparer.Ordinal);

    /// <summary>Deliveries the senders dropped (too old), by reason.</summary>
    public Dictionary<string, long> DroppedByReason { get; } = new(StringComparer.Ordinal);

    /// <summary>The counts of <paramref name="metrics"/> now.</summary>
    public static SentCounts Take(ForwardMetrics metrics)
    {
        var rows = new Dictionary<(long, string, string), ForwardMetricsRow>();
        foreach (var bucket in metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
        {
            foreach (var row in metrics.Query(bucket.Hour, bucket.Hour.AddHours(1)))
            {
                rows[(bucket.Hour.UtcTicks, row.PixelId, row.EventName)] = row;
            }
        }

        return new SentCounts(rows);
    }

    /// <summary>
    /// What was counted between <paramref name="before"/> and this snapshot. Only hours still held count: an hour
    /// pruned in between (past the retention) is left out rather than counted negative.
    /// </summary>
    public SentCounts Since(SentCounts before)
    {
        var delta = new SentCounts([]);
        foreach (var (key, row) in _rows)
        {
            var earlier = before._rows.GetValueOrDefault(key);
            Add(delta.ForwardedByDestination, row.ForwardedByDestination, earlier?.ForwardedByDestination);
            Add(delta.DeadLetteredByDestination, row.FailedByDestination, earlier?.FailedByDestination);
            Add(delta.DroppedByReason, row.DroppedByReason, earlier?.DroppedByReason);
            var forwarded = row.Forwarded - (earlier?.Forwarded ?? 0);
            if (forwarded != 0)
            {
                delta.ForwardedByPixel[row.PixelId] = delta.ForwardedByPixel.GetValueOrDefault(row.PixelId) + forwarded;
            }
        }

        return delta;
    }

    private static void Add(Dictionary<string, long> into, IReadOnlyDictionary<string, long> now, IReadOnlyDictionary<string, long>? earlier)
    {
        foreach (var (name, count) in now)
        {
            var added = count - (earlier?.GetValueOrDefault(name) ?? 0);
            if (added != 0)
            {
                into[name] = into.GetValueOrDefault(name) + added;
            }
        }
    }
}
