using Gateway.Parquet;

namespace Gateway.Cli.Tests;

/// <summary>The <c>lake.*</c> settings of <c>gateway up</c>.</summary>
public sealed class LakeConfigTests : IDisposable
{
    // Opening a store creates its folders: they go here, not into the test's working directory.
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-lake-config-");

    private static GatewayConfig Load(params (string Key, string Value)[] environment) =>
        GatewayConfig.Load(null, environment.ToDictionary(e => e.Key, e => (string?)e.Value));

    [Fact]
    public void The_lake_defaults_to_a_local_folder_with_firehose_like_buffering()
    {
        var config = Load(("GATEWAY__DATADIR", _dir.FullName));

        Assert.Equal(new LakeConfig(LakeMode.Local, 16L << 20, TimeSpan.FromSeconds(10), 16, 32L << 20, LakeCodec.Snappy, null), config.Lake);
        Assert.Equal(Path.Combine(config.DataDirectory, "lake"), config.LakeDirectory);
        var options = LakeStage.WriterOptions(config);
        Assert.Equal((16L << 20, TimeSpan.FromSeconds(10), 16, ParquetCodec.Snappy, config.Enrich.DedupWindow), (options.BufferBytes, options.BufferTime, options.MaxOpenPartitions, options.Codec, options.DedupWindow));
        Assert.Null(options.NameSeed);
        Assert.Equal(config.LakeDirectory, Assert.IsType<Gateway.Parquet.Lake.DirectoryLakeStore>(LakeStage.Store(config)).Root);
    }

    [Fact]
    public void Lake_settings_are_read_from_variables()
    {
        var config = Load(("GATEWAY__LAKE__BUFFERBYTES", "1048576"), ("GATEWAY__LAKE__BUFFERSECONDS", "60"), ("GATEWAY__LAKE__MAXOPENPARTITIONS", "4"), ("GATEWAY__LAKE__MAXBUFFEREDBYTES", "8388608"), ("GATEWAY__LAKE__CODEC", "gzip"));

        Assert.Equal(new LakeConfig(LakeMode.Local, 1 << 20, TimeSpan.FromMinutes(1), 4, 8 << 20, LakeCodec.Gzip, null), config.Lake);
        Assert.Equal((ParquetCodec.Gzip, 8L << 20), (LakeStage.WriterOptions(config).Codec, LakeStage.WriterOptions(config).EffectiveMaxBufferedBytes));
        // The default total is twice the file size.
        Assert.Equal(512L << 20, Load(("GATEWAY__LAKE__BUFFERBYTES", "268435456")).Lake.MaxBufferedBytes);
        Assert.Equal(ParquetCodec.Uncompressed, LakeStage.WriterOptions(Load(("GATEWAY__LAKE__CODEC", "none"))).Codec);
    }

    [Fact]
    public void Direct_mode_takes_the_bucket_prefix_endpoint_and_region()
    {
        var config = Load(("GATEWAY__DATADIR", _dir.FullName), ("GATEWAY__LAKE__MODE", "direct"), ("GATEWAY__LAKE__S3__BUCKET", "analytics-lake"), ("GATEWAY__LAKE__S3__PREFIX", "gateway"), ("GATEWAY__LAKE__S3__SERVICEURL", "http://127.0.0.1:4568"), ("GATEWAY__LAKE__S3__REGION", "eu-west-1"));

        Assert.Equal(LakeMode.Direct, config.Lake.Mode);
        // A bare folder name means that folder.
        Assert.Equal(new LakeS3Config("analytics-lake", "gateway/", new Uri("http://127.0.0.1:4568"), "eu-west-1"), config.Lake.S3);
        var store = Assert.IsType<Gateway.Parquet.Lake.S3LakeStore>(LakeStage.Store(config));
        Assert.Equal(("analytics-lake", "gateway/", config.LakeStagingDirectory), (store.Bucket, store.Prefix, store.StagingDirectory));
        Assert.Equal("s3://analytics-lake/gateway/ at http://127.0.0.1:4568/", LakeStage.Describe(config));
    }

    [Theory]
    // Not a mode.
    [InlineData("GATEWAY__LAKE__MODE", "firehose", "expected one of: local, direct")]
    [InlineData("GATEWAY__LAKE__CODEC", "zstd", "expected one of: snappy, gzip, none")]
    [InlineData("GATEWAY__LAKE__BUFFERBYTES", "100", "expected a whole number from 1024 to 1073741824")]
    [InlineData("GATEWAY__LAKE__BUFFERBYTES", "16MiB", "lake.bufferBytes")]
    // Firehose's buffer interval is at most 900 s.
    [InlineData("GATEWAY__LAKE__BUFFERSECONDS", "901", "expected a whole number from 1 to 900")]
    [InlineData("GATEWAY__LAKE__BUFFERSECONDS", "0", "lake.bufferSeconds")]
    [InlineData("GATEWAY__LAKE__MAXOPENPARTITIONS", "0", "expected a whole number from 1 to 500")]
    // Below the default lake.bufferBytes of 16 MiB.
    [InlineData("GATEWAY__LAKE__MAXBUFFEREDBYTES", "1048576", "must be at least lake.bufferBytes (16777216)")]
    // S3 settings without direct mode would silently do nothing.
    [InlineData("GATEWAY__LAKE__S3__BUCKET", "analytics-lake", "set lake.mode to direct")]
    [InlineData("GATEWAY__LAKE__BUFERSECONDS", "5", "did you mean 'lake.bufferSeconds'")]
    public void Bad_lake_values_are_reported_with_the_key_and_the_fix(string variable, string value, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Load((variable, value)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(variable, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(null, "set lake.s3.bucket to the bucket's name")]
    [InlineData("Analytics_Lake", "expected an S3 bucket name")]
    [InlineData("ab", "expected an S3 bucket name")]
    public void Direct_mode_needs_a_valid_bucket(string? bucket, string expected)
    {
        (string, string)[] environment = bucket is null
            ? [("GATEWAY__LAKE__MODE", "direct")]
            : [("GATEWAY__LAKE__MODE", "direct"), ("GATEWAY__LAKE__S3__BUCKET", bucket)];

        var ex = Assert.Throws<ConfigException>(() => Load(environment));

        Assert.Contains("lake.s3.bucket", ex.Message, StringComparison.Ordinal);
        Assert.Contains("GATEWAY__LAKE__S3__BUCKET", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/lake/")]
    [InlineData("lake//events")]
    [InlineData("../lake")]
    public void A_prefix_must_be_a_plain_key_folder(string prefix)
    {
        var ex = Assert.Throws<ConfigException>(() => Load(("GATEWAY__LAKE__MODE", "direct"), ("GATEWAY__LAKE__S3__BUCKET", "analytics-lake"), ("GATEWAY__LAKE__S3__PREFIX", prefix)));

        Assert.Contains("lake.s3.prefix", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no leading '/'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_service_url_names_the_key()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(("GATEWAY__LAKE__MODE", "direct"), ("GATEWAY__LAKE__S3__BUCKET", "analytics-lake"), ("GATEWAY__LAKE__S3__SERVICEURL", "127.0.0.1:4568")));

        Assert.Contains("lake.s3.serviceUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:4568", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
