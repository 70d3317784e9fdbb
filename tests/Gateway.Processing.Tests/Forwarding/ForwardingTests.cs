using System.Text.Json.Nodes;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>
/// The forward path end to end over real HTTP: enriched events → router → payloads → senders → the fake Conversions API
/// server (which checks every request against spec 10) and the fake webhook receiver, with faults injected.
/// </summary>
public sealed class ForwardingTests : IAsyncLifetime
{
    private const string Token = "EAAB-test-token";
    private const string HookSecret = "0123456789abcdef0123456789abcdef";
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-forward-").FullName;
    private readonly FakeTimeProvider _time = new(ForwardSamples.LineTime.AddMinutes(1));
    private readonly HttpClient _http = new();
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

    [Fact]
    public async Task Published_events_reach_meta_as_valid_requests_with_the_test_code_and_are_counted()
    {
        var metrics = new ForwardMetrics(_time);
        await using var destinations = Destinations(metrics);
        var forwarder = Forwarder(Settings(testEventCode: "TEST42"), destinations, metrics);
        var items = Enumerable.Range(0, 30).Select(i => Purchase($"o-{i}")).Append(Item("e=pageview&eid=p-1")).ToList();

        var counts = await forwarder.ForwardAsync(items);

        Assert.Equal(31, counts.Accepted);
        Assert.Empty(_meta.Violations);
        var request = Assert.Single(_meta.AcceptedRequests);
        Assert.Equal("1234567890", request.DatasetId);
        Assert.Equal("v24.0", request.Version);
        Assert.Equal("TEST42", request.TestEventCode);
        Assert.False(request.TokenInQuery);
        Assert.Equal(31, _meta.UniqueEvents.Count);
        Assert.Contains(_meta.AcceptedEvents, e => (string?)e["event_name"] == "PageView" && (string?)e["event_id"] == "p-1");
        var purchases = metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Single(r => r.EventName == "purchase");
        Assert.Equal(30, purchases.Received);
        Assert.Equal(30, purchases.Forwarded);
        Assert.Equal(1.0, purchases.SuccessRate);
    }

    [Fact]
    public async Task Throttling_server_errors_timeouts_and_resets_are_retried_until_accepted_once()
    {
        _meta.Enqueue(FakeCapiReply.Status(429));
        _meta.Enqueue(FakeCapiReply.Status(500, isTransient: true));
        _meta.Enqueue(FakeCapiReply.Timeout());
        await using var destinations = Destinations(timeoutSeconds: 1, maxAttempts: 5);
        var forwarder = Forwarder(Settings(timeoutSeconds: 1), destinations);

        var counts = await _time.RunAsync(forwarder.ForwardAsync([Purchase("o-1"), Purchase("o-2")]), TimeSpan.FromSeconds(1));

        Assert.Equal(2, counts.Accepted);
        Assert.Equal(4, _meta.Requests);
        Assert.Equal(2, _meta.UniqueEvents.Count);
        Assert.Empty(_meta.Violations);
    }

    [Fact]
    public async Task An_outage_of_ten_minutes_spills_to_disk_and_after_recovery_every_event_arrives_once()
    {
        _meta.Down = true;
        var metrics = new ForwardMetrics(_time);
        await using var destinations = Destinations(metrics);
        var forwarder = Forwarder(Settings(), destinations, metrics);
        var sent = new List<string>();
        for (var minute = 0; minute < 10; minute++)
        {
            var batch = Enumerable.Range(0, 20).Select(i => Purchase($"o-{minute}-{i}")).ToList();
            sent.AddRange(batch.Select(b => b.Row.EventId));
            var counts = await _time.RunAsync(forwarder.ForwardAsync(batch), TimeSpan.FromSeconds(1));
            Assert.Equal(20, counts.Spilled);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var sender = destinations.Get("meta")!;
        _time.Advance(sender.Breaker.MaxOpenTime);
        // While the breaker is open, batches spill without a request: far fewer requests than batches times attempts.
        Assert.InRange(_meta.RefusedWhileDown, 5, 20);
        _meta.Down = false;

        var redriven = await sender.RedriveAsync();

        Assert.Equal(200, redriven.Accepted);
        Assert.Empty(await destinations.Spill.ListAsync());
        Assert.Equal(sent.Order(StringComparer.Ordinal), _meta.UniqueEvents.Select(e => (string)e["event_id"]!).Order(StringComparer.Ordinal));
        Assert.Equal(200, _meta.AcceptedEvents.Count);
        Assert.Empty(_meta.Violations);
        Assert.Equal(200, metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Sum(r => r.Forwarded));
    }

    [Fact]
    public async Task An_event_meta_rejects_goes_to_the_dead_letter_store_with_meta_s_message_and_replays_after_a_fix()
    {
        _meta.RejectEvent = e => (string?)e["event_id"] == "o-bad" ? "Invalid parameter: custom_data.value" : null;
        var metrics = new ForwardMetrics(_time);
        await using var destinations = Destinations(metrics);
        var forwarder = Forwarder(Settings(), destinations, metrics);

        var counts = await forwarder.ForwardAsync([Purchase("o-1"), Purchase("o-bad"), Purchase("o-2"), Purchase("o-3")]);

        Assert.Equal(new DeliveryCounts(3, 1, 0, 0), counts);
        var stored = (await destinations.DeadLetters.ListAsync("meta")).Single();
        var dead = Assert.Single(await destinations.DeadLetters.ReadAsync(stored));
        Assert.Equal("o-bad", dead.EventId);
        Assert.Contains("Invalid parameter: custom_data.value", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(1, metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Single().Failed);

        _meta.RejectEvent = null;
        var replayed = await destinations.Get("meta")!.ReplayAsync(stored);

        Assert.Equal(1, replayed.Accepted);
        Assert.Empty(await destinations.DeadLetters.ListAsync());
        Assert.Equal(4, _meta.UniqueEvents.Count);
    }

    [Fact]
    public async Task A_bad_token_dead_letters_the_request_whole_with_meta_s_message()
    {
        await using var destinations = Destinations(token: "wrong");
        var forwarder = Forwarder(Settings(), destinations);

        var counts = await forwarder.ForwardAsync([.. Enumerable.Range(0, 8).Select(i => Purchase($"o-{i}"))]);

        Assert.Equal(8, counts.DeadLettered);
        Assert.Equal(1, _meta.Requests);
        var dead = await destinations.DeadLetters.ReadAsync((await destinations.DeadLetters.ListAsync()).Single());
        Assert.All(dead, d => Assert.Contains("Invalid OAuth access token", d.LastError, StringComparison.Ordinal));
    }

    [Theory]
    // Each case: the hit, and why it is not forwarded.
    [InlineData("pid=1234567890&e=purchase&eid=x&url=https%253A%252F%252Fstaging.example.com%252F", DropReasons.DomainBlocked)]
    [InlineData("pid=1234567890&e=purchase&eid=x&url=https%253A%252F%252Fshop.example.org%252F", DropReasons.DomainNotAllowed)]
    [InlineData("pid=555&e=purchase&eid=x&url=https%253A%252F%252Fshop.example.com%252F", DropReasons.PixelDisabled)]
    [InlineData("pid=1234567890&e=scroll&eid=x&url=https%253A%252F%252Fshop.example.com%252F", DropReasons.EventNotPublished)]
    [InlineData("pid=42&e=purchase&eid=x&url=https%253A%252F%252Fshop.example.com%252F", DropReasons.PixelNotConfigured)]
    public async Task Events_the_rules_stop_are_not_sent_and_are_counted_as_dropped_with_the_reason(string query, string reason)
    {
        var metrics = new ForwardMetrics(_time);
        await using var destinations = Destinations(metrics);
        var forwarder = Forwarder(Settings(), destinations, metrics);

        var counts = await forwarder.ForwardAsync([Item(query, rawQuery: true)]);

        Assert.Equal(default, counts);
        Assert.Equal(0, _meta.Requests);
        var row = Assert.Single(metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
        Assert.Equal(1, row.Dropped);
        Assert.Equal(1, row.DroppedByReason[reason]);
    }

    [Fact]
    public async Task A_stale_event_is_reported_as_a_problem_and_never_fails_the_request_of_the_others()
    {
        var problems = new List<ForwardProblem>();
        await using var destinations = Destinations();
        var forwarder = Forwarder(Settings(), destinations, onProblem: problems.Add);
        var old = Purchase("o-old");
        old.Row.EventTime = _time.GetUtcNow().AddDays(-8);

        var counts = await forwarder.ForwardAsync([Purchase("o-1"), old, Purchase("o-2")]);

        Assert.Equal(2, counts.Accepted);
        var problem = Assert.Single(problems);
        Assert.Equal(DropReasons.Stale, problem.Reason);
        Assert.Equal("o-old", problem.Item!.Value.Row.EventId);
        Assert.Empty(_meta.Violations);
    }

    [Fact]
    public async Task A_webhook_gets_the_enriched_rows_signed_and_retries_a_server_error()
    {
        _hook.Enqueue(FakeCapiReply.Status(502));
        await using var destinations = Destinations();
        var forwarder = Forwarder(Settings(destinations: "\"hook\""), destinations);

        var counts = await _time.RunAsync(forwarder.ForwardAsync([Purchase("o-1"), Purchase("o-2")]), TimeSpan.FromSeconds(1));

        Assert.Equal(2, counts.Accepted);
        Assert.Equal(2, _hook.Requests);
        Assert.True(_hook.VerifySignature(HookSecret));
        Assert.Empty(_hook.Violations);
        var delivery = Assert.Single(_hook.Deliveries);
        var events = JsonNode.Parse(delivery.Body)!["events"]!.AsArray();
        Assert.Equal(["o-1", "o-2"], events.Select(e => (string)e!["event_id"]!));
        // The enriched row: our names, the address as a prefix, no contact data.
        Assert.Equal("purchase", (string?)events[0]!["event_name"]);
        Assert.Equal("198.51.100.0", (string?)events[0]!["ip_prefix"]);
        Assert.DoesNotContain("joe@example.com", delivery.BodyText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, delivery.Headers.Count(h => h.Key.StartsWith("x-gateway-", StringComparison.Ordinal) && h.Key != "x-gateway-delivery"));
    }

    private ForwardItem Purchase(string id) =>
        Item($"e=purchase&eid={id}&v=19.99&cur=EUR&em=joe%2540example.com");

    private static ForwardItem Item(string query, bool rawQuery = false) =>
        ForwardSamples.Item(rawQuery ? query : $"pid=1234567890&url=https%253A%252F%252Fshop.example.com%252Fcheckout&{query}");

    private string Settings(string? testEventCode = null, int timeoutSeconds = 10, string destinations = "\"meta\"") => $$"""
        {
          "pixels": [
            { "id": "1234567890", "destinations": [{{destinations}}], "events": { "purchase": "Purchase", "pageview": "PageView" } },
            { "id": "555", "enabled": false, "destinations": ["meta"] }
          ],
          "domains": { "allow": ["*.example.com"], "block": ["staging.example.com"] },
          "destinations": [
            { "name": "meta", "type": "meta", "accessToken": { "env": "UNUSED" }, "endpoint": "{{_meta.Endpoint}}", "timeoutSeconds": {{timeoutSeconds}}{{(testEventCode is null ? "" : $", \"testEventCode\": \"{testEventCode}\"")}} },
            { "name": "hook", "type": "webhook", "url": "{{_hook.Endpoint}}", "secret": "{{HookSecret}}" }
          ]
        }
        """;

    private ForwardDestinations Destinations(ForwardMetrics? metrics = null, string token = Token, int timeoutSeconds = 10, int maxAttempts = 4) =>
        new(_http, new FileDeliveryStore(Path.Combine(_root, "dlq"), _time), new FileDeliveryStore(Path.Combine(_root, "spill"), _time),
            secret => secret.Environment == "UNUSED" ? token : secret.Value,
            new SenderOptions { MaxAttempts = maxAttempts }, metrics, _time, runRedrive: false);

    private Forwarder Forwarder(string json, ForwardDestinations destinations, ForwardMetrics? metrics = null, Action<ForwardProblem>? onProblem = null)
    {
        var settings = ForwardSettingsJson.Parse(json);
        destinations.Apply(settings);
        var router = new ForwardRouter(settings);
        return new Forwarder(() => router, destinations, metrics, _time) { OnProblem = onProblem };
    }
}
