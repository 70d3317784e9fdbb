using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>
/// The fake Conversions API refuses what spec 10 says Meta refuses and scripts outages; the fake webhook receiver
/// checks the X-Gateway-Signature scheme. Both proven with hand-written requests over plain HttpClient, so the fakes
/// are trusted before a production client is tested against them.
/// </summary>
public sealed class FakeCapiServerTests : IAsyncLifetime
{
    private const string Token = "EAAB-fake-token";
    private const string Dataset = "1234567890";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private FakeCapiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeCapiServer.StartAsync(Token, _clock);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_batch_is_accepted_and_recorded()
    {
        var (status, reply) = await PostAsync(Body([WebsiteEvent("Purchase", "e-1"), WebsiteEvent("AddToCart", "e-2")], testEventCode: "TEST123"), _server.EventsUri(Dataset, "v22.0"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, (int)reply["events_received"]!);
        Assert.Empty(reply["messages"]!.AsArray());
        Assert.False(string.IsNullOrEmpty((string?)reply["fbtrace_id"]));
        Assert.Empty(_server.Violations);
        var request = Assert.Single(_server.AcceptedRequests);
        Assert.Equal(("v22.0", Dataset, "TEST123", 2, false), (request.Version, request.DatasetId, request.TestEventCode, request.BatchSize, request.TokenInQuery));
        Assert.Equal(["Purchase", "AddToCart"], _server.AcceptedEvents.Select(e => (string)e["event_name"]!));
    }

    [Fact]
    public async Task Events_other_than_website_need_neither_a_source_url_nor_a_user_agent()
    {
        var phoneCall = WebsiteEvent();
        phoneCall["action_source"] = "phone_call";
        phoneCall.Remove("event_source_url");
        phoneCall["user_data"]!.AsObject().Remove("client_user_agent");

        var (status, _) = await PostAsync(Body([phoneCall]));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task One_stale_event_fails_the_whole_request_with_subcode_2804004()
    {
        var stale = WebsiteEvent("Purchase", "old", _clock.GetUtcNow() - TimeSpan.FromDays(8));

        var (status, reply) = await PostAsync(Body([WebsiteEvent("Purchase", "fresh"), stale]));

        AssertGraphError(status, reply, 400, 100, FakeCapiServer.StaleEventSubcode);
        Assert.Contains("event_time", (string)reply["error"]!["message"]!, StringComparison.Ordinal);
        Assert.Empty(_server.AcceptedEvents);
        Assert.StartsWith("data[1].event_time", Assert.Single(_server.Violations), StringComparison.Ordinal);
    }

    [Theory]
    // Inside the window by a second, judged on the fake's clock (the system clock would call every one of these stale).
    [InlineData("website", 7 * 86400 - 1, true)]
    [InlineData("website", 7 * 86400 + 1, false)]
    // Spec 10: physical_store events may be up to 62 days old.
    [InlineData("physical_store", 62 * 86400 - 1, true)]
    [InlineData("physical_store", 62 * 86400 + 1, false)]
    // Up to 10 minutes of clock skew into the future.
    [InlineData("website", -600, true)]
    [InlineData("website", -601, false)]
    public async Task Event_time_must_fall_in_the_window_around_the_server_s_clock(string actionSource, int ageSeconds, bool accepted)
    {
        var e = WebsiteEvent(at: _clock.GetUtcNow() - TimeSpan.FromSeconds(ageSeconds));
        e["action_source"] = actionSource;

        var (status, reply) = await PostAsync(Body([e]));

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, status);
        Assert.Equal(accepted, _server.Violations.Count == 0);
        Assert.Equal(accepted ? 1 : 0, _server.AcceptedEvents.Count);
        if (!accepted)
        {
            Assert.Contains("event_time", (string)reply["error"]!["message"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_website_event_without_client_user_agent_is_refused()
    {
        var e = WebsiteEvent();
        e["user_data"]!.AsObject().Remove("client_user_agent");

        var (status, reply) = await PostAsync(Body([e]));

        AssertGraphError(status, reply, 400, 100, FakeCapiServer.InvalidParameterSubcode);
        Assert.Equal("data[0].user_data.client_user_agent: required for website events", Assert.Single(_server.Violations));
    }

    [Fact]
    public async Task An_unhashed_email_is_refused()
    {
        var e = WebsiteEvent();
        e["user_data"]!["em"] = "joe@example.com";

        var (status, reply) = await PostAsync(Body([e]));

        AssertGraphError(status, reply, 400, 100, FakeCapiServer.InvalidParameterSubcode);
        Assert.StartsWith("data[0].user_data.em: ", Assert.Single(_server.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hashed_client_ip_address_is_refused()
    {
        var e = WebsiteEvent();
        e["user_data"]!["client_ip_address"] = Hash("203.0.113.7");

        var (status, reply) = await PostAsync(Body([e]));

        AssertGraphError(status, reply, 400, 100, FakeCapiServer.InvalidParameterSubcode);
        Assert.StartsWith("data[0].user_data.client_ip_address: ", Assert.Single(_server.Violations), StringComparison.Ordinal);
    }

    [Theory]
    // A hash in upper case: Meta wants lower-case hex.
    [InlineData("user_data.em", "\"2481F36DFC515CA76451AAADF1399026942A01EE50C6D0A61988B43CEF039BC2\"", "user_data.em: ")]
    // One unhashed value in an array of phone numbers.
    [InlineData("user_data.ph", "[\"2481f36dfc515ca76451aaadf1399026942a01ee50c6d0a61988b43cef039bc2\", \"+16505551212\"]", "user_data.ph: ")]
    [InlineData("user_data.external_id", "\"user-42\"", "user_data.external_id: ")]
    [InlineData("user_data.client_ip_address", "\"1\"", "user_data.client_ip_address: ")]
    [InlineData("user_data.client_user_agent", "\"2481f36dfc515ca76451aaadf1399026942a01ee50c6d0a61988b43cef039bc2\"", "user_data.client_user_agent: ")]
    [InlineData("user_data.fbp", "\"1234567890\"", "user_data.fbp: ")]
    [InlineData("user_data.fbc", "\"fb.1.1735732800000.\"", "user_data.fbc: ")]
    [InlineData("user_data.email", "\"2481f36dfc515ca76451aaadf1399026942a01ee50c6d0a61988b43cef039bc2\"", "user_data.email: unknown user_data field")]
    [InlineData("user_data", null, "user_data: missing or not an object")]
    [InlineData("event_name", "\"\"", "event_name: ")]
    // Milliseconds instead of seconds land far in the future.
    [InlineData("event_time", "1735732800000", "event_time: ")]
    [InlineData("event_time", "\"1735732800\"", "event_time: ")]
    [InlineData("event_time", "1735732800.5", "event_time: ")]
    [InlineData("event_id", "42", "event_id: not a string")]
    [InlineData("action_source", null, "action_source: ")]
    [InlineData("action_source", "\"web\"", "action_source: ")]
    [InlineData("event_source_url", "\"/checkout\"", "event_source_url: ")]
    [InlineData("event_source_url", "\"ftp://shop.example/checkout\"", "event_source_url: ")]
    [InlineData("event_source_url", null, "event_source_url: required for website events")]
    [InlineData("custom_data.value", "\"12.50\"", "custom_data.value: ")]
    [InlineData("custom_data.currency", "\"EURO\"", "custom_data.currency: ")]
    [InlineData("pixel_id", "\"1234567890\"", "pixel_id: unknown event field")]
    public async Task An_event_breaking_a_rule_fails_the_request_and_the_rule_is_recorded(string path, string? json, string violation)
    {
        var e = WebsiteEvent();
        Set(e, path, json);

        var (status, reply) = await PostAsync(Body([WebsiteEvent("Lead", "fine"), e]));

        AssertGraphError(status, reply, 400, 100, FakeCapiServer.InvalidParameterSubcode);
        // The bad event is the second of the batch; the first is fine and is refused with it.
        Assert.StartsWith("data[1]." + violation, Assert.Single(_server.Violations), StringComparison.Ordinal);
        Assert.Empty(_server.AcceptedEvents);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    [InlineData(0, false)]
    public async Task A_request_carries_1_to_1000_events(int count, bool accepted)
    {
        var events = Enumerable.Range(0, count).Select(i => WebsiteEvent("PageView", $"e-{i}")).ToArray();

        var (status, reply) = await PostAsync(Body(events));

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.BadRequest, status);
        Assert.Equal(accepted ? count : 0, _server.AcceptedEvents.Count);
        if (!accepted)
        {
            AssertGraphError(status, reply, 400, 100, FakeCapiServer.InvalidParameterSubcode);
            Assert.Equal($"data: {count} events; a request carries 1 to 1000", Assert.Single(_server.Violations));
        }
    }

    [Fact]
    public async Task A_wrong_access_token_is_refused_with_code_190()
    {
        var body = Body([WebsiteEvent()]);
        body["access_token"] = "EAAB-someone-else";

        var (status, reply) = await PostAsync(body);

        AssertGraphError(status, reply, 400, 190, null);
        Assert.Equal(FakeCapiServer.InvalidTokenMessage, (string)reply["error"]!["message"]!);
        Assert.Single(_server.Violations);
        Assert.Empty(_server.AcceptedEvents);
    }

    [Fact]
    public async Task The_access_token_may_come_in_the_query_string_and_the_request_says_so()
    {
        var body = Body([WebsiteEvent()]);
        body.Remove("access_token");

        var (status, _) = await PostAsync(body, new Uri(_server.EventsUri(Dataset) + "?access_token=" + Token));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(Assert.Single(_server.AcceptedRequests).TokenInQuery);
    }

    [Theory]
    [InlineData("GET", "v21.0/1234567890/events", "application/json", "{}", 100, "method GET")]
    // The version needs a minor number, the dataset id is digits, the edge is /events.
    [InlineData("POST", "v21/1234567890/events", "application/json", "{}", 2500, "path '/v21/1234567890/events'")]
    [InlineData("POST", "v21.0/pixel-1/events", "application/json", "{}", 2500, "path ")]
    [InlineData("POST", "v21.0/1234567890/event", "application/json", "{}", 2500, "path ")]
    [InlineData("POST", "v21.0/1234567890/events", "application/x-www-form-urlencoded", "{}", 100, "Content-Type ")]
    [InlineData("POST", "v21.0/1234567890/events", "application/json", "[]", 100, "body: not a JSON object")]
    [InlineData("POST", "v21.0/1234567890/events", "application/json", "{\"data\":", 100, "body: not JSON")]
    public async Task A_request_that_is_not_a_json_post_to_an_events_edge_is_refused(string method, string path, string contentType, string body, int graphCode, string violation)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_server.Endpoint, path));
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await _http.SendAsync(request);

        var reply = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(graphCode, (int)reply["error"]!["code"]!);
        Assert.StartsWith(violation, Assert.Single(_server.Violations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enqueued_429_answers_the_next_request_then_requests_are_processed_normally()
    {
        _server.Enqueue(FakeCapiReply.Status(429));

        var (throttled, error) = await PostAsync(Body([WebsiteEvent()]));
        var (retried, _) = await PostAsync(Body([WebsiteEvent()]));

        AssertGraphError(throttled, error, 429, 4, null);
        Assert.Equal("Application request limit reached", (string)error["error"]!["message"]!);
        Assert.Equal(HttpStatusCode.OK, retried);
        Assert.Equal(2, _server.Requests);
        Assert.Single(_server.AcceptedRequests);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task An_enqueued_transient_500_answers_as_many_requests_as_asked()
    {
        _server.Enqueue(FakeCapiReply.Status(500, isTransient: true), times: 2);

        var statuses = new List<HttpStatusCode>();
        JsonObject? firstError = null;
        for (var i = 0; i < 3; i++)
        {
            var (status, reply) = await PostAsync(Body([WebsiteEvent()]));
            statuses.Add(status);
            firstError ??= reply;
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
        Assert.Equal(1, (int)firstError!["error"]!["code"]!);
        Assert.Equal("An unknown error occurred", (string)firstError["error"]!["message"]!);
        Assert.True((bool)firstError["error"]!["is_transient"]!);
        Assert.Single(_server.AcceptedRequests);
    }

    [Fact]
    public async Task While_down_every_request_gets_503_and_setting_it_back_restores_service()
    {
        _server.Down = true;
        var (first, error) = await PostAsync(Body([WebsiteEvent()]));
        var (second, _) = await PostAsync(Body([WebsiteEvent()]));
        _server.Down = false;
        var (after, _) = await PostAsync(Body([WebsiteEvent()]));

        AssertGraphError(first, error, 503, 2, null);
        Assert.True((bool)error["error"]!["is_transient"]!);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second);
        Assert.Equal(HttpStatusCode.OK, after);
        Assert.Equal(2, _server.RefusedWhileDown);
        Assert.Single(_server.AcceptedRequests);
    }

    [Fact]
    public async Task A_timeout_holds_the_request_until_the_client_gives_up()
    {
        _server.Enqueue(FakeCapiReply.Timeout());
        using var giveUp = new CancellationTokenSource();

        var held = PostAsync(Body([WebsiteEvent()]), cancel: giveUp.Token);
        await EventuallyAsync(() => _server.HeldRequests == 1, "the request is held");
        await Task.Delay(200);
        Assert.False(held.IsCompleted, "the held request was answered");
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held);
        await EventuallyAsync(() => _server.AbandonedRequests == 1 && _server.HeldRequests == 0, "the server sees the client give up");
        Assert.Empty(_server.AcceptedRequests);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Body([WebsiteEvent()]))).Status);
    }

    [Fact]
    public async Task A_timeout_with_a_delay_answers_late_and_normally()
    {
        _server.Enqueue(FakeCapiReply.Timeout(TimeSpan.FromMilliseconds(300)));

        var watch = Stopwatch.StartNew();
        var (status, _) = await PostAsync(Body([WebsiteEvent()]));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(250), $"answered after {watch.Elapsed}");
        Assert.Single(_server.AcceptedRequests);
    }

    [Fact]
    public async Task A_reset_drops_the_connection_without_an_answer()
    {
        _server.Enqueue(FakeCapiReply.Reset());

        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(Body([WebsiteEvent()])));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Body([WebsiteEvent()]))).Status);
        Assert.Equal(2, _server.Requests);
        Assert.Single(_server.AcceptedRequests);
    }

    [Fact]
    public async Task One_event_rejected_by_the_hook_fails_the_whole_batch()
    {
        _server.RejectEvent = e => (string?)e["event_name"] == "Lead" ? "Invalid parameter: lead events are not enabled" : null;

        var (status, reply) = await PostAsync(Body([WebsiteEvent("Purchase", "p"), WebsiteEvent("Lead", "l")]));

        AssertGraphError(status, reply, 400, 100, null);
        Assert.Equal("Invalid parameter: lead events are not enabled", (string)reply["error"]!["message"]!);
        Assert.Empty(_server.AcceptedEvents);
        Assert.Empty(_server.Violations);
    }

    [Fact]
    public async Task Unique_events_drop_later_copies_with_the_same_event_name_and_event_id()
    {
        var first = WebsiteEvent("Purchase", "order-1");
        first["custom_data"]!["value"] = 1;
        var copy = WebsiteEvent("Purchase", "order-1");
        copy["custom_data"]!["value"] = 2;
        var laterCopy = WebsiteEvent("Purchase", "order-1");
        laterCopy["custom_data"]!["value"] = 3;

        await PostAsync(Body([first, copy, WebsiteEvent("Lead", "order-1"), WebsiteEvent("PageView", null), WebsiteEvent("PageView", null)]));
        await PostAsync(Body([laterCopy]));

        Assert.Equal(6, _server.AcceptedEvents.Count);
        Assert.Equal(
            ["Purchase/order-1/1", "Lead/order-1/12.5", "PageView//12.5", "PageView//12.5"],
            _server.UniqueEvents.Select(e => $"{e["event_name"]}/{e["event_id"]}/{e["custom_data"]!["value"]}"));
    }

    [Fact]
    public async Task A_copy_arriving_after_the_48_hour_window_counts_again()
    {
        await PostAsync(Body([WebsiteEvent("Purchase", "order-1")]));
        _clock.Advance(TimeSpan.FromHours(47));
        await PostAsync(Body([WebsiteEvent("Purchase", "order-1")]));
        _clock.Advance(TimeSpan.FromHours(2));
        await PostAsync(Body([WebsiteEvent("Purchase", "order-1")]));

        Assert.Equal(3, _server.AcceptedEvents.Count);
        Assert.Equal(2, _server.UniqueEvents.Count);
    }

    [Fact]
    public async Task The_webhook_signature_is_accepted_for_the_signed_body_and_refused_for_a_tampered_one()
    {
        await using var webhook = await FakeWebhookServer.StartAsync();
        const string Secret = "whsec-test";
        var body = """{"event":"Purchase","value":12.5}"""u8.ToArray();
        var signature = FakeWebhookServer.Sign(Secret, 1735732800, body);
        // HMAC-SHA256("whsec-test", "1735732800." + body), computed independently of the fake.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("whsec-test"u8, [.. "1735732800."u8, .. body]));
        Assert.Equal(expected, signature);

        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(webhook, body, "1735732800", signature));
        Assert.True(webhook.VerifySignature(Secret));
        Assert.False(webhook.VerifySignature("another-secret"));

        var tampered = """{"event":"Purchase","value":99.5}"""u8.ToArray();
        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(webhook, tampered, "1735732800", signature));
        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(webhook, body, "1735732801", signature));

        Assert.Equal([true, false, false], webhook.Deliveries.Select(d => d.HasValidSignature(Secret)));
        Assert.False(webhook.VerifySignature(Secret));
        Assert.Equal("1735732800", webhook.Deliveries[0].Headers["x-gateway-timestamp"]);
        Assert.Equal(body, webhook.Deliveries[0].Body);
    }

    [Fact]
    public async Task The_webhook_fake_scripts_outages_and_refuses_what_is_not_a_json_post()
    {
        await using var webhook = await FakeWebhookServer.StartAsync();
        var body = """{"event":"Purchase"}"""u8.ToArray();

        webhook.Down = true;
        var whileDown = await PostWebhookAsync(webhook, body, "1", "sha256=0");
        webhook.Down = false;
        webhook.Enqueue(FakeCapiReply.Status(502));
        var queued = await PostWebhookAsync(webhook, body, "1", "sha256=0");
        var normal = await PostWebhookAsync(webhook, body, "1", "sha256=0");
        var notJson = await PostWebhookAsync(webhook, "event=Purchase"u8.ToArray(), "1", "sha256=0", "text/plain");

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadGateway, HttpStatusCode.OK, HttpStatusCode.UnsupportedMediaType], [whileDown, queued, normal, notJson]);
        Assert.Equal(1, webhook.RefusedWhileDown);
        Assert.Equal(4, webhook.Requests);
        Assert.Single(webhook.Deliveries);
        Assert.StartsWith("Content-Type 'text/plain'", Assert.Single(webhook.Violations), StringComparison.Ordinal);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static JsonObject Body(JsonObject[] events, string? testEventCode = null)
    {
        var body = new JsonObject { ["data"] = new JsonArray([.. events]), ["access_token"] = Token };
        if (testEventCode is not null)
        {
            body["test_event_code"] = testEventCode;
        }

        return body;
    }

    /// <summary>Sets (or, for null, removes) the value at a dotted path inside an event.</summary>
    private static void Set(JsonObject e, string path, string? json)
    {
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(e, (node, key) => node[key]!.AsObject());
        if (json is null)
        {
            Assert.True(parent.Remove(parts[^1]), $"{path} is not in the event");
        }
        else
        {
            parent[parts[^1]] = JsonNode.Parse(json);
        }
    }

    private static void AssertGraphError(HttpStatusCode status, JsonObject reply, int httpStatus, int code, int? subcode)
    {
        Assert.Equal(httpStatus, (int)status);
        var error = reply["error"]!.AsObject();
        Assert.Equal("OAuthException", (string)error["type"]!);
        Assert.Equal(code, (int)error["code"]!);
        Assert.Equal(subcode, (int?)error["error_subcode"]);
        Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        Assert.False(string.IsNullOrEmpty((string?)error["fbtrace_id"]));
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>A website event <paramref name="at"/> (default: a minute before the fake's clock) with every user_data kind.</summary>
    private JsonObject WebsiteEvent(string name = "Purchase", string? id = "e-1", DateTimeOffset? at = null)
    {
        var e = new JsonObject
        {
            ["event_name"] = name,
            ["event_time"] = (at ?? _clock.GetUtcNow() - TimeSpan.FromMinutes(1)).ToUnixTimeSeconds(),
            ["action_source"] = "website",
            ["event_source_url"] = "https://shop.example/checkout?step=2",
            ["user_data"] = new JsonObject
            {
                ["em"] = Hash("joe@example.com"),
                ["ph"] = new JsonArray(Hash("16505551212"), Hash("442079460958")),
                ["country"] = Hash("de"),
                ["external_id"] = Hash("user-42"),
                ["client_ip_address"] = "2001:db8::7",
                ["client_user_agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
                ["fbp"] = "fb.1.1735732800000.1234567890.AQ",
                ["fbc"] = "fb.1.1735732800000.IwAR2xYz",
            },
            ["custom_data"] = new JsonObject { ["value"] = 12.5, ["currency"] = "EUR" },
        };
        if (id is not null)
        {
            e["event_id"] = id;
        }

        return e;
    }

    private async Task<(HttpStatusCode Status, JsonObject Reply)> PostAsync(JsonObject body, Uri? uri = null, CancellationToken cancel = default)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(uri ?? _server.EventsUri(Dataset), content, cancel);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel))!);
    }

    private async Task<HttpStatusCode> PostWebhookAsync(FakeWebhookServer webhook, byte[] body, string timestamp, string signature, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(webhook.Endpoint, "hooks/conversions?source=test"));
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Add(FakeWebhookServer.TimestampHeader, timestamp);
        request.Headers.Add(FakeWebhookServer.SignatureHeader, signature);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }
}
