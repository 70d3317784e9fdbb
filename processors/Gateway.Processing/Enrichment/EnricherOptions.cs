namespace Gateway.Processing.Enrichment;

/// <summary>Settings of an <see cref="EventEnricher"/>.</summary>
public sealed class EnricherOptions
{
    /// <summary>The real-time log fields, in canonical order (the edge's and the CDK log config's list).</summary>
    public IReadOnlyList<RealtimeLogField> Fields { get; init; } = RealtimeLogFields.Default;

    /// <summary>Lines longer than this are bad rows.</summary>
    public int MaxLineBytes { get; init; } = RealtimeLogParser.DefaultMaxLineBytes;

    /// <summary>How far the client's <c>ts</c> may be from the log timestamp and still be used.</summary>
    public EventTimeWindow EventTimeWindow { get; init; } = EventTimeWindow.Default;

    /// <summary>UA strings whose parse results are cached.</summary>
    public int UserAgentCacheCapacity { get; init; } = UserAgents.CachingUserAgentParser.DefaultCapacity;

    /// <summary>Drops repeats of an event id; null to keep every hit (a Lambda batch that must answer each record still dedups).</summary>
    public EventIdDeduplicator? Deduplicator { get; init; }

    /// <summary>
    /// A note to add to each enriched event, or null for none: how a shell marks events the lake keeps but something
    /// downstream will not use (e.g. <see cref="Forwarding.ForwardRouter.DomainNote"/>: a page on a blocked domain). Called
    /// once per event; it must be fast and thread-safe.
    /// </summary>
    public Func<EventRow, string?>? Flag { get; init; }
}
