using Gateway.Aws;
using Gateway.Lambda.Internal;
using Gateway.Processing;
using Gateway.Processing.Metrics;

namespace Gateway.Lambda;

/// <summary>
/// <c>aggregate</c>: a batch of the raw stream (one CloudFront real-time log line per record) → KPL aggregated
/// records of about 5 KB → PutRecords to the aggregated stream. Records that could not be put are reported through
/// <c>batchItemFailures</c> so Lambda retries them; none is dropped.
/// </summary>
/// <remarks>
/// Configuration (environment): <c>AGGREGATED_STREAM_NAME</c> (required), <c>AGGREGATE_TARGET_BYTES</c> (default 5120),
/// <c>KINESIS_ENDPOINT</c> (optional override for Kinesis-API servers); region and credentials come from Lambda's
/// own variables through the AWS SDK chain. A retried batch may put records that already went through once: the
/// pipeline is at-least-once and downstream stages deduplicate on the event id.
/// </remarks>
public sealed class AggregateHandler : JsonLambdaHandler<KinesisEvent, StreamsEventResponse>, IDisposable
{
    /// <summary>The aggregated stream's name.</summary>
    public const string StreamVariable = "AGGREGATED_STREAM_NAME";

    /// <summary>Target size of an aggregated record in bytes.</summary>
    public const string TargetSizeVariable = "AGGREGATE_TARGET_BYTES";

    /// <summary>A Kinesis-API endpoint to use instead of the regional AWS one.</summary>
    public const string EndpointVariable = "KINESIS_ENDPOINT";

    // Shards change only when the stream is resharded; re-reading them now and then bounds how long aggregates are
    // grouped by a stale layout (which costs nothing but KCL-side re-routing of the affected sub-records).
    private static readonly TimeSpan ShardRefreshInterval = TimeSpan.FromMinutes(5);

    private readonly KinesisClient _client;
    private readonly KinesisRecordWriter _writer;
    private readonly string _streamName;
    private readonly int _targetSize;
    private readonly TimeProvider _time;
    private KplAggregatorOptions? _options;
    private DateTimeOffset _shardsReadAt;

    /// <summary>Creates the handler over <paramref name="client"/>, which it owns from then on.</summary>
    public AggregateHandler(KinesisClient client, string streamName, TimeProvider time, int targetSize = KplAggregatorOptions.DefaultTargetSize, KinesisRecordWriterOptions? writerOptions = null)
        : base(LambdaJsonContext.Default.KinesisEvent, LambdaJsonContext.Default.StreamsEventResponse)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(streamName);
        ArgumentNullException.ThrowIfNull(time);
        _client = client;
        _writer = new KinesisRecordWriter(client, writerOptions, time);
        _streamName = streamName;
        _targetSize = targetSize;
        _time = time;
    }

    /// <summary>Counters of the PutRecords calls made so far (throttling, retries, failures).</summary>
    public KinesisWriterMetrics GetMetrics() => _writer.GetMetrics();

    /// <summary>The factory behind <c>_HANDLER=aggregate</c>: reads the configuration named above.</summary>
    public static ILambdaHandler Create(LambdaInitContext init)
    {
        ArgumentNullException.ThrowIfNull(init);
        var streamName = init.RequireVariable(StreamVariable);
        var targetSize = KplAggregatorOptions.DefaultTargetSize;
        if (init.Environment.Get(TargetSizeVariable) is { Length: > 0 } target
            && (!int.TryParse(target, System.Globalization.CultureInfo.InvariantCulture, out targetSize) || targetSize < KplAggregatorOptions.MinTargetSize || targetSize > KplAggregatorOptions.DefaultMaxRecordSize))
        {
            throw new LambdaConfigurationException(
                $"{TargetSizeVariable} is '{target}'; set it to a whole number of bytes from {KplAggregatorOptions.MinTargetSize} to {KplAggregatorOptions.DefaultMaxRecordSize} (default {KplAggregatorOptions.DefaultTargetSize}).");
        }

        Uri? endpoint = null;
        if (init.Environment.Get(EndpointVariable) is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out endpoint))
        {
            throw new LambdaConfigurationException($"{EndpointVariable} is '{url}'; set it to an http(s) URL or remove it to use the regional endpoint.");
        }

        var client = new KinesisClient(new KinesisClientOptions { Region = init.Environment.Get("AWS_REGION"), ServiceUrl = endpoint }, time: init.Time);
        init.Logger.Info($"aggregate: to stream {streamName}, target {targetSize} bytes{(endpoint is null ? "" : $", endpoint {endpoint}")}");
        return new AggregateHandler(client, streamName, init.Time, targetSize);
    }

    /// <summary>Releases the Kinesis client.</summary>
    public void Dispose() => _client.Dispose();

    /// <inheritdoc />
    protected override async ValueTask<StreamsEventResponse> HandleEventAsync(KinesisEvent @event, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(context);
        var records = @event.Records;
        if (records.Count == 0)
        {
            return StreamsEventResponse.Success();
        }

        var throttledBefore = _writer.GetMetrics().ThrottledEntries;
        var options = await GetOptionsAsync(cancellationToken).ConfigureAwait(false);
        var users = new UserRecord[records.Count];
        for (var i = 0; i < users.Length; i++)
        {
            users[i] = new UserRecord(records[i].Kinesis.PartitionKey, records[i].Kinesis.Data);
        }

        var puts = BatchAggregation.Aggregate(users, options);
        var entries = puts.Select(p => new PutRecordsRequestEntry { PartitionKey = p.PartitionKey, ExplicitHashKey = p.ExplicitHashKey, Data = p.Data }).ToList();
        var result = await _writer.PutRecordsAsync(_streamName, entries, cancellationToken).ConfigureAwait(false);

        int? firstFailed = null;
        var failedPuts = 0;
        for (var i = 0; i < puts.Count; i++)
        {
            if (!result.Records[i].Succeeded)
            {
                failedPuts++;
                var lowest = puts[i].UserRecordIndexes.Min();
                firstFailed = firstFailed is { } f ? Math.Min(f, lowest) : lowest;
            }
        }

        context.Logger.Info(failedPuts == 0
            ? $"aggregate: {records.Count} record(s) in {puts.Count} aggregated record(s)"
            : $"aggregate: {records.Count} record(s) in {puts.Count} aggregated record(s); {failedPuts} not accepted after retries, retrying from record {firstFailed}");
        context.Logger.Metrics(InvocationMetrics.Start(GatewayMetrics.Aggregate, context, _time)
            .Add(GatewayMetrics.AggregateRecords, records.Count)
            .Add(GatewayMetrics.AggregateAggregatedRecords, puts.Count - failedPuts)
            .Add(GatewayMetrics.AggregateAggregatedBytes, puts.Where((_, i) => result.Records[i].Succeeded).Sum(p => (long)p.Data.Length))
            .Add(GatewayMetrics.AggregateRetriedRecords, firstFailed is { } from ? records.Count - from : 0)
            .Add(GatewayMetrics.AggregateThrottledPuts, _writer.GetMetrics().ThrottledEntries - throttledBefore));
        return StreamsEventResponse.RetryFrom(records, firstFailed);
    }

    private async ValueTask<KplAggregatorOptions> GetOptionsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_options is null || now - _shardsReadAt > ShardRefreshInterval)
        {
            var shards = await _client.ListAllShardsAsync(_streamName, cancellationToken).ConfigureAwait(false);
            // Closed parent shards of a resharded stream take no new records; only open shards tile the hash-key space.
            var ranges = shards
                .Where(s => s.SequenceNumberRange.EndingSequenceNumber is null)
                .Select(s => new Processing.HashKeyRange(Parse(s.HashKeyRange.StartingHashKey), Parse(s.HashKeyRange.EndingHashKey)))
                .OrderBy(r => r.Start)
                .ToArray();
            _options = new KplAggregatorOptions { TargetSize = _targetSize, ShardHashKeyRanges = ranges };
            _shardsReadAt = now;
        }

        return _options;
    }

    private static UInt128 Parse(string value) => UInt128.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
