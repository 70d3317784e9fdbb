namespace Gateway.Processing.Enrichment;

/// <summary>What became of one input line.</summary>
public enum EnrichStatus
{
    /// <summary>It is an event: <see cref="EnrichResult.Event"/> is set.</summary>
    Event,

    /// <summary>It could not be parsed or enriched: <see cref="EnrichResult.BadRow"/> is set.</summary>
    BadRow,

    /// <summary>Its event id was seen within the dedup window: <see cref="EnrichResult.Event"/> holds the repeat, which is not stored.</summary>
    Duplicate,
}

/// <summary>The outcome of <see cref="EventEnricher.Enrich(ReadOnlySpan{byte}, DateTimeOffset)"/>.</summary>
public readonly record struct EnrichResult(EnrichStatus Status, EventRow? Event, BadRow? BadRow);
