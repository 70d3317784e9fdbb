using Gateway.Processing.Metrics;

namespace Gateway.Dashboards.CloudWatch;

/// <summary>How an alarm compares its value with the threshold (CloudWatch's ComparisonOperator values).</summary>
public enum AlarmComparison
{
    /// <summary><c>GreaterThanThreshold</c>.</summary>
    GreaterThanThreshold,

    /// <summary><c>GreaterThanOrEqualToThreshold</c>.</summary>
    GreaterThanOrEqualToThreshold,

    /// <summary><c>LessThanThreshold</c>.</summary>
    LessThanThreshold,

    /// <summary><c>LessThanOrEqualToThreshold</c>.</summary>
    LessThanOrEqualToThreshold,
}

/// <summary>How an alarm treats periods without data (CloudWatch's TreatMissingData values).</summary>
public enum MissingData
{
    /// <summary><c>notBreaching</c>: no data is good news (no traffic, nothing failed).</summary>
    NotBreaching,

    /// <summary><c>breaching</c>.</summary>
    Breaching,

    /// <summary><c>ignore</c>: the alarm keeps its state.</summary>
    Ignore,

    /// <summary><c>missing</c>: CloudWatch's default.</summary>
    Missing,
}

/// <summary>One metric an alarm reads: alone, or as a term of its <see cref="AlarmDefinition.Expression"/>.</summary>
/// <param name="Id">The id the expression names it by (lower-case first letter; "m1" for a single metric).</param>
/// <param name="Namespace">Its namespace.</param>
/// <param name="MetricName">Its name.</param>
/// <param name="Dimensions">Its dimensions, by name; the order is CloudWatch's canonical one.</param>
/// <param name="Statistic">The statistic over each period (Sum, Average, Maximum, …).</param>
public sealed record AlarmMetric(string Id, string Namespace, string MetricName, IReadOnlyList<KeyValuePair<string, string>> Dimensions, string Statistic);

/// <summary>
/// One CloudWatch alarm as data, shaped like <c>AWS::CloudWatch::Alarm</c>: on a single metric
/// (<see cref="Expression"/> null, one entry in <see cref="Metrics"/>) or on a metric-math expression over
/// <see cref="Metrics"/>. The CDK app turns it into the alarm resource.
/// </summary>
/// <param name="Name">The alarm name, unique in the account and region.</param>
/// <param name="Description">What it means and what to do.</param>
/// <param name="Metrics">The metric, or the expression's terms.</param>
/// <param name="Expression">The metric-math expression over the terms' ids, or null.</param>
/// <param name="PeriodSeconds">The period of every metric, in seconds (a multiple of 60).</param>
/// <param name="EvaluationPeriods">How many recent periods are evaluated.</param>
/// <param name="DatapointsToAlarm">How many of them must breach.</param>
/// <param name="Threshold">The threshold.</param>
/// <param name="Comparison">How the value compares with it.</param>
/// <param name="TreatMissingData">What a period without data counts as.</param>
public sealed record AlarmDefinition(
    string Name,
    string Description,
    IReadOnlyList<AlarmMetric> Metrics,
    string? Expression,
    int PeriodSeconds,
    int EvaluationPeriods,
    int DatapointsToAlarm,
    double Threshold,
    AlarmComparison Comparison,
    MissingData TreatMissingData)
{
    /// <summary>The id of the expression's query, when there is one.</summary>
    public const string ExpressionId = "e1";

    /// <summary>The ComparisonOperator value as CloudFormation spells it.</summary>
    public string ComparisonOperator => Comparison.ToString();

    /// <summary>The TreatMissingData value as CloudFormation spells it.</summary>
    public string TreatMissingDataValue => TreatMissingData switch
    {
        MissingData.NotBreaching => "notBreaching",
        MissingData.Breaching => "breaching",
        MissingData.Ignore => "ignore",
        _ => "missing",
    };
}

/// <summary>Threshold and timing of one kind of alarm.</summary>
/// <param name="Threshold">The threshold, in the alarm's unit.</param>
/// <param name="PeriodSeconds">The period, in seconds (a multiple of 60).</param>
/// <param name="EvaluationPeriods">Periods evaluated.</param>
/// <param name="DatapointsToAlarm">Breaching periods among them that raise the alarm.</param>
public sealed record AlarmSettings(double Threshold, int PeriodSeconds, int EvaluationPeriods, int DatapointsToAlarm);

/// <summary>The alarms' thresholds; every default is documented on its property and can be replaced with <c>with</c>.</summary>
public sealed record AlarmOptions
{
    /// <summary>Put before every alarm name (a stack name keeps two deployments apart). Default <c>gateway</c>.</summary>
    public string NamePrefix { get; init; } = "gateway";

    /// <summary>
    /// IteratorAge (AWS/Lambda, Maximum, ms) of each stream consumer: over 5 minutes behind for 5 minutes in a row. The
    /// raw stream keeps records 24 hours by default; a consumer this far behind is stuck (failing batches, or too few shards
    /// or too little concurrency), and the forward handler only retries through the stream for an hour before it spills.
    /// </summary>
    public AlarmSettings IteratorAge { get; init; } = new(300_000, 60, 5, 5);

    /// <summary>
    /// Enrich bad rows per 100 records: over 5 % in 3 of 3 five-minute periods. A few bad rows come from scanners and
    /// broken clients; a steady share means a real-time log field list or a tag that no longer matches.
    /// </summary>
    public AlarmSettings BadRowRate { get; init; } = new(5, 300, 3, 3);

    /// <summary>
    /// Forward Failed + DeadLettered deliveries: any in a five-minute period. Dead letters wait for
    /// <c>gateway dlq replay</c>; failures mean a destination is refusing or unreachable.
    /// </summary>
    public AlarmSettings ForwardFailures { get; init; } = new(0, 300, 1, 1);

    /// <summary>Errors (AWS/Lambda, Sum) of each function: any in 2 of 3 five-minute periods (a single retried error is not paged).</summary>
    public AlarmSettings LambdaErrors { get; init; } = new(0, 300, 3, 2);

    /// <summary>
    /// DeliveryToS3.Success (AWS/Firehose, Average: successful S3 puts over all puts) below 1 in 3 of 3 five-minute
    /// periods: Firehose is failing to write the lake (bucket policy, KMS key, or the Parquet conversion's table).
    /// </summary>
    public AlarmSettings FirehoseDeliverySuccess { get; init; } = new(1, 300, 3, 3);

    /// <summary>
    /// DeliveryToS3.DataFreshness (AWS/Firehose, Maximum, s) over 900 s, Firehose's longest buffering interval, in 3 of 3
    /// five-minute periods: records wait longer than any buffer explains.
    /// </summary>
    public AlarmSettings FirehoseDataFreshness { get; init; } = new(900, 300, 3, 3);
}

/// <summary>
/// The alarms of one deployment: iterator age per stream consumer, the enrich bad-row rate, forward failures, Lambda
/// errors per function, and Firehose delivery. Gateway metrics are named from <see cref="GatewayMetrics"/>, so an
/// alarm and the handler that publishes its metric cannot disagree.
/// </summary>
public static class AlarmDefinitions
{
    /// <summary>The alarms for <paramref name="resources"/> (<see cref="GatewayResources.AlarmArns"/> is not read).</summary>
    /// <exception cref="ArgumentException">A required name is empty, or a setting is out of range.</exception>
    public static IReadOnlyList<AlarmDefinition> Create(GatewayResources resources, AlarmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Validate();
        options ??= new AlarmOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.NamePrefix, nameof(options));
        foreach (var settings in (AlarmSettings[])[options.IteratorAge, options.BadRowRate, options.ForwardFailures, options.LambdaErrors, options.FirehoseDeliverySuccess, options.FirehoseDataFreshness])
        {
            Check(settings);
        }

        var prefix = options.NamePrefix;
        var alarms = new List<AlarmDefinition>();
        foreach (var (handler, function) in resources.StreamConsumers)
        {
            alarms.Add(Single(
                $"{prefix}-{handler}-iterator-age",
                $"The {handler} function is more than {options.IteratorAge.Threshold / 60_000:0.#} min behind its Kinesis stream. Check its errors and duration, the stream's shards, and the function's concurrency.",
                Lambda("IteratorAge", function, "Maximum"),
                options.IteratorAge,
                AlarmComparison.GreaterThanThreshold));
        }

        if (resources.EnrichFunction is { } enrich)
        {
            alarms.Add(new AlarmDefinition(
                $"{prefix}-enrich-bad-row-rate",
                $"More than {options.BadRowRate.Threshold:0.#} of every 100 records became bad rows. Query bad_rows by reason: a field list that no longer matches the real-time log configuration, or tags without pid.",
                [
                    Gateway("bad", GatewayMetrics.EnrichBadRows, enrich),
                    Gateway("records", GatewayMetrics.EnrichRecords, enrich),
                ],
                "100 * bad / records",
                options.BadRowRate.PeriodSeconds,
                options.BadRowRate.EvaluationPeriods,
                options.BadRowRate.DatapointsToAlarm,
                options.BadRowRate.Threshold,
                AlarmComparison.GreaterThanThreshold,
                MissingData.NotBreaching));
        }

        if (resources.ForwardFunction is { } forward)
        {
            alarms.Add(new AlarmDefinition(
                $"{prefix}-forward-failures",
                "Forwarded events failed (retried through the stream) or were dead-lettered. See the forward outcomes by destination; replay dead letters with gateway dlq replay after the fix.",
                [
                    Gateway("failed", GatewayMetrics.ForwardFailed, forward),
                    Gateway("deadlettered", GatewayMetrics.ForwardDeadLettered, forward),
                ],
                "failed + deadlettered",
                options.ForwardFailures.PeriodSeconds,
                options.ForwardFailures.EvaluationPeriods,
                options.ForwardFailures.DatapointsToAlarm,
                options.ForwardFailures.Threshold,
                AlarmComparison.GreaterThanThreshold,
                MissingData.NotBreaching));
        }

        foreach (var (handler, function) in resources.Functions)
        {
            alarms.Add(Single(
                $"{prefix}-{handler}-errors",
                $"The {handler} function fails invocations; its log group has the errors. Stream batches are retried, Firehose retries and then writes to its error prefix.",
                Lambda("Errors", function, "Sum"),
                options.LambdaErrors,
                AlarmComparison.GreaterThanThreshold));
        }

        if (resources.DeliveryStream is { } delivery)
        {
            alarms.Add(Single(
                $"{prefix}-firehose-delivery",
                "Firehose fails to write objects to the lake bucket. Check the delivery stream's error logs: bucket policy, KMS key, or the Glue table of the Parquet conversion.",
                Firehose("DeliveryToS3.Success", delivery, "Average"),
                options.FirehoseDeliverySuccess,
                AlarmComparison.LessThanThreshold));
            alarms.Add(Single(
                $"{prefix}-firehose-freshness",
                $"Records wait more than {options.FirehoseDataFreshness.Threshold:0} s in Firehose before reaching S3: delivery or the enrich transformation is falling behind.",
                Firehose("DeliveryToS3.DataFreshness", delivery, "Maximum"),
                options.FirehoseDataFreshness,
                AlarmComparison.GreaterThanThreshold));
        }

        return alarms;
    }

    private static AlarmDefinition Single(string name, string description, AlarmMetric metric, AlarmSettings settings, AlarmComparison comparison) =>
        new(name, description, [metric], null, settings.PeriodSeconds, settings.EvaluationPeriods, settings.DatapointsToAlarm, settings.Threshold, comparison, MissingData.NotBreaching);

    private static AlarmMetric Gateway(string id, GatewayMetric metric, string function) =>
        new(id, GatewayMetrics.Namespace, metric.Name, [new(GatewayMetrics.FunctionName, function)], "Sum");

    private static AlarmMetric Lambda(string name, string function, string statistic) =>
        new("m1", "AWS/Lambda", name, [new("FunctionName", function)], statistic);

    private static AlarmMetric Firehose(string name, string deliveryStream, string statistic) =>
        new("m1", "AWS/Firehose", name, [new("DeliveryStreamName", deliveryStream)], statistic);

    private static void Check(AlarmSettings settings)
    {
        if (settings.PeriodSeconds < 60 || settings.PeriodSeconds % 60 != 0 || settings.EvaluationPeriods < 1
            || settings.DatapointsToAlarm < 1 || settings.DatapointsToAlarm > settings.EvaluationPeriods || !double.IsFinite(settings.Threshold))
        {
            throw new ArgumentException(
                $"alarm settings {settings}: the period must be a positive multiple of 60 s, and 1 <= datapoints to alarm <= evaluation periods",
                nameof(settings));
        }
    }
}
