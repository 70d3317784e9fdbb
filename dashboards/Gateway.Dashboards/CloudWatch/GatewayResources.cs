using Gateway.Processing.Metrics;

namespace Gateway.Dashboards.CloudWatch;

/// <summary>
/// The deployed resources the CloudWatch dashboard and alarms refer to. Every value is a plain string so the CDK app can
/// pass tokens (<c>${Token[…]}</c>) that CloudFormation resolves; nothing here parses them.
/// </summary>
public sealed record GatewayResources
{
    /// <summary>The region of every metric (a token such as <c>Stack.Region</c> is fine).</summary>
    public required string Region { get; init; }

    /// <summary>The <c>aggregate</c> function's name (raw stream → aggregated stream).</summary>
    public required string AggregateFunction { get; init; }

    /// <summary>The <c>enrich</c> function's name (the Firehose transformation), when Firehose stores the lake.</summary>
    public string? EnrichFunction { get; init; }

    /// <summary>The <c>sink</c> function's name, when the direct Parquet sink stores the lake.</summary>
    public string? SinkFunction { get; init; }

    /// <summary>The <c>forward</c> function's name, when events are forwarded.</summary>
    public string? ForwardFunction { get; init; }

    /// <summary>The raw Kinesis stream (one real-time log line per record).</summary>
    public required string RawStream { get; init; }

    /// <summary>The aggregated Kinesis stream (KPL records).</summary>
    public required string AggregatedStream { get; init; }

    /// <summary>The Firehose delivery stream, when Firehose stores the lake.</summary>
    public string? DeliveryStream { get; init; }

    /// <summary>Alarms shown in the dashboard's alarm status widget (their ARNs); none by default.</summary>
    public IReadOnlyList<string> AlarmArns { get; init; } = [];

    /// <summary>Each deployed handler and its function's name, in pipeline order.</summary>
    public IReadOnlyList<(string Handler, string Function)> Functions =>
    [
        (GatewayMetrics.Aggregate, AggregateFunction),
        .. EnrichFunction is null ? [] : new[] { (GatewayMetrics.Enrich, EnrichFunction) },
        .. SinkFunction is null ? [] : new[] { (GatewayMetrics.Sink, SinkFunction) },
        .. ForwardFunction is null ? [] : new[] { (GatewayMetrics.Forward, ForwardFunction) },
    ];

    /// <summary>The functions fed by a Kinesis event source mapping, which have an AWS/Lambda IteratorAge (enrich is fed by Firehose).</summary>
    public IReadOnlyList<(string Handler, string Function)> StreamConsumers =>
        [.. Functions.Where(f => f.Handler != GatewayMetrics.Enrich)];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value that is empty.</summary>
    public void Validate()
    {
        Require(Region, nameof(Region));
        Require(AggregateFunction, nameof(AggregateFunction));
        Require(RawStream, nameof(RawStream));
        Require(AggregatedStream, nameof(AggregatedStream));
        Optional(EnrichFunction, nameof(EnrichFunction));
        Optional(SinkFunction, nameof(SinkFunction));
        Optional(ForwardFunction, nameof(ForwardFunction));
        Optional(DeliveryStream, nameof(DeliveryStream));
        ArgumentNullException.ThrowIfNull(AlarmArns, nameof(AlarmArns));
        for (var i = 0; i < AlarmArns.Count; i++)
        {
            Require(AlarmArns[i], $"{nameof(AlarmArns)}[{i}]");
        }
    }

    private static void Require(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"GatewayResources.{name} is empty; pass the deployed resource's name (a CDK token is fine)", name);
        }
    }

    private static void Optional(string? value, string name)
    {
        if (value is not null)
        {
            Require(value, name);
        }
    }
}
