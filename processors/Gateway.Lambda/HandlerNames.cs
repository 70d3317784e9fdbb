namespace Gateway.Lambda;

/// <summary>The values of <c>_HANDLER</c> (the function's handler setting) that select a Gateway handler.</summary>
public static class HandlerNames
{
    /// <summary>Kinesis raw stream → KPL-aggregated records on the second stream.</summary>
    public const string Aggregate = "aggregate";

    /// <summary>Firehose transformation: enrich rows and return partition keys.</summary>
    public const string Enrich = "enrich";

    /// <summary>Kinesis stream → Parquet objects in S3 (the direct sink).</summary>
    public const string Sink = "sink";

    /// <summary>Kinesis stream → ad-platform conversion APIs.</summary>
    public const string Forward = "forward";

    /// <summary>Smoke check of a deployed bootstrap; see <see cref="HealthHandler"/>.</summary>
    public const string Health = "health";

    /// <summary>The pipeline's handlers, whether or not this build includes them yet.</summary>
    public static IReadOnlyList<string> Pipeline { get; } = [Aggregate, Enrich, Sink, Forward];
}
