using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;

namespace Gateway.Processing.Metrics;

/// <summary>
/// The one list of Gateway's CloudWatch custom metrics: namespace, names, units and dimension sets. The Lambda handlers
/// publish them as Embedded Metric Format lines (<see cref="GatewayMetricSet"/>); the CloudWatch dashboard and alarm
/// generators refer to them from here, so the two cannot drift.
/// </summary>
/// <remarks>
/// <para>Every metric is published under <see cref="FunctionName"/> (the Lambda function's name, so two deployments in
/// one account stay apart), and some also under a second, bounded dimension: <see cref="Channel"/> and
/// <see cref="Reason"/> take values fixed in code; <see cref="Pixel"/> and <see cref="Destination"/> take the first
/// <see cref="MaxPixels"/> pixels and <see cref="MaxDestinations"/> destinations of the forward settings. Any other value,
/// such as a pixel id made up by whoever calls the pixel, is published as <see cref="Other"/>, so no input can create
/// metrics.</para>
/// <para>Each distinct name and dimension values is a billed custom metric (USD 0.30 a month in the first pricing tier,
/// prorated by the hour in which it receives data). The worst case, every allowed value of every metric in every hour,
/// is <see cref="WorstCaseCustomMetrics"/> metrics per deployment: 107, about USD 32 a month. The function-level
/// metrics (24) are written by every invocation, zeros included; breakdown metrics only for values that occurred.</para>
/// </remarks>
public static class GatewayMetrics
{
    /// <summary>The CloudWatch namespace of every Gateway metric.</summary>
    public const string Namespace = "Gateway";

    /// <summary>The dimension every metric has: the Lambda function's name (the same value as AWS/Lambda's FunctionName).</summary>
    public const string FunctionName = "FunctionName";

    /// <summary>The breakdown by pixel id (configured pixels only).</summary>
    public const string Pixel = "Pixel";

    /// <summary>The breakdown by channel (web, email, server).</summary>
    public const string Channel = "Channel";

    /// <summary>The breakdown by reason code (of a bad row, or of a drop).</summary>
    public const string Reason = "Reason";

    /// <summary>The breakdown by forward destination name (configured destinations only).</summary>
    public const string Destination = "Destination";

    /// <summary>The value every breakdown value outside its bound is published as.</summary>
    public const string Other = "(other)";

    /// <summary>How many pixels of the forward settings, in their order, get their own <see cref="Pixel"/> value.</summary>
    public const int MaxPixels = 10;

    /// <summary>How many destinations of the forward settings, in their order, get their own <see cref="Destination"/> value.</summary>
    public const int MaxDestinations = 5;

    /// <summary>USD per custom metric and month in CloudWatch's first pricing tier (the first 10,000 metrics).</summary>
    public const decimal UsdPerMetricMonth = 0.30m;

    /// <summary>The <c>aggregate</c> handler.</summary>
    public const string Aggregate = "aggregate";

    /// <summary>The <c>enrich</c> handler (Firehose transformation).</summary>
    public const string Enrich = "enrich";

    /// <summary>The <c>sink</c> handler (the direct Parquet sink).</summary>
    public const string Sink = "sink";

    /// <summary>The <c>forward</c> handler.</summary>
    public const string Forward = "forward";

    /// <summary>The handlers that publish metrics.</summary>
    public static IReadOnlyList<string> Handlers { get; } = [Aggregate, Enrich, Sink, Forward];

    /// <summary>The breakdown dimensions.</summary>
    public static IReadOnlyList<string> Breakdowns { get; } = [Pixel, Channel, Reason, Destination];

    /// <summary>The event names counted as conversions (bots excluded), as the local dashboard's rollups count them.</summary>
    public static IReadOnlySet<string> ConversionEvents { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "purchase", "lead", "signup", "subscribe", "start_trial", "contact", "schedule",
    };

    /// <summary>The channels an event can have (the tag contract's <c>ch</c>).</summary>
    public static IReadOnlyList<string> Channels { get; } = ["web", "email", "server"];

    /// <summary>
    /// The <c>bad_rows.reason</c> codes of the enrich stage: the parser's (<see cref="EventEnricher.ReasonCode"/>), the
    /// enrichment steps' and the enrich handler's response-budget failure.
    /// </summary>
    public static IReadOnlyList<string> BadRowReasons { get; } =
    [
        .. Enum.GetValues<BadRowReason>().Where(r => r != BadRowReason.None).Select(EventEnricher.ReasonCode),
        "missing_timestamp",
        "missing_pixel_id",
        "response_budget",
    ];

    /// <summary>The reasons an event is not forwarded (<see cref="DropReasons"/>).</summary>
    public static IReadOnlyList<string> DropReasonCodes { get; } =
    [
        DropReasons.PixelNotConfigured, DropReasons.PixelDisabled, DropReasons.EventNotPublished, DropReasons.DomainBlocked,
        DropReasons.DomainNotAllowed, DropReasons.Bot, DropReasons.MachineOpen, DropReasons.NoDestination, DropReasons.Stale,
        DropReasons.Incomplete,
    ];

    /// <summary>aggregate: raw-stream records the invocation received.</summary>
    public static GatewayMetric AggregateRecords { get; } = new(Aggregate, "Records", EmfUnit.Count, null, "raw-stream records received");

    /// <summary>aggregate: KPL-aggregated records put on the aggregated stream.</summary>
    public static GatewayMetric AggregateAggregatedRecords { get; } = new(Aggregate, "AggregatedRecords", EmfUnit.Count, null, "aggregated records put on the aggregated stream");

    /// <summary>aggregate: bytes of data in those records.</summary>
    public static GatewayMetric AggregateAggregatedBytes { get; } = new(Aggregate, "AggregatedBytes", EmfUnit.Bytes, null, "bytes of data in the aggregated records");

    /// <summary>aggregate: raw records handed back to Lambda for a retry because Kinesis did not take their aggregate.</summary>
    public static GatewayMetric AggregateRetriedRecords { get; } = new(Aggregate, "RetriedRecords", EmfUnit.Count, null, "raw records returned for a retry (their aggregate was not accepted)");

    /// <summary>aggregate: PutRecords entries Kinesis throttled (retried inside the invocation; a sign of too few shards).</summary>
    public static GatewayMetric AggregateThrottledPuts { get; } = new(Aggregate, "ThrottledPuts", EmfUnit.Count, null, "PutRecords entries throttled by Kinesis");

    /// <summary>enrich: records Firehose handed over.</summary>
    public static GatewayMetric EnrichRecords { get; } = new(Enrich, "Records", EmfUnit.Count, null, "records received");

    /// <summary>enrich: events written to the lake (answered <c>Ok</c>).</summary>
    public static GatewayMetric EnrichEvents { get; } = new(Enrich, "Events", EmfUnit.Count, null, "events stored (Ok)");

    /// <summary>enrich: bad rows (answered <c>ProcessingFailed</c>).</summary>
    public static GatewayMetric EnrichBadRows { get; } = new(Enrich, "BadRows", EmfUnit.Count, null, "bad rows (ProcessingFailed)");

    /// <summary>enrich: repeats of an event id within the dedup window (answered <c>Dropped</c>).</summary>
    public static GatewayMetric EnrichDuplicates { get; } = new(Enrich, "Duplicates", EmfUnit.Count, null, "repeated event ids dropped");

    /// <summary>enrich: stored events flagged as bots.</summary>
    public static GatewayMetric EnrichBots { get; } = new(Enrich, "Bots", EmfUnit.Count, null, "events from bots");

    /// <summary>enrich: email opens by a person (channel email, neither a machine open nor a bot).</summary>
    public static GatewayMetric EnrichHumanOpens { get; } = new(Enrich, "HumanOpens", EmfUnit.Count, null, "email opens by people");

    /// <summary>enrich: email opens by a privacy proxy or a scanner.</summary>
    public static GatewayMetric EnrichMachineOpens { get; } = new(Enrich, "MachineOpens", EmfUnit.Count, null, "email opens by privacy proxies and scanners");

    /// <summary>enrich: conversions (<see cref="ConversionEvents"/>), bots excluded.</summary>
    public static GatewayMetric EnrichConversions { get; } = new(Enrich, "Conversions", EmfUnit.Count, null, "conversion events, bots excluded");

    /// <summary>enrich: stored events by channel.</summary>
    public static GatewayMetric EnrichEventsByChannel { get; } = new(Enrich, "Events", EmfUnit.Count, Channel, "events stored, by channel", Channels);

    /// <summary>enrich: bad rows by reason code.</summary>
    public static GatewayMetric EnrichBadRowsByReason { get; } = new(Enrich, "BadRows", EmfUnit.Count, Reason, "bad rows, by reason", BadRowReasons);

    /// <summary>enrich: stored events by configured pixel.</summary>
    public static GatewayMetric EnrichEventsByPixel { get; } = new(Enrich, "Events", EmfUnit.Count, Pixel, "events stored, by configured pixel");

    /// <summary>enrich: conversions by configured pixel.</summary>
    public static GatewayMetric EnrichConversionsByPixel { get; } = new(Enrich, "Conversions", EmfUnit.Count, Pixel, "conversions, by configured pixel");

    /// <summary>sink: rows written to Parquet.</summary>
    public static GatewayMetric SinkRows { get; } = new(Sink, "Rows", EmfUnit.Count, null, "rows written");

    /// <summary>sink: Parquet objects written.</summary>
    public static GatewayMetric SinkFiles { get; } = new(Sink, "Files", EmfUnit.Count, null, "Parquet objects written");

    /// <summary>sink: bytes of Parquet written.</summary>
    public static GatewayMetric SinkBytes { get; } = new(Sink, "Bytes", EmfUnit.Bytes, null, "bytes of Parquet written");

    /// <summary>forward: aggregated-stream records received.</summary>
    public static GatewayMetric ForwardRecords { get; } = new(Forward, "Records", EmfUnit.Count, null, "aggregated-stream records received");

    /// <summary>forward: events read from them, repeats excluded.</summary>
    public static GatewayMetric ForwardEvents { get; } = new(Forward, "Events", EmfUnit.Count, null, "events to forward (repeats excluded)");

    /// <summary>forward: events skipped as already forwarded (a retried batch, or a repeated event id).</summary>
    public static GatewayMetric ForwardRepeats { get; } = new(Forward, "Repeats", EmfUnit.Count, null, "events skipped as already forwarded");

    /// <summary>forward: deliveries a destination accepted (resent spill included).</summary>
    public static GatewayMetric ForwardForwarded { get; } = new(Forward, "Forwarded", EmfUnit.Count, null, "deliveries accepted by a destination");

    /// <summary>forward: deliveries not delivered yet and left in the stream for Lambda's retry (a partial batch response).</summary>
    public static GatewayMetric ForwardFailed { get; } = new(Forward, "Failed", EmfUnit.Count, null, "deliveries that failed and are retried through the stream");

    /// <summary>forward: deliveries a destination rejected, stored in the dead-letter store.</summary>
    public static GatewayMetric ForwardDeadLettered { get; } = new(Forward, "DeadLettered", EmfUnit.Count, null, "deliveries rejected and dead-lettered");

    /// <summary>forward: deliveries retried too long through the stream, stored in the S3 spill for the redrive.</summary>
    public static GatewayMetric ForwardSpilled { get; } = new(Forward, "Spilled", EmfUnit.Count, null, "deliveries stored in the spill");

    /// <summary>forward: events not forwarded by a rule, or too old or incomplete for the destination.</summary>
    public static GatewayMetric ForwardDropped { get; } = new(Forward, "Dropped", EmfUnit.Count, null, "events dropped by a rule, stale or incomplete");

    /// <summary>forward: <see cref="ForwardForwarded"/> by destination.</summary>
    public static GatewayMetric ForwardForwardedByDestination { get; } = new(Forward, "Forwarded", EmfUnit.Count, Destination, "deliveries accepted, by destination");

    /// <summary>forward: <see cref="ForwardFailed"/> by destination.</summary>
    public static GatewayMetric ForwardFailedByDestination { get; } = new(Forward, "Failed", EmfUnit.Count, Destination, "deliveries retried through the stream, by destination");

    /// <summary>forward: <see cref="ForwardDeadLettered"/> by destination.</summary>
    public static GatewayMetric ForwardDeadLetteredByDestination { get; } = new(Forward, "DeadLettered", EmfUnit.Count, Destination, "deliveries dead-lettered, by destination");

    /// <summary>forward: <see cref="ForwardSpilled"/> by destination.</summary>
    public static GatewayMetric ForwardSpilledByDestination { get; } = new(Forward, "Spilled", EmfUnit.Count, Destination, "deliveries spilled, by destination");

    /// <summary>forward: <see cref="ForwardDropped"/> by reason code.</summary>
    public static GatewayMetric ForwardDroppedByReason { get; } = new(Forward, "Dropped", EmfUnit.Count, Reason, "events dropped, by reason", DropReasonCodes);

    /// <summary>forward: <see cref="ForwardForwarded"/> by configured pixel.</summary>
    public static GatewayMetric ForwardForwardedByPixel { get; } = new(Forward, "Forwarded", EmfUnit.Count, Pixel, "deliveries accepted, by configured pixel");

    /// <summary>Every Gateway metric, by handler.</summary>
    public static IReadOnlyList<GatewayMetric> All { get; } =
    [
        AggregateRecords, AggregateAggregatedRecords, AggregateAggregatedBytes, AggregateRetriedRecords, AggregateThrottledPuts,
        EnrichRecords, EnrichEvents, EnrichBadRows, EnrichDuplicates, EnrichBots, EnrichHumanOpens, EnrichMachineOpens, EnrichConversions,
        EnrichEventsByChannel, EnrichBadRowsByReason, EnrichEventsByPixel, EnrichConversionsByPixel,
        SinkRows, SinkFiles, SinkBytes,
        ForwardRecords, ForwardEvents, ForwardRepeats, ForwardForwarded, ForwardFailed, ForwardDeadLettered, ForwardSpilled, ForwardDropped,
        ForwardForwardedByDestination, ForwardFailedByDestination, ForwardDeadLetteredByDestination, ForwardSpilledByDestination,
        ForwardDroppedByReason, ForwardForwardedByPixel,
    ];

    /// <summary>The metrics <paramref name="handler"/> publishes.</summary>
    public static IReadOnlyList<GatewayMetric> Of(string handler) => [.. All.Where(m => m.Handler == handler)];

    /// <summary>
    /// The most custom metrics one deployment (one function per handler in <paramref name="handlers"/>, all by default)
    /// can publish: every allowed value of every breakdown, plus <see cref="Other"/>.
    /// </summary>
    public static int WorstCaseCustomMetrics(IEnumerable<string>? handlers = null)
    {
        var included = (handlers ?? Handlers).ToHashSet(StringComparer.Ordinal);
        return All.Where(m => included.Contains(m.Handler)).Sum(m => m.MaxSeries);
    }

    /// <summary>The monthly cost in USD of <paramref name="metrics"/> custom metrics published every hour.</summary>
    public static decimal MonthlyUsd(int metrics) => metrics * UsdPerMetricMonth;

    /// <summary>How many configured values of <paramref name="breakdown"/> get their own dimension value.</summary>
    /// <exception cref="ArgumentException"><paramref name="breakdown"/> does not take configured values.</exception>
    public static int MaxConfiguredValues(string breakdown) => breakdown switch
    {
        Pixel => MaxPixels,
        Destination => MaxDestinations,
        _ => throw new ArgumentException($"'{breakdown}' takes values fixed in code, not configured ones", nameof(breakdown)),
    };
}
