using Gateway.Aws;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The streams of the local pipeline: <c>raw</c> (one real-time log line per record, appended by the edge) and
/// <c>aggregated</c> (KPL records written by the aggregate stage), both embedded under the data directory or both
/// on a Kinesis-API endpoint.
/// </summary>
internal sealed class PipelineStreams : IAsyncDisposable
{
    private readonly KinesisClient? _client;

    private PipelineStreams(IRecordStream raw, IRecordStream aggregated, string description, KinesisClient? client)
    {
        Raw = raw;
        Aggregated = aggregated;
        Description = description;
        _client = client;
    }

    public IRecordStream Raw { get; }

    public IRecordStream Aggregated { get; }

    /// <summary>Where the streams are and what a 2xx from the edge means with them, for the start-up banner.</summary>
    public string Description { get; }

    public static async Task<PipelineStreams> OpenAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        if (config.Kinesis is not { } kinesis)
        {
            var raw = await EmbeddedStream.OpenAsync(config.RawStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                var aggregated = await EmbeddedStream.OpenAsync(config.AggregatedStream, cancellationToken: cancellationToken).ConfigureAwait(false);
                var guarantee = config.RawStream.Durability == Durability.Fsync
                    ? "a 2xx means the hit is fsynced to disk"
                    : $"a 2xx means the hit is written to the OS (survives kill -9) and fsynced within {config.RawStream.FlushInterval.TotalMilliseconds:0} ms";
                return new PipelineStreams(raw, aggregated, $"embedded in {Path.GetDirectoryName(config.RawStream.Directory)}, {config.RawStream.ShardCount} shard(s); {guarantee}", null);
            }
            catch
            {
                await raw.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        var client = new KinesisClient(
            new KinesisClientOptions { ServiceUrl = kinesis.Endpoint, Region = Region(kinesis) },
            credentials: kinesis.Endpoint is null ? DefaultCredentialsProvider.Instance : new LocalEndpointCredentials());
        IRecordStream? opened = null;
        try
        {
            opened = await OpenKinesisAsync(client, kinesis, kinesis.StreamName, cancellationToken).ConfigureAwait(false);
            var aggregated = await OpenKinesisAsync(client, kinesis, kinesis.AggregatedStreamName, cancellationToken).ConfigureAwait(false);
            var where = kinesis.Endpoint?.ToString() ?? "AWS";
            return new PipelineStreams(opened, aggregated, $"Kinesis streams '{kinesis.StreamName}' and '{kinesis.AggregatedStreamName}' at {where}, {opened.Description.Shards.Count} shard(s); a 2xx means PutRecords accepted the hit", client);
        }
        catch
        {
            if (opened is not null)
            {
                await opened.DisposeAsync().ConfigureAwait(false);
            }

            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The streams send what is queued first; the client they use goes after them.
        await Raw.DisposeAsync().ConfigureAwait(false);
        await Aggregated.DisposeAsync().ConfigureAwait(false);
        _client?.Dispose();
    }

    private static async Task<IRecordStream> OpenKinesisAsync(KinesisClient client, KinesisConfig kinesis, string name, CancellationToken cancellationToken) =>
        await KinesisRecordStream.OpenAsync(
            new KinesisStreamOptions { StreamName = name, CreateIfMissing = kinesis.CreateIfMissing, ShardCount = kinesis.ShardCount },
            client,
            cancellationToken: cancellationToken).ConfigureAwait(false);

    private static string Region(KinesisConfig kinesis) =>
        kinesis.Endpoint is null
            ? AwsRegion.Resolve(kinesis.Region)
            // Local servers accept any region. The SDK's chain is not asked: its last step queries EC2 instance
            // metadata over the network, and a local pipeline talks to loopback only.
            : kinesis.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";

    /// <summary>
    /// For an endpoint override: keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when set (LocalStack may check
    /// them), else placeholders, since kinesalite and similar servers accept any signature. The SDK's chain is not
    /// used here for the reason given in <see cref="Region"/>.
    /// </summary>
    private sealed class LocalEndpointCredentials : IAwsCredentialsProvider
    {
        public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
        {
            var key = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
            var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
            return ValueTask.FromResult(string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret)
                ? new AwsCredentials("local", "local")
                : new AwsCredentials(key, secret, Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN")));
        }
    }
}
