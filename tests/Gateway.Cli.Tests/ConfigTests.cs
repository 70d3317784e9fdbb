namespace Gateway.Cli.Tests;

public sealed class ConfigTests
{
    private static GatewayConfig Load(params (string Key, string Value)[] environment) =>
        GatewayConfig.Load(null, environment.ToDictionary(e => e.Key, e => (string?)e.Value));

    [Fact]
    public void Defaults_need_no_file_and_no_variables()
    {
        var config = Load();

        Assert.Equal("http://127.0.0.1:8080", config.Edge.Url);
        Assert.Equal(Gateway.Streams.Durability.Fsync, config.RawStream.Durability);
        Assert.EndsWith(Path.Combine("data", "streams", "raw"), config.RawStream.Directory, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_variables_override_with_double_underscores()
    {
        var config = Load(("GATEWAY__EDGE__URL", "http://127.0.0.1:0"), ("GATEWAY__STREAM__DURABILITY", "write"), ("GATEWAY__EDGE__FIELDS", "timestamp, c-ip, cs-uri-query"));

        Assert.Equal("http://127.0.0.1:0", config.Edge.Url);
        Assert.Equal(Gateway.Streams.Durability.Write, config.RawStream.Durability);
        Assert.Equal(3, config.Edge.Fields.Count);
    }

    [Theory]
    [InlineData("GATEWAY__EDGE__MAXBODYBYTES", "lots", "edge.maxBodyBytes")]
    [InlineData("GATEWAY__STREAM__DURABILITY", "maybe", "expected one of: fsync, write")]
    [InlineData("GATEWAY__EDGE__URL", "https://0.0.0.0:1/x", "edge.url")]
    [InlineData("GATEWAY__EDGE__FIELDS", "c-ip,timestamp", "canonical order")]
    [InlineData("GATEWAY__EDGE__TRUSTEDPROXIES", "10.0.0.0/99", "CIDR")]
    [InlineData("GATEWAY__EDGE__PROT", "8080", "did you mean 'edge.url'")]
    [InlineData("GATEWAY__STREAM__KIND", "kafka", "expected one of: embedded, kinesis")]
    [InlineData("GATEWAY__ENRICH__VISITORSECRET", "not-base64!", "openssl rand -base64 48")]
    // Base64 of 16 bytes: valid, but too short for HMAC-SHA256.
    [InlineData("GATEWAY__ENRICH__VISITORSECRET", "AAAAAAAAAAAAAAAAAAAAAA==", "decodes to 16 bytes")]
    [InlineData("GATEWAY__ENRICH__DEDUPWINDOWSECONDS", "0", "enrich.dedupWindowSeconds")]
    [InlineData("GATEWAY__ENRICH__DEDUPWINDOWSECONDS", "ten", "expected a whole number")]
    [InlineData("GATEWAY__ENRICH__DEDUPCAPACITY", "-5", "enrich.dedupCapacity")]
    [InlineData("GATEWAY__ENRICH__DEDUPCAPACITY", "100000000000", "expected a whole number")]
    public void Bad_values_are_reported_with_the_key_and_the_fix(string variable, string value, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Load((variable, value)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(variable, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Enrich_defaults_keep_the_key_in_the_data_directory_and_the_rows_in_local_streams()
    {
        var config = Load(("GATEWAY__STREAM__KIND", "kinesis"));

        Assert.Null(config.Enrich.VisitorSecret);
        Assert.Equal(TimeSpan.FromSeconds(600), config.Enrich.DedupWindow);
        Assert.Equal(100_000, config.Enrich.DedupCapacity);
        Assert.Equal(Path.Combine(config.DataDirectory, "secrets", "visitor-id.key"), config.VisitorSecretFile);
        // Kinesis raw and aggregated streams, yet events and bad rows stay embedded under the data directory.
        Assert.Equal(Path.Combine(config.DataDirectory, "streams", "events"), config.EventsStream.Directory);
        Assert.Equal(Path.Combine(config.DataDirectory, "streams", "bad-rows"), config.BadRowsStream.Directory);
        Assert.Equal("bad-rows", config.BadRowsStream.StreamName);
    }

    [Fact]
    public void Enrich_settings_are_read_and_the_secret_is_decoded()
    {
        var secret = Enumerable.Range(0, 48).Select(i => (byte)i).ToArray();

        var config = Load(("GATEWAY__ENRICH__VISITORSECRET", Convert.ToBase64String(secret)), ("GATEWAY__ENRICH__DEDUPWINDOWSECONDS", "30"), ("GATEWAY__ENRICH__DEDUPCAPACITY", "5000"));

        Assert.Equal(secret, config.Enrich.VisitorSecret);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Enrich.DedupWindow);
        Assert.Equal(5000, config.Enrich.DedupCapacity);
        Assert.DoesNotContain(Convert.ToBase64String(secret), config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_visitor_secret_is_not_echoed_in_the_error()
    {
        const string almostSecret = "c2VjcmV0LWJ1dC10b28tc2hvcnQ=";

        var ex = Assert.Throws<ConfigException>(() => Load(("GATEWAY__ENRICH__VISITORSECRET", almostSecret)));

        Assert.Contains("enrich.visitorSecret", Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain(almostSecret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(("GATEWAY__EDGE__MAXBODYBYTES", "0"), ("GATEWAY__STREAM__SHARDS", "x")));

        Assert.Equal(2, ex.Problems.Count);
    }

    [Fact]
    public void Json_file_is_read_and_broken_json_names_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("gateway-config-");
        try
        {
            var good = Path.Combine(dir.FullName, "good.json");
            File.WriteAllText(good, """{ "edge": { "location": "FRA56-P1", "allowedOrigins": ["https://a.example", "https://b.example"] } }""");
            var bad = Path.Combine(dir.FullName, "bad.json");
            File.WriteAllText(bad, """{ "edge": { "location": """);

            var config = GatewayConfig.Load(good, new Dictionary<string, string?>());
            var ex = Assert.Throws<ConfigException>(() => GatewayConfig.Load(bad, new Dictionary<string, string?>()));

            Assert.Equal("FRA56-P1", config.Edge.EdgeLocation);
            Assert.Equal(["https://a.example", "https://b.example"], config.Edge.AllowedOrigins);
            Assert.Contains("bad.json", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Kinesis_stream_settings_are_read_and_a_local_endpoint_creates_its_stream()
    {
        var local = Load(("GATEWAY__STREAM__KIND", "kinesis"), ("GATEWAY__STREAM__KINESIS__ENDPOINT", "http://127.0.0.1:4567"), ("GATEWAY__STREAM__SHARDS", "3"));
        var aws = Load(("GATEWAY__STREAM__KIND", "kinesis"), ("GATEWAY__STREAM__KINESIS__STREAMNAME", "prod-raw"), ("GATEWAY__STREAM__KINESIS__REGION", "eu-west-1"));

        Assert.Null(Load().Kinesis);
        Assert.Equal(new KinesisConfig(new Uri("http://127.0.0.1:4567"), null, "gateway-raw", "gateway-aggregated", CreateIfMissing: true, 3), local.Kinesis);
        // On AWS the stream belongs to the deployed stack: it is never created behind the operator's back.
        Assert.Equal(new KinesisConfig(null, "eu-west-1", "prod-raw", "gateway-aggregated", CreateIfMissing: false, 2), aws.Kinesis);
    }

    [Fact]
    public void Bad_kinesis_settings_are_each_reported()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(("GATEWAY__STREAM__KIND", "kinesis"), ("GATEWAY__STREAM__KINESIS__ENDPOINT", "ftp://x"), ("GATEWAY__STREAM__KINESIS__CREATEIFMISSING", "sure")));

        Assert.Equal(2, ex.Problems.Count);
        Assert.Contains("GATEWAY__STREAM__KINESIS__ENDPOINT", ex.Problems[0], StringComparison.Ordinal);
        Assert.Contains("expected true or false", ex.Problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Kinesis_settings_without_the_kinesis_stream_say_how_to_use_them()
    {
        var ex = Assert.Throws<ConfigException>(() => Load(("GATEWAY__STREAM__KINESIS__ENDPOINT", "http://127.0.0.1:4567")));

        Assert.Contains("set stream.kind to kinesis", Assert.Single(ex.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_values_win_over_variables()
    {
        var config = GatewayConfig.Load(null, new Dictionary<string, string?> { ["GATEWAY__STREAM__KIND"] = "embedded" }, new Dictionary<string, string?> { ["stream:kind"] = "kinesis", ["stream:kinesis:endpoint"] = "http://127.0.0.1:1" });

        Assert.Equal(new Uri("http://127.0.0.1:1"), config.Kinesis?.Endpoint);
    }
}
