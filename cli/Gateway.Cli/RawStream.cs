using Gateway.Aws;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>Opens the raw stream <c>gateway up</c> appends to: embedded under the data directory, or on a Kinesis-API endpoint.</summary>
internal sealed class RawStream : IAsyncDisposable
{
    private readonly KinesisClient? _client;

    private RawStream(IRecordStream stream, string description, KinesisClient? client)
    {
        Stream = stream;
        Description = description;
        _client = client;
    }

    public IRecordStream Stream { get; }

    /// <summary>What it is and what a 2xx from the edge means with it, for the start-up banner.</summary>
    public string Description { get; }

    public static async Task<RawStream> OpenAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        if (config.Kinesis is not { } kinesis)
        {
            var embedded = await EmbeddedStream.OpenAsync(config.RawStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var guarantee = config.RawStream.Durability == Durability.Fsync
                ? "a 2xx means the hit is fsynced to disk"
                : $"a 2xx means the hit is written to the OS (survives kill -9) and fsynced within {config.RawStream.FlushInterval.TotalMilliseconds:0} ms";
            return new RawStream(embedded, $"embedded in {config.RawStream.Directory}, {config.RawStream.ShardCount} shard(s); {guarantee}", null);
        }

        var client = new KinesisClient(
            new KinesisClientOptions { ServiceUrl = kinesis.Endpoint, Region = Region(kinesis) },
            credentials: kinesis.Endpoint is null ? DefaultCredentialsProvider.Instance : new LocalEndpointCredentials());
        try
        {
            var stream = await KinesisRecordStream.OpenAsync(
                new KinesisStreamOptions { StreamName = kinesis.StreamName, CreateIfMissing = kinesis.CreateIfMissing, ShardCount = kinesis.ShardCount },
                client,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            var where = kinesis.Endpoint?.ToString() ?? "AWS";
            return new RawStream(stream, $"Kinesis stream '{kinesis.StreamName}' at {where}, {stream.Description.Shards.Count} shard(s); a 2xx means PutRecords accepted the hit", client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The stream sends what is queued first; the client it uses goes after it.
        await Stream.DisposeAsync().ConfigureAwait(false);
        _client?.Dispose();
    }

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
