using System.Net;
using Gateway.EndToEnd.Support;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

/// <summary>The forward stage of <c>gateway up</c>: pixel hits → the fake Conversions API server, through an outage, never the full address.</summary>
public sealed class ForwardStageTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const string Token = "EAAB-e2e-token";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-forward-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Published_hits_reach_meta_hashed_blocked_ones_do_not_and_an_outage_is_spilled_then_delivered()
    {
        await using var meta = await FakeCapiServer.StartAsync(Token);
        File.WriteAllText(Path.Combine(_dir.FullName, "gateway.json"), $$"""
            {
              "forward": {
                "pixels": [ { "id": "1234567890", "destinations": ["meta"], "events": { "purchase": "Purchase" } } ],
                "domains": { "block": ["staging.example.com"] },
                "destinations": [ { "name": "meta", "type": "meta", "accessToken": { "env": "E2E_META_TOKEN" }, "endpoint": "{{meta.Endpoint}}", "testEventCode": "E2E" } ]
              }
            }
            """);
        string output;
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, new Dictionary<string, string> { ["E2E_META_TOKEN"] = Token }))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            // A browser's: bots are not forwarded, and a website event needs a user agent.
            http.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36");
            await HitAsync(http, "pid=1234567890&e=purchase&eid=fw-1&v=10&cur=eur&url=https%3A%2F%2Fshop.example.com%2Fdone&em=Joe%40Example.com");
            await HitAsync(http, "pid=1234567890&e=purchase&eid=fw-blocked&url=https%3A%2F%2Fstaging.example.com%2F");
            await HitAsync(http, "pid=1234567890&e=pageview&eid=fw-unpublished&url=https%3A%2F%2Fshop.example.com%2F");
            await EventuallyAsync(() => meta.UniqueEvents.Count == 1, "the purchase at the fake Conversions API");

            meta.Down = true;
            await HitAsync(http, "pid=1234567890&e=purchase&eid=fw-2&url=https%3A%2F%2Fshop.example.com%2Fdone");
            await HitAsync(http, "pid=1234567890&e=purchase&eid=fw-3&url=https%3A%2F%2Fshop.example.com%2Fdone");
            var spill = Path.Combine(_dir.FullName, "data", "forward", "spill", "meta");
            await EventuallyAsync(() => Directory.Exists(spill) && Directory.GetFiles(spill, "*.jsonl").Length > 0, "events spilled to disk while the destination is down");
            meta.Down = false;
            await EventuallyAsync(() => meta.UniqueEvents.Count == 3, "the spilled events delivered after recovery");
            await EventuallyAsync(() => Directory.GetFiles(spill, "*.jsonl").Length == 0, "the spill emptied");

            (var exitCode, output) = await gateway.StopAsync();
            Assert.Equal(0, exitCode);
        }

        Assert.Empty(meta.Violations);
        Assert.Equal(["fw-1", "fw-2", "fw-3"], meta.UniqueEvents.Select(e => (string)e["event_id"]!).Order(StringComparer.Ordinal));
        var purchase = meta.UniqueEvents.Single(e => (string?)e["event_id"] == "fw-1");
        Assert.Equal("Purchase", (string?)purchase["event_name"]);
        Assert.Equal("https://shop.example.com/done", (string?)purchase["event_source_url"]);
        Assert.Equal("127.0.0.0", (string?)purchase["user_data"]!["client_ip_address"]);
        Assert.Equal("E2E", meta.AcceptedRequests[0].TestEventCode);
        Assert.Contains("forward stage: aggregated → 1 destination(s) for 1 pixel(s)", output, StringComparison.Ordinal);
        // The token and the contact value never reach the output.
        Assert.DoesNotContain(Token, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Joe", output, StringComparison.OrdinalIgnoreCase);

        // Nothing the forward stage stores holds the full client address or the contact value.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_dir.FullName, "data", "forward"), "*", SearchOption.AllDirectories))
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("joe@example.com", text, StringComparison.OrdinalIgnoreCase);
        }

        var metrics = await File.ReadAllTextAsync(Path.Combine(_dir.FullName, "data", "forward", "metrics.json"));
        Assert.Contains("domain_blocked", metrics, StringComparison.Ordinal);
        Assert.Contains("event_not_published", metrics, StringComparison.Ordinal);

        // The blocked hit is still stored, flagged; the others carry no such note.
        await using var events = await EmbeddedStream.OpenReadOnlyAsync(Path.Combine(_dir.FullName, "data", "streams", "events"));
        var rows = (await StreamContents.ReadAllAsync(events)).Select(r => EventRowJson.Read(r.Data.Span)).ToDictionary(r => r.EventId);
        Assert.Equal(ForwardRouter.DomainBlockedNote, rows["fw-blocked"].Notes);
        Assert.DoesNotContain("not forwarded", rows["fw-1"].Notes ?? "", StringComparison.Ordinal);
        Assert.Null(rows["fw-unpublished"].Notes);
    }

    private static async Task HitAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(new Uri($"/p.gif?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Bound.TotalSeconds} s: {what}");
            await Task.Delay(50);
        }
    }
}
