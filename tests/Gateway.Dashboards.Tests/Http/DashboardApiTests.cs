using System.Net;
using System.Text.Json;
using Gateway.Dashboards.Http;
using Gateway.Dashboards.Live;
using Gateway.Dashboards.Tests.Live;
using Gateway.Processing.Forwarding;

namespace Gateway.Dashboards.Tests.Http;

/// <summary>The dashboard's routes over real HTTP: auth on every route, the login flow, and each API's answer.</summary>
public sealed class DashboardApiTests
{
    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    [Fact]
    public async Task Every_route_refuses_a_request_without_the_token_except_the_login_form_and_the_assets()
    {
        await using var host = await DashboardHost.StartAsync(DashboardFeed.Open(null, out _));
        using var anonymous = host.Client(withToken: false);
        using var wrong = host.Client(withToken: false);
        wrong.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DashboardHost.Token + "x");
        var routes = host.Endpoints.Select(e => (Pattern: e.RoutePattern.RawText!, Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods)).ToList();
        Assert.Equal(9, routes.Count);

        foreach (var (pattern, methods) in routes)
        {
            var path = pattern.Replace("{name}", "dashboard.js", StringComparison.Ordinal);
            foreach (var client in new[] { anonymous, wrong })
            {
                using var request = new HttpRequestMessage(new HttpMethod(methods[0]), path);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (path.StartsWith("/api/", StringComparison.Ordinal))
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                    Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                    Assert.Contains("/dashboard/login", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }
                else if (path == "/dashboard" || path == "/dashboard/logout")
                {
                    Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
                    Assert.Equal("/dashboard/login", response.Headers.Location!.OriginalString);
                }
                else if (path == "/dashboard/login" && methods[0] == "POST")
                {
                    // An empty post is not a login form.
                    Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
                }
                else
                {
                    // The login form and the static files hold no data.
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
            }
        }
    }

    [Fact]
    public async Task The_login_form_sets_a_session_cookie_that_opens_the_page_and_the_api()
    {
        await using var host = await DashboardHost.StartAsync(DashboardFeed.Open(null, out _));
        using var client = host.Client(withToken: false);

        using var wrong = await client.PostAsync("/dashboard/login", new FormUrlEncodedContent([KeyValuePair.Create("token", "not-it")]));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That is not the admin token", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var right = await client.PostAsync("/dashboard/login", new FormUrlEncodedContent([KeyValuePair.Create("token", DashboardHost.Token)]));
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Equal("/dashboard", right.Headers.Location!.OriginalString);
        var setCookie = right.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith(DashboardAuth.CookieName + "=v1.", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(DashboardHost.Token, setCookie, StringComparison.Ordinal);

        var cookie = setCookie.Split(';')[0];
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard");
        page.Headers.Add("Cookie", cookie);
        using var pageResponse = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, pageResponse.StatusCode);
        Assert.Contains("default-src 'self'", pageResponse.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<html", await pageResponse.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/recent");
        api.Headers.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(api)).StatusCode);

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/recent");
        forged.Headers.Add("Cookie", cookie[..^3] + "abc");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(forged)).StatusCode);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("Origin", "null", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "cross-site", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "same-site", HttpStatusCode.Forbidden)]
    [InlineData("Sec-Fetch-Site", "same-origin", HttpStatusCode.SeeOther)]
    public async Task A_login_posted_from_another_site_is_refused(string header, string value, HttpStatusCode expected)
    {
        await using var host = await DashboardHost.StartAsync(DashboardFeed.Open(null, out _));
        using var client = host.Client(withToken: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login")
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("token", DashboardHost.Token)]),
        };
        request.Headers.Add(header, value);

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.SeeOther, response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Metrics_count_a_known_mix_zero_fill_the_range_and_list_the_top_values()
    {
        var feed = DashboardFeed.Open(null, out _);
        var now = DateTimeOffset.UtcNow;
        var minute = Minute(now);
        var rows = new List<Gateway.Processing.Enrichment.EventRow>();
        rows.AddRange(Enumerable.Range(0, 6).Select(i => Rows.Event("px1", now, r => r.VisitorId = $"v{i % 3}")));
        rows.AddRange(Enumerable.Range(0, 2).Select(_ => Rows.Event("px1", now, r => (r.EventName, r.Value, r.Currency) = ("purchase", 10.5, "EUR"))));
        rows.Add(Rows.Event("px1", now, r => r.IsBot = true));
        rows.Add(Rows.Event("px2", now, r => (r.Channel, r.EventName, r.IsMachineOpen) = ("email", "open", true)));
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, rows), default);
        var forward = new ForwardMetrics();
        forward.Received("px1", "purchase", 2);
        forward.Forwarded("px1", "purchase", "meta", 1);
        forward.Failed("px1", "purchase", "meta", 1);
        await using var host = await DashboardHost.StartAsync(feed, new DashboardServices { Forward = forward });
        using var client = host.Client();

        var from = minute.AddMinutes(-9).ToUnixTimeMilliseconds();
        var to = minute.AddMinutes(1).ToUnixTimeMilliseconds();
        using var all = JsonDocument.Parse(await client.GetStringAsync($"/api/metrics?from={from}&to={to}"));
        var root = all.RootElement;
        Assert.Equal("rollups", root.GetProperty("source").GetString());
        Assert.Equal(["px1", "px2"], root.GetProperty("pixels").EnumerateArray().Select(p => p.GetString()));
        var points = root.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(10, points.Count);
        Assert.All(points.Take(9), p => Assert.Equal(0, p.GetProperty("events").GetInt64()));
        var last = points[9];
        Assert.Equal(minute, DateTimeOffset.Parse(last.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(10, last.GetProperty("events").GetInt64());
        var totals = root.GetProperty("totals");
        Assert.Equal(10, totals.GetProperty("events").GetInt64());
        Assert.Equal(1, totals.GetProperty("bots").GetInt64());
        Assert.Equal(1, totals.GetProperty("machineOpens").GetInt64());
        Assert.Equal(2, totals.GetProperty("conversions").GetInt64());
        Assert.Equal(21.0, totals.GetProperty("value").GetProperty("EUR").GetDouble());
        // Three named visitors plus one random id per other row.
        Assert.Equal(3 + 4, totals.GetProperty("visitors").GetInt64());
        var names = totals.GetProperty("eventNames").EnumerateArray().Select(e => (e.GetProperty("value").GetString(), e.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([("pageview", 7L), ("purchase", 2L), ("open", 1L)], names);
        Assert.Equal("shop.example/landing", totals.GetProperty("pages")[0].GetProperty("value").GetString());
        Assert.Equal("news.example", totals.GetProperty("referrerHosts")[0].GetProperty("value").GetString());
        var forwarded = root.GetProperty("forward");
        Assert.Equal((2L, 1L, 1L), (forwarded.GetProperty("received").GetInt64(), forwarded.GetProperty("forwarded").GetInt64(), forwarded.GetProperty("failed").GetInt64()));

        using var one = JsonDocument.Parse(await client.GetStringAsync($"/api/metrics?pixel=px2&from={from}&to={to}"));
        Assert.Equal(1, one.RootElement.GetProperty("totals").GetProperty("events").GetInt64());
        Assert.Equal("px2", one.RootElement.GetProperty("pixel").GetString());

        using var bad = await client.GetAsync("/api/metrics?step=fortnight");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("step must be", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recent_events_carry_no_address_id_or_query_string()
    {
        var feed = DashboardFeed.Open(null, out _);
        var rows = Enumerable.Range(0, 5).Select(i => Rows.Event("px1", DateTimeOffset.UtcNow, r => r.EventName = $"e{i}")).ToList();
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, rows), default);
        await using var host = await DashboardHost.StartAsync(feed);
        using var client = host.Client();

        var text = await client.GetStringAsync("/api/recent?limit=3");

        using var json = JsonDocument.Parse(text);
        Assert.Equal(["e4", "e3", "e2"], json.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString()));
        foreach (var secret in rows.SelectMany(r => new[] { r.VisitorId, r.UserId!, r.IpPrefix!, r.ClickId!, r.EventId, "someone" }))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/recent?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/recent?limit={DashboardEndpoints.MaxRecent + 1}")).StatusCode);
    }

    [Fact]
    public async Task The_live_stream_ticks_every_second_and_carries_new_events()
    {
        var feed = DashboardFeed.Open(null, out _);
        await using var host = await DashboardHost.StartAsync(feed);
        using var client = host.Client();
        using var response = await client.GetAsync("/api/live?pixel=px1", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var first = await NextTickAsync(reader, timeout.Token);
        Assert.Equal(0, first.GetProperty("recent").GetArrayLength());
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, [Rows.Event("px1", DateTimeOffset.UtcNow, r => r.EventName = "purchase"), Rows.Event("px2", DateTimeOffset.UtcNow)]), default);

        JsonElement tick;
        do
        {
            tick = await NextTickAsync(reader, timeout.Token);
        }
        while (tick.GetProperty("recent").GetArrayLength() == 0);

        // Only the asked-for pixel.
        Assert.Equal("purchase", tick.GetProperty("recent").EnumerateArray().Single().GetProperty("event").GetString());
        Assert.Equal(2, tick.GetProperty("total").GetInt64());
        Assert.True(tick.GetProperty("minute").GetProperty("events").GetInt64() >= 1);
    }

    [Fact]
    public async Task Live_streams_past_the_limit_get_503()
    {
        await using var host = await DashboardHost.StartAsync(DashboardFeed.Open(null, out _), new DashboardServices { MaxLiveClients = 1 });
        using var client = host.Client();
        using var first = await client.GetAsync("/api/live", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await client.GetAsync("/api/live", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
    }

    [Fact]
    public async Task Abnormal_lists_active_alerts_with_reason_and_start()
    {
        var feed = DashboardFeed.Open(new DashboardFeedOptions { IsKnownPixel = id => id == "px1" }, out _);
        var now = DateTimeOffset.UtcNow;
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, [Rows.Event("stranger", now)]), default);
        feed.Tick(Minute(now).AddMinutes(1).Add(feed.Options.DetectorGrace));
        await using var host = await DashboardHost.StartAsync(feed);
        using var client = host.Client();

        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/abnormal"));

        var alert = json.RootElement.GetProperty("active").EnumerateArray().Single();
        Assert.Equal("unknown_pixel", alert.GetProperty("kind").GetString());
        Assert.Equal("stranger", alert.GetProperty("pixel").GetString());
        Assert.Equal("appeared", alert.GetProperty("cause").GetString());
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("end").ValueKind);
        Assert.False(string.IsNullOrEmpty(alert.GetProperty("reason").GetString()));
        Assert.Equal(Minute(now), DateTimeOffset.Parse(alert.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_page_assets_and_chart_library_are_served_from_our_origin()
    {
        await using var host = await DashboardHost.StartAsync(DashboardFeed.Open(null, out _));
        using var client = host.Client();
        foreach (var (name, type) in new[] { ("dashboard.js", "text/javascript"), ("dashboard.css", "text/css"), ("uPlot.iife.min.js", "text/javascript"), ("uPlot.min.css", "text/css") })
        {
            using var response = await client.GetAsync($"/dashboard/assets/{name}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            using var again = new HttpRequestMessage(HttpMethod.Get, $"/dashboard/assets/{name}");
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
        }

        Assert.Contains("uPlot", await client.GetStringAsync("/dashboard/assets/uPlot.iife.min.js"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/assets/login.html")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/assets/secrets.txt")).StatusCode);
    }

    private static async Task<JsonElement> NextTickAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var sawTick = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line == "event: tick")
            {
                sawTick = true;
            }
            else if (sawTick && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
            }
        }

        throw new EndOfStreamException("the live stream ended");
    }
}
