namespace Gateway.Processing.Enrichment;

/// <summary>One step of <see cref="EventEnricher"/>: reads the parsed line and what earlier steps wrote, fills its columns.</summary>
internal interface IEnrichmentStep
{
    /// <summary>The step's name in docs and bad rows.</summary>
    string Name { get; }

    /// <summary>Fills <paramref name="row"/>; returns false after setting <see cref="EnrichmentContext.Reject"/> when the hit cannot become an event.</summary>
    bool Apply(ref EnrichmentContext context, EventRow row);
}

/// <summary>What the steps of one hit share: the parsed line and values decoded once for several steps.</summary>
internal ref struct EnrichmentContext
{
    public EnrichmentContext(RealtimeLogLine line) => Line = line;

    /// <summary>The parsed log line.</summary>
    public RealtimeLogLine Line;

    /// <summary>The tag contract's values (step 1).</summary>
    public TagValues Tags;

    /// <summary>The user agent's cached profile (step 3).</summary>
    public UserAgentProfile? Profile;

    /// <summary>Why the hit was rejected: a snake-case code and a message.</summary>
    public (string Reason, string Message) Rejection;

    /// <summary>Set when the event id was already seen (step 8).</summary>
    public bool Duplicate;

    public void Reject(string reason, string message) => Rejection = (reason, message);
}
