using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>
/// The forward handler over real HTTP: aggregated Kinesis records → de-aggregation → enrichment → the fake Conversions
/// API (which checks spec 10) and a webhook receiver; partial batch responses while a destination is down, the spill once
/// records are too old to keep retrying, dead letters and bad rows.
/// </summary>
public sealed class ForwardHandlerTests : IAsyncLifetime
{
    private const string Token = "EAAB-lambda-token";
    private const string HookSecret = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly string _root = Directory.CreateTempSubdirectory("gateway-forward-lambda-").FullName;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly HttpClient _http = new();
    private readonly List<BadRow> _badRows = [];
    private readonly StringWriter _log = new();
    private FakeCapiServer _meta = null!;
    private FakeWebhookServer _hook = null!;

    public async Task InitializeAsync()
    {
        _meta = await FakeCapiServer.StartAsync(Token, _time);
        _hook = await FakeWebhookServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _meta.DisposeAsync();
        await _hook.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private FileDeliveryStore DeadLetters => new(Path.Combine(_root, "dlq"), _time);

    private FileDeliveryStore Spill => new(Path.Combine(_root, "spill"), _time);

    [Fact]
    public async Task Aggregated_records_are_deaggregated_enriched_and_every_event_reaches_meta_once()
    {
        await using var handler = Handler();
        var records = new[] { Lines("a", 5), Lines("b", 7) };

        var response = await InvokeAsync(handler, records);

        Assert.Empty(response.BatchItemFailures);
        Assert.Empty(_meta.Violations);
        Assert.Equal(Ids("a", 5).Concat(Ids("b", 7)).Order(), _meta.AcceptedEvents.Select(e => (string)e["event_id"]!).Order());
        var sent = _meta.AcceptedEvents.First();
        Assert.Equal("Purchase", (string?)sent["event_name"]);
        // The full address and user agent of the hit go to Meta, and nowhere else.
        Assert.Equal("198.51.100.23", (string?)sent["user_data"]!["client_ip_address"]);
        Assert.Contains("forward: 2 record(s), 12 event(s) (0 repeat(s) skipped): 12 accepted", _log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.23", _log.ToString(), StringComparison.Ordinal);

        // Lambda delivers the same batch again (an earlier answer was lost): nothing is sent twice.
        var again = await InvokeAsync(handler, records);

        Assert.Empty(again.BatchItemFailures);
        Assert.Equal(12, _meta.AcceptedEvents.Count);
        Assert.Contains("(12 repeat(s) skipped)", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_destination_that_is_down_gets_a_partial_batch_response_from_its_first_record_and_the_retry_sends_only_the_rest()
    {
        _hook.Down = true;
        await using var handler = Handler();
        // Records 0 and 2 are for the meta pixel, record 1 for the webhook pixel.
        var records = new[] { Lines("a", 3), Lines("h", 2, pixel: "777"), Lines("c", 3) };

        var response = await _time.RunAsync(InvokeAsync(handler, records), TimeSpan.FromSeconds(1));

        Assert.Equal(Some.SequenceNumber(1), Assert.Single(response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(6, _meta.AcceptedEvents.Count);
        Assert.Empty(await Spill.ListAsync());
        Assert.Contains("not delivered yet (hook 2): retrying from record 1", _log.ToString(), StringComparison.Ordinal);

        // Lambda retries from record 1 once the receiver is back: the webhook events go out, meta's are not resent.
        _hook.Down = false;
        _time.Advance(TimeSpan.FromMinutes(1));
        var retry = await _time.RunAsync(InvokeAsync(handler, records[1..], firstIndex: 1), TimeSpan.FromSeconds(1));

        Assert.Empty(retry.BatchItemFailures);
        Assert.Equal(6, _meta.AcceptedEvents.Count);
        Assert.Equal(Ids("h", 2), _hook.Deliveries.SelectMany(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("events").EnumerateArray()).Select(e => e.GetProperty("event_id").GetString()!));
        Assert.True(_hook.VerifySignature(HookSecret));
        Assert.Empty(_meta.Violations);
    }

    [Fact]
    public async Task While_the_breaker_is_open_the_retry_answer_waits_so_lambda_does_not_spin()
    {
        _meta.Down = true;
        await using var handler = Handler(new SenderOptions { MaxAttempts = 2, BreakerThreshold = 2 });

        var response = await _time.RunAsync(InvokeAsync(handler, [Lines("a", 2)]), TimeSpan.FromSeconds(1));

        Assert.Equal(Some.SequenceNumber(0), Assert.Single(response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(CircuitState.Open, handler.Destinations!.Get("meta")!.Breaker.State);
        Assert.Contains(new ForwardHandlerOptions().MaxRetryPause, _time.ScheduledDelays);
    }

    [Fact]
    public async Task Records_retried_for_longer_than_the_limit_go_to_the_spill_and_are_resent_when_the_destination_answers()
    {
        _meta.Down = true;
        await using var handler = Handler(new SenderOptions { MaxAttempts = 2, BreakerThreshold = 100 });
        var records = new[] { Lines("a", 4) };

        // The record arrived 61 minutes ago: it has been retried long enough.
        var response = await _time.RunAsync(InvokeAsync(handler, records, arrival: Start.AddMinutes(-61)), TimeSpan.FromSeconds(1));

        Assert.Empty(response.BatchItemFailures);
        var stored = Assert.Single(await Spill.ListAsync("meta"));
        Assert.Equal(Ids("a", 4), (await Spill.ReadAsync(stored)).Select(d => d.EventId));
        Assert.DoesNotContain("198.51.100.23", await File.ReadAllTextAsync(stored.Path), StringComparison.Ordinal);
        Assert.Contains("4 stored in the spill", _log.ToString(), StringComparison.Ordinal);

        // Meta is back; the next batch that goes through (after the redrive interval) also resends the spill.
        _meta.Down = false;
        _time.Advance(TimeSpan.FromMinutes(2));
        var next = await _time.RunAsync(InvokeAsync(handler, [Lines("b", 1)]), TimeSpan.FromSeconds(1));

        Assert.Empty(next.BatchItemFailures);
        Assert.Empty(await Spill.ListAsync());
        Assert.Equal(Ids("a", 4).Concat(Ids("b", 1)).Order(), _meta.UniqueEvents.Select(e => (string)e["event_id"]!).Order());
        Assert.Contains("resent from the spill: 4 accepted", _log.ToString(), StringComparison.Ordinal);
        Assert.Empty(_meta.Violations);
    }

    [Fact]
    public async Task Rejected_events_are_dead_lettered_with_meta_s_message_and_the_batch_succeeds()
    {
        _meta.Enqueue(FakeCapiReply.Status(400, "Invalid parameter", graphCode: 190));
        await using var handler = Handler();

        var response = await InvokeAsync(handler, [Lines("a", 3)]);

        Assert.Empty(response.BatchItemFailures);
        var batch = Assert.Single(await DeadLetters.ListAsync("meta"));
        var dead = await DeadLetters.ReadAsync(batch);
        Assert.Equal(Ids("a", 3), dead.Select(d => d.EventId));
        Assert.Contains("Invalid parameter", dead[0].LastError, StringComparison.Ordinal);
        Assert.Contains("3 dead-lettered", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_too_old_for_meta_become_forward_bad_rows_and_rule_drops_are_counted_without_failing_the_batch()
    {
        await using var handler = Handler();
        var old = Line("old-1", Start.AddDays(-8));
        var blocked = Line("blk-1", Start, host: "staging.example.com");
        var unknown = Line("unk-1", Start, pixel: "999");

        var response = await InvokeAsync(handler, [Aggregate([old, blocked, unknown, Line("ok-1", Start)])]);

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal(["ok-1"], _meta.AcceptedEvents.Select(e => (string)e["event_id"]!));
        var row = Assert.Single(_badRows);
        Assert.Equal((BadRow.ForwardStage, DropReasons.Stale), (row.Stage, row.Reason));
        Assert.Contains("event_id=old-1", row.Raw, StringComparison.Ordinal);
        Assert.Contains($"dropped by rule: {DropReasons.DomainBlocked} 1, {DropReasons.PixelNotConfigured} 1", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_row_that_cannot_be_stored_fails_the_invocation_and_is_written_with_the_retry()
    {
        var failWrites = true;
        await using var handler = Handler(writeBadRows: rows => failWrites ? throw new IOException("bucket unavailable") : rows);
        var records = new[] { Aggregate([Line("old-1", Start.AddDays(-8))]) };

        await Assert.ThrowsAsync<IOException>(() => InvokeAsync(handler, records));
        failWrites = false;
        var response = await InvokeAsync(handler, records);

        Assert.Empty(response.BatchItemFailures);
        Assert.Equal(["old-1"], _badRows.Select(r => r.Raw.Split('\t')[2]["event_id=".Length..]));
    }

    [Fact]
    public async Task A_settings_change_applies_to_the_next_batch_after_the_refresh_interval()
    {
        var settings = Settings();
        await using var handler = Handler(readSettings: () => settings);
        await InvokeAsync(handler, [Lines("a", 1)]);

        settings = Settings().Replace("\"enabled\": true", "\"enabled\": false", StringComparison.Ordinal);
        await InvokeAsync(handler, [Lines("b", 1)]);
        _time.Advance(TimeSpan.FromSeconds(61));
        await InvokeAsync(handler, [Lines("c", 1)]);

        Assert.Equal(["a-0", "b-0"], _meta.AcceptedEvents.Select(e => (string)e["event_id"]!));
        Assert.Contains($"{DropReasons.PixelDisabled} 1", _log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "bucket", "Set exactly one of GATEWAY_FORWARD_CONFIG")]
    [InlineData("{}", "/p", "bucket", "both are set")]
    [InlineData("{\"pixels\": 3}", null, "bucket", "GATEWAY_FORWARD_CONFIG is not valid forward settings: pixels:")]
    [InlineData("{}", null, null, "GATEWAY_FORWARD_BUCKET is not set")]
    public void Missing_or_bad_configuration_is_an_init_error_naming_the_variable(string? inline, string? parameter, string? bucket, string message)
    {
        var environment = new FakeEnvironment((EnrichHandler.SecretVariable, Enrichers.SecretBase64));
        environment.Set(ForwardHandler.ConfigVariable, inline);
        environment.Set(ForwardHandler.ConfigParameterVariable, parameter);
        environment.Set(ForwardHandler.BucketVariable, bucket);
        environment.Set("AWS_REGION", "eu-west-1");
        var init = new LambdaInitContext(HandlerNames.Forward, environment, _time, new LambdaLogger(TextWriter.Null, _time));

        var error = Assert.Throws<LambdaConfigurationException>(() => ForwardHandler.Create(init));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ForwardHandler.PrefixVariable, "/forward/", "ending in '/' without a leading '/'")]
    [InlineData(ForwardHandler.MaxRetryAgeVariable, "10", "from 60 to 604800")]
    [InlineData(ForwardHandler.RefreshVariable, "soon", "from 1 to 3600")]
    [InlineData(ForwardHandler.S3EndpointVariable, "ftp://x", "http(s) URL")]
    [InlineData(EnrichHandler.SecretVariable, "", "the forward handler derives visitor ids")]
    public void Each_setting_is_checked_at_init_with_its_fix(string variable, string value, string message)
    {
        var environment = new FakeEnvironment(
            (EnrichHandler.SecretVariable, Enrichers.SecretBase64),
            (ForwardHandler.ConfigVariable, "{}"),
            (ForwardHandler.BucketVariable, "bucket"),
            ("AWS_REGION", "eu-west-1"));
        environment.Set(variable, value);
        var init = new LambdaInitContext(HandlerNames.Forward, environment, _time, new LambdaLogger(TextWriter.Null, _time));

        var error = Assert.Throws<LambdaConfigurationException>(() => ForwardHandler.Create(init));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_configuration_builds_the_handler_with_its_stores_under_the_prefix()
    {
        var environment = new FakeEnvironment(
            (EnrichHandler.SecretVariable, Enrichers.SecretBase64),
            (ForwardHandler.ConfigVariable, Settings()),
            (ForwardHandler.BucketVariable, "gateway-forward"),
            (ForwardHandler.PrefixVariable, "prod/forward/"),
            ("AWS_REGION", "eu-west-1"));
        var log = new StringWriter();
        var init = new LambdaInitContext(HandlerNames.Forward, environment, _time, new LambdaLogger(log, _time));

        await using var handler = Assert.IsType<ForwardHandler>(ForwardHandler.Create(init));

        Assert.Contains("dead letters in s3://gateway-forward/prod/forward/dlq/, spill in s3://gateway-forward/prod/forward/spill/", log.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("prod/forward/bad-rows/year=2026/month=11/day=23/hour=12/20261123T120000000Z-000007-", ForwardHandler.BadRowKey("prod/forward/bad-rows/", Start, 7), StringComparison.Ordinal);
    }

    private ForwardHandler Handler(SenderOptions? sender = null, Func<IReadOnlyList<BadRow>, IReadOnlyList<BadRow>>? writeBadRows = null, Func<string>? readSettings = null)
    {
        var enricher = new EventEnricher(Enrichers.Resources, new VisitorIds(Enrichers.Secret), new EnricherOptions());
        var environment = new FakeEnvironment();
        environment.Set("META_TOKEN", Token);
        var control = new ForwardControl("test settings", _ => Task.FromResult(readSettings is null ? Settings() : readSettings()), null, environment, TimeSpan.FromSeconds(60), _time);
        return new ForwardHandler(
            enricher,
            new EventIdDeduplicator(_time),
            control,
            _http,
            DeadLetters,
            Spill,
            (rows, _) =>
            {
                _badRows.AddRange(writeBadRows is null ? rows : writeBadRows(rows));
                return Task.CompletedTask;
            },
            new ForwardHandlerOptions { Sender = sender ?? new SenderOptions() },
            _time);
    }

    private string Settings() => $$"""
        {
          "pixels": [
            { "id": "1234567890", "enabled": true, "destinations": ["meta"] },
            { "id": "777", "destinations": ["hook"] }
          ],
          "domains": { "block": ["staging.example.com"] },
          "destinations": [
            { "name": "meta", "type": "meta", "accessToken": { "env": "META_TOKEN" }, "endpoint": "{{_meta.Endpoint}}", "timeoutSeconds": 2 },
            { "name": "hook", "type": "webhook", "url": "{{_hook.Endpoint}}", "secret": "{{HookSecret}}", "timeoutSeconds": 2 }
          ]
        }
        """;

    private async Task<StreamsEventResponse> InvokeAsync(ForwardHandler handler, byte[][] records, int firstIndex = 0, DateTimeOffset? arrival = null)
    {
        var json = KinesisEventJson(records, firstIndex, arrival ?? _time.GetUtcNow());
        var logger = new LambdaLogger(_log, _time);
        var context = new LambdaContext("req-1", _time.GetUtcNow().AddMinutes(5), _time, logger.ForRequest("req-1"));
        var output = await handler.HandleAsync(Encoding.UTF8.GetBytes(json), context, CancellationToken.None).AsTask();
        return JsonSerializer.Deserialize(output.Span, LambdaJsonContext.Default.StreamsEventResponse)!;
    }

    private static string KinesisEventJson(byte[][] records, int firstIndex, DateTimeOffset arrival)
    {
        var items = records.Select((data, i) =>
        {
            var sequence = Some.SequenceNumber(firstIndex + i);
            var at = (arrival.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
            return $$"""{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pk-{{i}}","sequenceNumber":"{{sequence}}","data":"{{Convert.ToBase64String(data)}}","approximateArrivalTimestamp":{{at}}},"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000000000000:{{sequence}}","eventName":"aws:kinesis:record","awsRegion":"us-east-1","eventSourceARN":"arn:aws:kinesis:us-east-1:123456789012:stream/aggregated"}""";
        });
        return $$"""{"Records":[{{string.Join(',', items)}}]}""";
    }

    private byte[] Lines(string prefix, int count, string pixel = "1234567890") =>
        Aggregate([.. Ids(prefix, count).Select(id => Line(id, _time.GetUtcNow().AddSeconds(-5), pixel: pixel))]);

    private static IEnumerable<string> Ids(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}");

    /// <summary>A purchase hit as CloudFront logs it, at <paramref name="at"/>, from a browser on <paramref name="host"/>.</summary>
    private static string Line(string eventId, DateTimeOffset at, string pixel = "1234567890", string host = "shop.example.com")
    {
        var query = $"pid={pixel}&e=purchase&eid={eventId}&v=19.99&cur=EUR&url=https%253A%252F%252F{host}%252Fcheckout";
        return Some.RealtimeLogLine(
            (RealtimeLogField.Timestamp, (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)),
            (RealtimeLogField.UriQuery, query),
            // A residential network: the sample's cloud ASN would mark the hit as a bot, which is not forwarded.
            (RealtimeLogField.Asn, "3320"),
            (RealtimeLogField.UserAgent, "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36"));
    }

    /// <summary>One KPL-aggregated Kinesis record holding <paramref name="lines"/>, as the aggregate stage puts it.</summary>
    private static byte[] Aggregate(string[] lines)
    {
        var users = lines.Select((line, i) => new UserRecord($"pk-{i}", Encoding.UTF8.GetBytes(line + "\n"))).ToList();
        var puts = BatchAggregation.Aggregate(users, new KplAggregatorOptions { TargetSize = KplAggregatorOptions.DefaultMaxRecordSize });
        return Assert.Single(puts).Data.ToArray();
    }
}
