using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Lambda.Internal;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>The <c>enrich</c> Firehose transformation, fed the events Firehose sends and read back as Firehose reads the answer.</summary>
public sealed class EnrichHandlerTests
{
    // Seven records from a Kinesis-sourced stream (data/firehose-enrich-event.json), in order:
    // 0 golden pageview (LF), 1 signup with eid and url, 2 a retry of 1 (same eid, new request id), 3 a line of 17 fields,
    // 4 a query with the escape %zz, 5 a hit without pid, 6 a pageview from an IPv6 client two hours later (CRLF).
    // Records 3 to 5 come from 203.0.113.77.
    private const string Sample = "firehose-enrich-event.json";

    private const string FullIp = "203.0.113.77";

    private const string IpPrefix = "203.0.113.0";

    [Fact]
    public async Task Every_record_is_answered_in_order_under_its_own_id()
    {
        var sample = JsonSerializer.Deserialize(Some.DataFile(Sample), LambdaJsonContext.Default.FirehoseTransformationEvent)!;

        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        Assert.Equal(sample.Records.Select(r => r.RecordId), response.Records.Select(r => r.GetProperty("recordId").GetString()));
        Assert.Equal(["Ok", "Ok", "Dropped", "ProcessingFailed", "ProcessingFailed", "ProcessingFailed", "Ok"], response.Results);
    }

    [Theory]
    // The golden pageview: the page is the referer.
    [InlineData(0, "px1", "pageview", "shop.example", "20")]
    // A signup whose url parameter (encoded twice in the log) names the page.
    [InlineData(1, "px1", "signup", "shop.example", "20")]
    // CRLF-terminated, from an IPv6 client, at 22:00:00.250 UTC.
    [InlineData(6, "px2", "pageview", "blog.example", "22")]
    public async Task Ok_records_are_one_json_row_and_a_newline_with_hive_partition_keys(int index, string pixelId, string eventName, string pageHost, string hour)
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        var data = response.Data(index);
        Assert.Equal("\n", Encoding.UTF8.GetString(data.AsSpan(data.Length - 1)));
        Assert.DoesNotContain((byte)'\n', data[..^1]);
        var row = JsonDocument.Parse(data).RootElement;
        Assert.Equal(pixelId, row.GetProperty("pixel_id").GetString());
        Assert.Equal(eventName, row.GetProperty("event_name").GetString());
        Assert.Equal(pageHost, row.GetProperty("page_host").GetString());
        Assert.Equal(EventRowJson.Columns, row.EnumerateObject().Select(p => p.Name));
        var keys = response.Records[index].GetProperty("metadata").GetProperty("partitionKeys");
        Assert.Equal($$"""{"year":"2020","month":"12","day":"07","hour":"{{hour}}"}""", keys.GetRawText());
    }

    [Fact]
    public async Task Ok_rows_carry_the_client_event_id_and_only_the_ip_prefix()
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        var signup = JsonDocument.Parse(response.Data(1)).RootElement;
        Assert.Equal("evt-7f3a9c", signup.GetProperty("event_id").GetString());
        Assert.Equal("https://shop.example/checkout/done", signup.GetProperty("page_url").GetString());
        Assert.Equal("198.51.100.0", signup.GetProperty("ip_prefix").GetString());
        Assert.Matches("^[0-9a-f]{32}$", signup.GetProperty("visitor_id").GetString());
        Assert.Equal("2020-12-07T20:52:05.002Z", signup.GetProperty("event_time").GetString());
        var ipv6 = Encoding.UTF8.GetString(response.Data(6));
        Assert.DoesNotContain("7334", ipv6, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.23", Encoding.UTF8.GetString(response.Data(0)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeat_of_an_event_id_in_the_batch_is_dropped_with_empty_data()
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        var retry = response.Records[2];
        Assert.Equal("Dropped", retry.GetProperty("result").GetString());
        Assert.Equal("", retry.GetProperty("data").GetString());
        Assert.False(retry.TryGetProperty("metadata", out _));
        Assert.Equal("Ok", response.Results[1]);
    }

    [Theory]
    // 17 tab-separated fields where the configuration has 18.
    [InlineData(3, "parse", "field_count")]
    // The query holds %zz, which is no percent escape.
    [InlineData(4, "parse", "bad_percent_encoding")]
    // The tag contract needs pid.
    [InlineData(5, "enrich", "missing_pixel_id")]
    public async Task Bad_lines_fail_with_the_bad_row_as_data(int index, string stage, string reason)
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        Assert.Equal("ProcessingFailed", response.Results[index]);
        Assert.False(response.Records[index].TryGetProperty("metadata", out _));
        var bad = JsonDocument.Parse(response.Data(index)).RootElement;
        Assert.Equal(EventRowJson.BadRowColumns, bad.EnumerateObject().Select(p => p.Name));
        Assert.Equal(stage, bad.GetProperty("stage").GetString());
        Assert.Equal(reason, bad.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(bad.GetProperty("message").GetString()));
        Assert.StartsWith("1607374", bad.GetProperty("raw").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_records_hold_the_client_ip_prefix_never_the_full_address()
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        foreach (var index in new[] { 3, 4, 5 })
        {
            var data = Encoding.UTF8.GetString(response.Data(index));
            Assert.Contains(IpPrefix, data, StringComparison.Ordinal);
            Assert.DoesNotContain(FullIp, data, StringComparison.Ordinal);
        }

        // Record 5 also names the client in x-forwarded-for.
        var raw = JsonDocument.Parse(response.Data(5)).RootElement.GetProperty("raw").GetString()!;
        Assert.Equal(2, raw.Split('\t').Count(field => field == IpPrefix));
    }

    [Fact]
    public async Task Response_reads_back_through_the_firehose_response_type_with_the_exact_result_strings()
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        var typed = JsonSerializer.Deserialize(response.Json, LambdaJsonContext.Default.FirehoseTransformationResponse)!;
        var written = JsonSerializer.SerializeToUtf8Bytes(typed, LambdaJsonContext.Default.FirehoseTransformationResponse);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(response.Json), JsonNode.Parse(written)), Encoding.UTF8.GetString(written));
        Assert.Equal(
            [FirehoseRecordResult.Ok, FirehoseRecordResult.Ok, FirehoseRecordResult.Dropped, FirehoseRecordResult.ProcessingFailed, FirehoseRecordResult.ProcessingFailed, FirehoseRecordResult.ProcessingFailed, FirehoseRecordResult.Ok],
            typed.Records.Select(r => r.Result));
        Assert.All(response.Results, result => Assert.Contains(result, (string[])["Ok", "Dropped", "ProcessingFailed"]));
        Assert.Equal(response.Json.Length, FirehoseResponseSize.Of(typed));
    }

    [Theory]
    // One LF or CRLF ends the line; the row is the same either way.
    [InlineData("", "Ok")]
    [InlineData("\n", "Ok")]
    [InlineData("\r\n", "Ok")]
    // Only one newline is taken off: the second makes the last field (asn) "16509\n", not a number.
    [InlineData("\n\n", "ProcessingFailed")]
    public async Task One_trailing_newline_is_taken_off_the_line(string ending, string result)
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.FirehoseEventJson(Some.RealtimeLogLine() + ending));

        Assert.Equal(result, response.Results[0]);
    }

    [Fact]
    public async Task With_the_forward_settings_events_on_a_blocked_or_not_allowed_domain_are_stored_with_a_note()
    {
        var time = new FakeTimeProvider(Some.Now);
        var environment = new FakeEnvironment(
            (EnrichHandler.SecretVariable, Enrichers.SecretBase64),
            (ForwardHandler.ConfigVariable, """{"domains":{"allow":["*.example.com"],"block":["staging.example.com"]}}"""));
        var handler = EnrichHandler.Create(new LambdaInitContext(HandlerNames.Enrich, environment, time, new LambdaLogger(TextWriter.Null, time)));
        var lines = new[] { "staging.example.com", "shop.example.com", "elsewhere.test" }
            .Select(host => Some.RealtimeLogLine((RealtimeLogField.UriQuery, $"pid=px1&e=pageview&eid=e-{host}&url=https%253A%252F%252F{host}%252F")))
            .ToArray();

        var response = await InvokeAsync(handler, Some.FirehoseEventJson(lines));

        Assert.Equal(["Ok", "Ok", "Ok"], response.Results);
        var notes = response.Records.Select(r => JsonDocument.Parse(r.GetProperty("data").GetBytesFromBase64()).RootElement.GetProperty("notes")).ToArray();
        Assert.Equal(ForwardRouter.DomainBlockedNote, notes[0].GetString());
        Assert.Equal(JsonValueKind.Null, notes[1].ValueKind);
        Assert.Equal(ForwardRouter.DomainNotAllowedNote, notes[2].GetString());
    }

    [Fact]
    public async Task Event_ids_are_remembered_across_invocations_for_the_configured_window()
    {
        var time = new FakeTimeProvider(Some.Now);
        var environment = new FakeEnvironment((EnrichHandler.SecretVariable, Enrichers.SecretBase64), (EnrichHandler.DedupWindowVariable, "60"));
        var handler = EnrichHandler.Create(new LambdaInitContext(HandlerNames.Enrich, environment, time, new LambdaLogger(TextWriter.Null, time)));
        var batch = Some.FirehoseEventJson(Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px1&e=purchase&eid=order-1001&value=49.90&cur=EUR")));

        var first = await InvokeAsync(handler, batch);
        time.Advance(TimeSpan.FromSeconds(59));
        var second = await InvokeAsync(handler, batch);
        time.Advance(TimeSpan.FromSeconds(2));
        var third = await InvokeAsync(handler, batch);

        Assert.Equal(["Ok", "Dropped", "Ok"], [first.Results[0], second.Results[0], third.Results[0]]);
    }

    [Fact]
    public async Task A_batch_whose_rows_pass_the_response_budget_fails_the_tail_and_stays_under_6_MB()
    {
        var lines = BulkLines(2500);
        var handler = Enrichers.Handler();

        var response = await InvokeAsync(handler, Some.FirehoseEventJson(lines));

        Assert.InRange(response.Json.Length, EnrichHandler.DefaultResponseBudget - 10_000, EnrichHandler.DefaultResponseBudget);
        Assert.Equal(lines.Select((_, i) => $"r-{i}"), response.Records.Select(r => r.GetProperty("recordId").GetString()));
        var firstFailed = response.Results.IndexOf("ProcessingFailed");
        Assert.InRange(firstFailed, 500, lines.Length - 500);
        Assert.All(response.Results.Take(firstFailed), r => Assert.Equal("Ok", r));
        Assert.All(response.Results.Skip(firstFailed), r => Assert.Equal("ProcessingFailed", r));
        foreach (var index in new[] { firstFailed, lines.Length - 1 })
        {
            var bad = JsonDocument.Parse(response.Data(index)).RootElement;
            Assert.Equal(("enrich", EnrichHandler.BudgetReason), (bad.GetProperty("stage").GetString(), bad.GetProperty("reason").GetString()));
            Assert.Contains("lower the Firehose Lambda processor BufferSizeInMBs", bad.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(lines[index].Replace(FullIp, IpPrefix, StringComparison.Ordinal), bad.GetProperty("raw").GetString());
        }

        Assert.Contains($"{firstFailed} ok, 0 dropped, 0 failed, {lines.Length - firstFailed} budget-failed", response.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_failed_for_the_budget_are_not_remembered_so_their_replay_is_enriched()
    {
        var lines = BulkLines(2500);
        var handler = Enrichers.Handler();
        var response = await InvokeAsync(handler, Some.FirehoseEventJson(lines));
        var firstFailed = response.Results.IndexOf("ProcessingFailed");

        // Replayed from the error prefix: the failed record is new to the deduplicator, the delivered one is not.
        var replay = await InvokeAsync(handler, Some.FirehoseEventJson(lines[firstFailed], lines[firstFailed - 1]));

        Assert.Equal(["Ok", "Dropped"], replay.Results);
    }

    [Fact]
    public async Task Failure_answers_leave_the_line_out_when_even_they_do_not_fit()
    {
        var lines = BulkLines(3);
        // A failure answer takes about 1.9 KB with its line and 0.4 KB without: only the first keeps its line.
        var handler = Enrichers.Handler(budget: 3_000);

        var response = await InvokeAsync(handler, Some.FirehoseEventJson(lines));

        Assert.True(response.Json.Length <= 3_000, $"{response.Json.Length} bytes");
        Assert.Equal(["ProcessingFailed", "ProcessingFailed", "ProcessingFailed"], response.Results);
        var rows = Enumerable.Range(0, 3).Select(i => JsonDocument.Parse(response.Data(i)).RootElement).ToList();
        Assert.All(rows, row => Assert.Equal(EnrichHandler.BudgetReason, row.GetProperty("reason").GetString()));
        Assert.Equal(lines[0].Replace(FullIp, IpPrefix, StringComparison.Ordinal), rows[0].GetProperty("raw").GetString());
        Assert.Equal(["", ""], rows.Skip(1).Select(row => row.GetProperty("raw").GetString()));
        Assert.Contains("the line is omitted", rows[2].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("0 ok, 0 dropped, 0 failed, 3 budget-failed", response.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_budget_too_small_for_any_answer_fails_the_invocation_so_firehose_retries_it()
    {
        var deduplicator = new EventIdDeduplicator(TimeProvider.System);
        var batch = Some.FirehoseEventJson(BulkLines(3));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync(Enrichers.Handler(budget: 200, deduplicator: deduplicator), batch));

        Assert.Contains("BufferSizeInMBs", error.Message, StringComparison.Ordinal);
        // Nothing was remembered: a retry that has room to answer delivers every record.
        var retried = await InvokeAsync(Enrichers.Handler(deduplicator: deduplicator), batch);
        Assert.Equal(["Ok", "Ok", "Ok"], retried.Results);
    }

    [Fact]
    public async Task The_log_has_counts_and_no_event_content()
    {
        var response = await InvokeAsync(Enrichers.Handler(), Some.DataFile(Sample));

        // One line for people; the rest are the metrics' EMF lines (bare JSON objects).
        var lines = response.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => !l.StartsWith('{'));
        Assert.Contains("enrich: 7 records: 3 ok, 1 dropped, 3 failed, 0 budget-failed; user-agent cache hit rate", line, StringComparison.Ordinal);
        foreach (var content in (string[])["px1", "shop.example", "203.0.113", "198.51.100", "iPhone", "evt-7f3a9c", Enrichers.SecretBase64])
        {
            Assert.All(lines, l => Assert.DoesNotContain(content, l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_configured_field_list_is_the_layout_lines_are_read_with()
    {
        var time = new FakeTimeProvider(Some.Now);
        var environment = new FakeEnvironment((EnrichHandler.SecretVariable, Enrichers.SecretBase64), (EnrichHandler.FieldsVariable, "timestamp, c-ip, cs-user-agent, cs-uri-query"));
        var handler = EnrichHandler.Create(new LambdaInitContext(HandlerNames.Enrich, environment, time, new LambdaLogger(TextWriter.Null, time)));

        var response = await InvokeAsync(handler, Some.FirehoseEventJson(
            "1607374321.541\t198.51.100.23\tMozilla/5.0\tpid=px9&e=pageview",
            Some.RealtimeLogLine()));

        Assert.Equal(["Ok", "ProcessingFailed"], response.Results);
        Assert.Equal("px9", JsonDocument.Parse(response.Data(0)).RootElement.GetProperty("pixel_id").GetString());
        Assert.Equal("field_count", JsonDocument.Parse(response.Data(1)).RootElement.GetProperty("reason").GetString());
    }

    [Theory]
    // Not set.
    [InlineData(null, null, null, "GATEWAY_VISITOR_SECRET is not set")]
    // Not base64.
    [InlineData("not base64 at all!", null, null, "GATEWAY_VISITOR_SECRET is not valid base64")]
    // Base64 of 16 bytes: too short for HMAC-SHA256.
    [InlineData("AAECAwQFBgcICQoLDA0ODw==", null, null, "GATEWAY_VISITOR_SECRET decodes to 16 bytes")]
    // A field CloudFront does not have.
    [InlineData("ok", "timestamp,c-ip,cs-uri-query,c-city", null, "GATEWAY_RT_LOG_FIELDS is 'timestamp,c-ip,cs-uri-query,c-city': unknown real-time log field 'c-city'")]
    // Fields out of CloudFront's order.
    [InlineData("ok", "cs-uri-query,timestamp", null, "GATEWAY_RT_LOG_FIELDS is 'cs-uri-query,timestamp': real-time log field 'timestamp' comes after")]
    // Every line would lack its tag.
    [InlineData("ok", "timestamp,c-ip", null, "GATEWAY_RT_LOG_FIELDS is 'timestamp,c-ip' and lacks 'cs-uri-query'")]
    [InlineData("ok", null, "ten minutes", "GATEWAY_DEDUP_WINDOW_SECONDS is 'ten minutes'")]
    [InlineData("ok", null, "0", "GATEWAY_DEDUP_WINDOW_SECONDS is '0'")]
    [InlineData("ok", null, "86401", "GATEWAY_DEDUP_WINDOW_SECONDS is '86401'")]
    public void Bad_configuration_is_an_init_error_naming_the_variable_and_the_fix(string? secret, string? fields, string? window, string message)
    {
        var environment = new FakeEnvironment();
        environment.Set(EnrichHandler.SecretVariable, secret == "ok" ? Enrichers.SecretBase64 : secret);
        environment.Set(EnrichHandler.FieldsVariable, fields);
        environment.Set(EnrichHandler.DedupWindowVariable, window);
        var init = new LambdaInitContext(HandlerNames.Enrich, environment, TimeProvider.System, new LambdaLogger(TextWriter.Null, TimeProvider.System));

        var error = Assert.Throws<LambdaConfigurationException>(() => EnrichHandler.Create(init));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        if (message.StartsWith(EnrichHandler.SecretVariable, StringComparison.Ordinal))
        {
            Assert.Contains("openssl rand -base64 48", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_secret_that_is_not_base64_is_not_repeated_in_the_error()
    {
        const string secret = "correct-horse-battery-staple-but-not-base64!";
        var environment = new FakeEnvironment((EnrichHandler.SecretVariable, secret));
        var init = new LambdaInitContext(HandlerNames.Enrich, environment, TimeProvider.System, new LambdaLogger(TextWriter.Null, TimeProvider.System));

        var error = Assert.Throws<LambdaConfigurationException>(() => EnrichHandler.Create(init));

        Assert.DoesNotContain("horse", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_enricher_with_its_own_deduplicator_is_refused()
    {
        var enricher = new EventEnricher(Enrichers.Resources, new VisitorIds(Enrichers.Secret), new EnricherOptions { Deduplicator = new EventIdDeduplicator(TimeProvider.System) });

        var error = Assert.Throws<ArgumentException>(() => new EnrichHandler(enricher, new EventIdDeduplicator(TimeProvider.System), TimeProvider.System));

        Assert.Equal("enricher", error.ParamName);
    }

    /// <summary>Pageviews of about 1.1 KB each (a long product URL), each with its own eid, from <see cref="FullIp"/>.</summary>
    private static string[] BulkLines(int count)
    {
        var path = string.Concat(Enumerable.Range(0, 60).Select(i => $"%252Fcatalog-{i:00}"));
        return [.. Enumerable.Range(0, count).Select(i => Some.RealtimeLogLine(
            (RealtimeLogField.Timestamp, (1_607_374_321.541m + i).ToString(CultureInfo.InvariantCulture)),
            (RealtimeLogField.ClientIp, FullIp),
            (RealtimeLogField.EdgeRequestId, $"bulk-{i:x8}-ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYea=="),
            (RealtimeLogField.UriQuery, $"pid=px1&e=pageview&eid=bulk-{i}&url=https%253A%252F%252Fshop.example{path}%252Fitem-{i}")))];
    }

    private static async Task<Invocation> InvokeAsync(ILambdaHandler handler, byte[] eventJson)
    {
        var log = new StringWriter();
        var context = new LambdaContext("req-1", DateTimeOffset.UtcNow.AddMinutes(5), TimeProvider.System, new LambdaLogger(log, TimeProvider.System).ForRequest("req-1"));
        var output = await handler.HandleAsync(eventJson, context, CancellationToken.None);
        return new Invocation(output.ToArray(), log.ToString());
    }

    /// <summary>A response as Firehose reads it: raw JSON, one element per record.</summary>
    private sealed class Invocation
    {
        public Invocation(byte[] json, string log)
        {
            Json = json;
            Log = log;
            Records = [.. JsonDocument.Parse(json).RootElement.GetProperty("records").EnumerateArray().Select(e => e.Clone())];
            Results = [.. Records.Select(r => r.GetProperty("result").GetString()!)];
        }

        public byte[] Json { get; }

        public string Log { get; }

        public IReadOnlyList<JsonElement> Records { get; }

        public List<string> Results { get; }

        public byte[] Data(int index) => Records[index].GetProperty("data").GetBytesFromBase64();
    }
}
