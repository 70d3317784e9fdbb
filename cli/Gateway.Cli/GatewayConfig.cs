using System.Net;
using Gateway.Edge;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Gateway.Streams;
using Microsoft.Extensions.Configuration;

namespace Gateway.Cli;

/// <summary>The validated configuration of <c>gateway up</c>: <c>gateway.json</c> (optional) overlaid by <c>GATEWAY__*</c> variables.</summary>
internal sealed record GatewayConfig(string DataDirectory, EdgeOptions Edge, EmbeddedStreamOptions RawStream, KinesisConfig? Kinesis, int AggregateTargetBytes, int AggregateLingerMs, EnrichConfig Enrich, LakeConfig Lake)
{
    /// <summary>Name of the stream every edge hit is appended to.</summary>
    public const string RawStreamName = "raw";

    /// <summary>Name of the stream the aggregate stage writes KPL records to.</summary>
    public const string AggregatedStreamName = "aggregated";

    /// <summary>Name of the stream the enrich stage writes event rows (JSON) to.</summary>
    public const string EventsStreamName = "events";

    /// <summary>Name of the stream the enrich stage writes bad rows (JSON) to.</summary>
    public const string BadRowsStreamName = "bad-rows";

    /// <summary>The embedded aggregated stream: like the raw one, in its own directory.</summary>
    public EmbeddedStreamOptions AggregatedStream => Embedded(AggregatedStreamName);

    /// <summary>The embedded events stream; always local, also when the raw and aggregated streams are Kinesis.</summary>
    public EmbeddedStreamOptions EventsStream => Embedded(EventsStreamName);

    /// <summary>The embedded bad-rows stream; always local, like <see cref="EventsStream"/>.</summary>
    public EmbeddedStreamOptions BadRowsStream => Embedded(BadRowsStreamName);

    /// <summary>Where <c>up</c> keeps the generated visitor-id secret when <c>enrich.visitorSecret</c> is not configured.</summary>
    public string VisitorSecretFile => Path.Combine(DataDirectory, "secrets", "visitor-id.key");

    /// <summary>The local lake's root (<c>lake.mode = local</c>): <c>events/</c> and <c>bad_rows/</c> below it.</summary>
    public string LakeDirectory => Path.Combine(DataDirectory, "lake");

    /// <summary>Where <c>lake.mode = direct</c> writes files before uploading them.</summary>
    public string LakeStagingDirectory => Path.Combine(DataDirectory, "lake-staging");

    /// <summary>The admin API's settings (<c>admin.*</c>).</summary>
    public AdminConfig Admin { get; init; } = AdminConfig.Default;

    /// <summary>The dashboard's settings (<c>dashboard.*</c>).</summary>
    public DashboardConfig Dashboard { get; init; } = DashboardConfig.Default;

    /// <summary>Where the dashboard keeps its rollups (counters, sketches, detector state and stream positions).</summary>
    public string RollupsFile => Path.Combine(DataDirectory, "rollups", "rollups.bin");

    /// <summary>Where <c>up</c> keeps the SHA-256 of the generated admin API token when <c>admin.token</c> is not configured.</summary>
    public string AdminTokenFile => Path.Combine(DataDirectory, "secrets", "admin-token.sha256");

    /// <summary>Where stream consumers keep their checkpoints.</summary>
    public string CheckpointDirectory => Path.Combine(DataDirectory, "checkpoints");

    /// <summary>Loads and validates; throws <see cref="ConfigException"/> listing every problem.</summary>
    /// <param name="path">The JSON file, or null for ./gateway.json when it exists.</param>
    /// <param name="environment">Variables to read instead of the process environment (tests).</param>
    /// <param name="overrides">Command-line values, keyed like the file ("stream:kind"); they win over file and variables.</param>
    public static GatewayConfig Load(string? path, IDictionary<string, string?>? environment = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var file = path ?? "gateway.json";
        if (path is not null && !File.Exists(path))
        {
            throw new ConfigException([$"config file '{path}' does not exist; pass an existing file to --config or omit it to use ./gateway.json"]);
        }

        var builder = new ConfigurationBuilder();
        if (File.Exists(file))
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        if (environment is null)
        {
            builder.AddEnvironmentVariables("GATEWAY__");
        }
        else
        {
            builder.AddInMemoryCollection(environment
                .Where(kv => kv.Key.StartsWith("GATEWAY__", StringComparison.OrdinalIgnoreCase))
                .Select(kv => KeyValuePair.Create(kv.Key["GATEWAY__".Length..].Replace("__", ":", StringComparison.Ordinal), kv.Value)));
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides.Where(kv => kv.Value is not null));
        }

        IConfigurationRoot root;
        try
        {
            root = builder.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new ConfigException([$"{file} could not be read: {ex.GetBaseException().Message}; fix the JSON or remove the file to use defaults"]);
        }

        var read = new ConfigReader(root);
        var dataDirectory = Path.GetFullPath(read.String("dataDir", "data"));

        var edge = new EdgeOptions
        {
            Url = read.Parsed("edge:url", "http://127.0.0.1:8080", ParseUrl, "expected an http URL such as http://127.0.0.1:8080 (port 0 picks a free port)"),
            Fields = read.List("edge:fields") is { } names ? ParseFields(read, names) : RealtimeLogFields.Default,
            EdgeLocation = read.String("edge:location", "LOCAL1"),
            TrustedProxies = (read.List("edge:trustedProxies") ?? []).Select(p => ParseNetwork(read, p)).OfType<IPNetwork>().ToList(),
            CountryHeader = read.String("edge:countryHeader", "CloudFront-Viewer-Country"),
            AsnHeader = read.String("edge:asnHeader", "CloudFront-Viewer-ASN"),
            AllowedOrigins = read.List("edge:allowedOrigins") ?? ["*"],
            MaxBodyBytes = (int)read.Integer("edge:maxBodyBytes", 16 * 1024, 1, 1024 * 1024),
            MaxUrlBytes = (int)read.Integer("edge:maxUrlBytes", 8192, 256, 64 * 1024),
        };

        var stream = new EmbeddedStreamOptions
        {
            Directory = Path.Combine(dataDirectory, "streams", RawStreamName),
            StreamName = RawStreamName,
            ShardCount = (int)read.Integer("stream:shards", 2, 1, 256),
            Durability = read.Choice("stream:durability", Durability.Fsync),
            FlushInterval = TimeSpan.FromMilliseconds(read.Integer("stream:flushIntervalMs", 200, 1, 60_000)),
            GroupCommitDelay = TimeSpan.FromMilliseconds(read.Integer("stream:groupCommitDelayMs", 0, 0, 1_000)),
            SegmentSize = read.Integer("stream:segmentBytes", 64L << 20, 1L << 20, 1L << 30),
            RetentionPeriod = TimeSpan.FromHours(read.Integer("stream:retentionHours", 7 * 24, 1, 365 * 24)),
            MaxBytesPerShard = read.Integer("stream:maxBytesPerShard", 10L << 30, 16L << 20, long.MaxValue),
        };

        // Firehose bills ingestion per 5 KB; a larger target only matters for other consumers.
        var aggregateTarget = (int)read.Integer("aggregate:targetBytes", 5120, 64, 1024 * 1024);
        var aggregateLinger = (int)read.Integer("aggregate:lingerMs", 200, 0, 10_000);
        var enrich = ReadEnrich(read);
        var lake = ReadLake(read);
        var kind = read.Choice("stream:kind", StreamKind.Embedded);
        var kinesis = ReadKinesis(read, stream.ShardCount, out var kinesisKeysSet);
        if (kind != StreamKind.Kinesis && kinesisKeysSet)
        {
            read.Fail("stream:kind", kind.ToString().ToLowerInvariant(), "stream.kinesis.* settings are given but the raw stream is embedded; set stream.kind to kinesis (or pass --stream kinesis) to use them, or remove them");
        }

        var admin = ReadAdmin(read);
        var dashboard = new DashboardConfig(
            read.Boolean("dashboard:enabled", true),
            TimeSpan.FromDays(read.Integer("dashboard:retentionDays", 30, 1, 400)),
            TimeSpan.FromSeconds(read.Integer("dashboard:snapshotSeconds", 30, 1, 3600)));
        ForwardOnlyInFile(root, read);
        read.RejectUnknownKeys();
        if (read.Errors.Count > 0)
        {
            throw new ConfigException(read.Errors);
        }

        return new GatewayConfig(dataDirectory, edge, stream, kind == StreamKind.Kinesis ? kinesis : null, aggregateTarget, aggregateLinger, enrich, lake) { Admin = admin, Dashboard = dashboard };
    }

    /// <summary>
    /// The forward section is read from the file by <see cref="ForwardConfigStore"/>, which also writes it back for the
    /// admin API; a value from a variable could neither be read as a document nor saved, so it is an error, not ignored.
    /// </summary>
    private static void ForwardOnlyInFile(IConfigurationRoot root, ConfigReader read)
    {
        read.ReadElsewhere("forward");
        foreach (var provider in root.Providers.Where(p => p is not Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider))
        {
            foreach (var key in provider.GetChildKeys([], "forward").Distinct(StringComparer.OrdinalIgnoreCase))
            {
                read.Fail($"forward:{key}", ConfigReader.Hidden, "the forward section is read from gateway.json only (the admin API saves it there); move the setting into the file's \"forward\" object and remove the variable");
            }
        }
    }

    private static AdminConfig ReadAdmin(ConfigReader read)
    {
        var enabled = read.Boolean("admin:enabled", true);
        var token = read.Secret("admin:token");
        if (token is not null && (token.Length is < AdminConfig.MinTokenLength or > 1024 || token.Any(c => c is <= ' ' or > '~')))
        {
            // The value is never echoed: even a rejected token may be most of the real one.
            read.Fail("admin:token", ConfigReader.Hidden, $"expected {AdminConfig.MinTokenLength} to 1024 printable ASCII characters without spaces; generate one with `openssl rand -base64 32`, or remove it to have gateway up generate a token");
            token = null;
        }

        return new AdminConfig(enabled, token);
    }

    /// <summary>A stream of the local pipeline other than the raw one: the raw stream's settings, in its own directory.</summary>
    private EmbeddedStreamOptions Embedded(string name) => RawStream with
    {
        Directory = Path.Combine(DataDirectory, "streams", name),
        StreamName = name,
    };

    private static EnrichConfig ReadEnrich(ConfigReader read)
    {
        var secret = read.Secret("enrich:visitorSecret") is { } text
            ? ParseVisitorSecret(read, text)
            : null;
        var window = read.Integer("enrich:dedupWindowSeconds", (long)EventIdDeduplicator.DefaultWindow.TotalSeconds, 1, 24 * 60 * 60);
        var capacity = read.Integer("enrich:dedupCapacity", EventIdDeduplicator.DefaultCapacity, 1, 10_000_000);
        return new EnrichConfig(secret, TimeSpan.FromSeconds(window), (int)capacity);
    }

    private static byte[]? ParseVisitorSecret(ConfigReader read, string text)
    {
        var buffer = new byte[text.Length];
        if (!Convert.TryFromBase64String(text, buffer, out var length))
        {
            // The value is never echoed: even a malformed secret may be most of the real one.
            read.Fail("enrich:visitorSecret", ConfigReader.Hidden, $"expected base64 of at least {VisitorIds.MinSecretBytes} random bytes; generate one with `openssl rand -base64 48`");
            return null;
        }

        if (length < VisitorIds.MinSecretBytes)
        {
            read.Fail("enrich:visitorSecret", ConfigReader.Hidden, $"decodes to {length} bytes, fewer than the {VisitorIds.MinSecretBytes} a visitor-id key needs; generate one with `openssl rand -base64 48`");
            return null;
        }

        return buffer[..length];
    }

    private static LakeConfig ReadLake(ConfigReader read)
    {
        var mode = read.Choice("lake:mode", LakeMode.Local);
        var bufferBytes = read.Integer("lake:bufferBytes", 16L << 20, 1024, 1L << 30);
        var bufferSeconds = read.Integer("lake:bufferSeconds", 10, 1, 900);
        var maxOpen = (int)read.Integer("lake:maxOpenPartitions", 16, 1, 500);
        var maxBuffered = read.Integer("lake:maxBufferedBytes", 2 * bufferBytes, 1024, 16L << 30);
        if (maxBuffered < bufferBytes)
        {
            read.Fail("lake:maxBufferedBytes", maxBuffered.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must be at least lake.bufferBytes ({bufferBytes}), since one partition's file alone holds that much; raise it or lower lake.bufferBytes");
        }
        var codec = read.Choice("lake:codec", LakeCodec.Snappy);
        var s3Set = read.IsSet("lake:s3");
        var bucket = read.String("lake:s3:bucket", "");
        var prefix = read.String("lake:s3:prefix", "");
        var serviceUrl = read.Parsed<Uri?>("lake:s3:serviceUrl", null, ParseEndpoint, "expected an http(s) URL of an S3-API server such as http://127.0.0.1:4568");
        var region = read.String("lake:s3:region", "");
        LakeS3Config? s3 = null;
        if (mode == LakeMode.Direct)
        {
            if (bucket.Length == 0)
            {
                read.Fail("lake:s3:bucket", "", "lake.mode is direct, which uploads the lake to S3; set lake.s3.bucket to the bucket's name (or set lake.mode to local)");
            }
            else if (!IsBucketName(bucket))
            {
                read.Fail("lake:s3:bucket", bucket, "expected an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
            }

            s3 = new LakeS3Config(bucket, NormalizePrefix(read, prefix), serviceUrl, region.Length == 0 ? null : region);
        }
        else if (s3Set)
        {
            var given = new[] { ("bucket", bucket.Length > 0), ("prefix", prefix.Length > 0), ("serviceUrl", serviceUrl is not null), ("region", region.Length > 0) }
                .Where(k => k.Item2)
                .Select(k => $"lake.s3.{k.Item1} (GATEWAY__LAKE__S3__{k.Item1.ToUpperInvariant()})");
            read.Fail("lake:mode", mode.ToString().ToLowerInvariant(), $"{(given.Any() ? string.Join(", ", given) : "lake.s3.* settings")} given but the lake is local; set lake.mode to direct to upload it to S3, or remove them");
        }

        return new LakeConfig(mode, bufferBytes, TimeSpan.FromSeconds(bufferSeconds), maxOpen, maxBuffered, codec, s3);
    }

    // S3's rules for new buckets (no upper case or underscores); dotted names are allowed, path-style addressing copes with them.
    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("..", StringComparison.Ordinal);

    // A folder of the bucket: "lake" and "lake/" both mean the folder lake/.
    private static string NormalizePrefix(ConfigReader read, string prefix)
    {
        if (prefix.Length == 0)
        {
            return "";
        }

        if (prefix.StartsWith('/') || prefix.Contains("//", StringComparison.Ordinal) || prefix.Split('/').Any(p => p is "." or ".."))
        {
            read.Fail("lake:s3:prefix", prefix, "expected a key prefix such as 'lake/' or 'analytics/gateway/': no leading '/', no empty, '.' or '..' segments");
            return "";
        }

        return prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    private static KinesisConfig ReadKinesis(ConfigReader read, int shardCount, out bool anySet)
    {
        anySet = read.IsSet("stream:kinesis");
        var endpoint = read.Parsed<Uri?>("stream:kinesis:endpoint", null, ParseEndpoint, "expected an http(s) URL of a Kinesis-API server such as http://127.0.0.1:4567");
        var region = read.String("stream:kinesis:region", "");
        return new KinesisConfig(
            endpoint,
            region.Length == 0 ? null : region,
            read.String("stream:kinesis:streamName", "gateway-raw"),
            read.String("stream:kinesis:aggregatedStreamName", "gateway-aggregated"),
            // Creating streams is for local servers; on AWS the stream belongs to the deployed stack.
            read.Boolean("stream:kinesis:createIfMissing", endpoint is not null),
            shardCount);
    }

    private static Uri? ParseEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new FormatException($"'{value}' is not an http(s) URL");

    private static IReadOnlyList<RealtimeLogField> ParseFields(ConfigReader read, IReadOnlyList<string> names)
    {
        try
        {
            return RealtimeLogFields.ParseList(names);
        }
        catch (FormatException ex)
        {
            read.Fail("edge:fields", string.Join(",", names), ex.Message);
            return RealtimeLogFields.Default;
        }
    }

    private static string ParseUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
        {
            throw new FormatException($"'{value}' is not a plain http://host:port URL");
        }

        return value;
    }

    private static IPNetwork? ParseNetwork(ConfigReader read, string value)
    {
        if (IPNetwork.TryParse(value, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(value, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        read.Fail("edge:trustedProxies", value, "expected an IP address or CIDR range such as 10.0.0.0/8");
        return null;
    }
}

/// <summary>Where the raw stream lives: the embedded durable stream under the data directory, or a Kinesis-API stream.</summary>
internal enum StreamKind
{
    Embedded,
    Kinesis,
}

/// <summary>The raw stream on a Kinesis-API endpoint (<c>stream.kind = kinesis</c>).</summary>
/// <param name="Endpoint">A Kinesis-API server (kinesalite, LocalStack); null for AWS in the configured region.</param>
/// <param name="Region">The region to sign for; null takes it from the AWS chain.</param>
/// <param name="StreamName">The raw Kinesis stream's name.</param>
/// <param name="AggregatedStreamName">The aggregated Kinesis stream's name.</param>
/// <param name="CreateIfMissing">Create the stream (with stream.shards shards) when it does not exist.</param>
/// <param name="ShardCount">Shards of a created stream.</param>
internal sealed record KinesisConfig(Uri? Endpoint, string? Region, string StreamName, string AggregatedStreamName, bool CreateIfMissing, int ShardCount);

/// <summary>Where the lake stage writes: the local folder <c>data/lake</c>, or S3 (Firehose's direct sink, with our writer).</summary>
internal enum LakeMode
{
    Local,
    Direct,
}

/// <summary>Page compression of the lake's files (<c>lake.codec</c>).</summary>
internal enum LakeCodec
{
    Snappy,
    Gzip,
    None,
}

/// <summary>Settings of the lake stage (<c>lake.*</c>).</summary>
/// <param name="Mode">local or direct.</param>
/// <param name="BufferBytes">A partition's file is finished at this size.</param>
/// <param name="BufferTime">A partition's file is finished this long after its first row.</param>
/// <param name="MaxOpenPartitions">Most partitions buffering at once.</param>
/// <param name="MaxBufferedBytes">Most bytes buffered across the open partitions.</param>
/// <param name="Codec">Page compression.</param>
/// <param name="S3">Where direct mode uploads; null when local.</param>
internal sealed record LakeConfig(LakeMode Mode, long BufferBytes, TimeSpan BufferTime, int MaxOpenPartitions, long MaxBufferedBytes, LakeCodec Codec, LakeS3Config? S3);

/// <summary>The lake's place in S3 (<c>lake.s3.*</c>).</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Prefix">Key prefix of the lake's root: "" or a folder ending in '/'.</param>
/// <param name="ServiceUrl">An S3-API server (s3rver, MinIO, LocalStack); null for AWS.</param>
/// <param name="Region">The region to sign for; null takes it from the AWS chain (us-east-1 with a service URL).</param>
internal sealed record LakeS3Config(string Bucket, string Prefix, Uri? ServiceUrl, string? Region);

/// <summary>Settings of the enrich stage (<c>enrich.*</c>).</summary>
/// <param name="VisitorSecret">The visitor-id key from <c>enrich.visitorSecret</c>; null to use (or create) the key file under the data directory.</param>
/// <param name="DedupWindow">How long an event id is remembered to drop repeats.</param>
/// <param name="DedupCapacity">Most event ids remembered at once.</param>
internal sealed record EnrichConfig(byte[]? VisitorSecret, TimeSpan DedupWindow, int DedupCapacity)
{
    /// <summary>Keeps the secret out of <c>ToString</c> (records print every member).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"VisitorSecret = {(VisitorSecret is null ? "(key file)" : ConfigReader.Hidden)}, DedupWindow = {DedupWindow}, DedupCapacity = {DedupCapacity}");
        return true;
    }
}

/// <summary>Settings of the admin API (<c>admin.*</c>).</summary>
/// <param name="Enabled">Whether <c>up</c> serves the admin API (<c>admin.enabled</c>, default true).</param>
/// <param name="Token">The operator's bearer token (<c>admin.token</c>); null to use the generated one whose hash is in the data directory.</param>
internal sealed record AdminConfig(bool Enabled, string? Token)
{
    /// <summary>Shortest <c>admin.token</c> accepted.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Enabled, with a generated token.</summary>
    public static AdminConfig Default { get; } = new(true, null);

    /// <summary>Keeps the token out of <c>ToString</c> (records print every member).</summary>
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"Enabled = {Enabled}, Token = {(Token is null ? "(generated)" : ConfigReader.Hidden)}");
        return true;
    }
}

/// <summary>Settings of the dashboard (<c>dashboard.*</c>).</summary>
/// <param name="Enabled">Whether <c>up</c> keeps rollups and serves <c>/dashboard</c> and <c>/api/</c> (<c>dashboard.enabled</c>, default true; needs the admin API).</param>
/// <param name="Retention">How long hourly rollups are kept (<c>dashboard.retentionDays</c>, default 30); older history is read from the lake.</param>
/// <param name="SnapshotInterval">How often the rollups are saved (<c>dashboard.snapshotSeconds</c>, default 30); a crash recounts that much from the streams.</param>
internal sealed record DashboardConfig(bool Enabled, TimeSpan Retention, TimeSpan SnapshotInterval)
{
    /// <summary>Enabled, 30 days, saved every 30 s.</summary>
    public static DashboardConfig Default { get; } = new(true, TimeSpan.FromDays(30), TimeSpan.FromSeconds(30));
}

/// <summary>Configuration problems, each naming the key and the fix.</summary>
internal sealed class ConfigException(IReadOnlyList<string> problems)
    : Exception("invalid configuration:\n  - " + string.Join("\n  - ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
