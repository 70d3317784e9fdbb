using System.Text.Json;
using Gateway.Browser.Tests.Support;
using Gateway.Tests.Shared;
using Microsoft.Playwright;

namespace Gateway.Browser.Tests;

/// <summary>The <c>/dashboard</c> page of <c>gateway up</c> in real Chromium (issue 8): login, live numbers, privacy, CSP.</summary>
public sealed class DashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    private DashboardSession? _session;

    private DashboardSession Session => _session!;

    private IPage Page => Session.Page;

    public async Task InitializeAsync() => _session = await DashboardSession.StartAsync();

    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }

    [Fact]
    public async Task After_login_a_known_mix_of_100_hits_is_on_the_page_within_2_s()
    {
        // Without a session the page sends to the login form; a wrong token keeps it there with an error.
        await Page.GotoAsync(Session.Url("/dashboard"));
        Assert.Equal("/dashboard/login", new Uri(Page.Url).AbsolutePath);
        var formBefore = await Page.GetByTestId("login-form").InnerTextAsync();
        Assert.Equal(401, await Session.SubmitLoginAsync("not-the-admin-token-0000"));
        Assert.Equal("/dashboard/login", new Uri(Page.Url).AbsolutePath);
        var formAfter = await Page.GetByTestId("login-form").InnerTextAsync();
        Assert.True(formAfter.Length > formBefore.Length, $"no error shown after a wrong token; the form reads: {formAfter}");
        Assert.DoesNotContain(await Page.Context.CookiesAsync(), c => c.Name == "gw_session");

        Assert.Equal(303, await Session.SubmitLoginAsync(Session.Token));
        Assert.Equal("/dashboard", new Uri(Page.Url).AbsolutePath);
        var cookie = Assert.Single(await Page.Context.CookiesAsync(), c => c.Name == "gw_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(Session.Token, cookie.Value, StringComparison.Ordinal);
        await Session.WaitForLiveAsync();

        // Keyboard: after the skip link, the first stop is the pixel selector.
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("Tab");
        Assert.Equal("pixel", await Page.EvaluateAsync<string>("() => document.activeElement.id"));

        var hits = Some.KnownMix();
        foreach (var hit in hits)
        {
            await Session.HitAsync(hit);
        }

        var sinceLastHit = System.Diagnostics.Stopwatch.StartNew();
        await Session.WaitForNumbersAsync(
            new Dictionary<string, double>
            {
                ["live-total"] = 100,
                ["total-events"] = 100,
                ["total-bots"] = 5,
                ["total-conversions"] = 10,
                ["human-opens"] = 10,
                ["machine-opens"] = 15,
                ["recent-count"] = 100,
            },
            TimeSpan.FromSeconds(2));
        output.WriteLine($"100 hits: on the page {sinceLastHit.ElapsedMilliseconds} ms after the last one was answered");

        // The recent table holds exactly the mix.
        var rows = await RecentRowsAsync();
        Assert.Equal(100, rows.Count);
        Assert.Equal(65, rows.Count(r => r["pixel"] == "px-a" && r["event"] == "pageview"));
        Assert.Equal(25, rows.Count(r => r["pixel"] == "px-b" && r["event"] == "open" && r["channel"] == "email"));
        Assert.Equal(10, rows.Count(r => r["pixel"] == "px-a" && r["event"] == "purchase" && r["value"].Contains("19.90", StringComparison.Ordinal)));
        Assert.Equal(5, rows.Count(r => r["bot"] == "bot"));
        Assert.Equal(15, rows.Count(r => r["open"] == "machine"));
        Assert.Equal(10, rows.Count(r => r["open"] == "person"));
        Assert.Equal(40, rows.Count(r => r["referrer"].StartsWith("news.example", StringComparison.Ordinal)));
        Assert.Equal(60, rows.Count(r => r["country"] == "DE"));

        // No IP, IP prefix, user id, click id or query string: neither in the page nor in the API behind it.
        var html = await Page.ContentAsync();
        var text = await Page.Locator("body").InnerTextAsync();
        using var recent = await Session.ApiAsync("/api/recent?limit=500");
        Assert.Equal(100, recent.RootElement.GetProperty("events").GetArrayLength());
        var secrets = PrivateValues(hits);
        foreach (var (where, content) in new[] { ("the page's HTML", html), ("the page's text", text), ("/api/recent", recent.RootElement.GetRawText()) })
        {
            var leaked = secrets.Where(s => content.Contains(s, StringComparison.Ordinal)).ToList();
            Assert.True(leaked.Count == 0, $"{where} shows {string.Join(", ", leaked)}");
        }

        // A laptop screen needs no horizontal scrolling.
        Assert.True(await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= DashboardSession.ViewportWidth, "the page scrolls sideways at 1366 px");

        // A new range refetches the metrics: value, top lists and the pixel list come from there.
        await Page.GetByLabel("Time range").SelectOptionAsync("24h");
        await Page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('[data-testid=\"top-referrers\"] tbody th')].some(th => th.textContent === 'news.example')",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 20 });
        await Session.WaitForNumbersAsync(new Dictionary<string, double> { ["total-events"] = 100, ["total-conversions"] = 10 }, TimeSpan.FromSeconds(10));
        Assert.Equal("199", await Page.Locator("[data-testid=\"total-value\"] [data-currency=\"EUR\"]").GetAttributeAsync("data-value"));
        var referrers = await TopListAsync("top-referrers");
        Assert.Equal(40, referrers["news.example"]);
        Assert.Equal(20, referrers["www.google.com"]);
        var countries = await TopListAsync("top-countries");
        Assert.Equal((60, 25, 10), (countries["DE"], countries["FR"], countries["US"]));
        var events = await TopListAsync("top-events");
        Assert.Equal((65, 25, 10), (events["pageview"], events["open"], events["purchase"]));

        // One pixel: totals, opens and the recent table follow the selector.
        var pixels = await Page.GetByLabel("Pixel").Locator("option").AllTextContentsAsync();
        Assert.Equal(["All pixels", "px-a", "px-b"], pixels);
        await Page.GetByLabel("Pixel").SelectOptionAsync("px-b");
        await Session.WaitForNumbersAsync(
            new Dictionary<string, double> { ["total-events"] = 25, ["total-bots"] = 0, ["human-opens"] = 10, ["machine-opens"] = 15, ["recent-count"] = 25 },
            TimeSpan.FromSeconds(10));

        // Back to every pixel over the last hour for the screenshot.
        await Page.GetByLabel("Pixel").SelectOptionAsync("");
        await Page.GetByLabel("Time range").SelectOptionAsync("1h");
        await Session.WaitForNumbersAsync(new Dictionary<string, double> { ["total-events"] = 100, ["recent-count"] = 100 }, TimeSpan.FromSeconds(10));
        await Page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('[data-testid=\"top-referrers\"] tbody th')].some(th => th.textContent === 'news.example')",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 20 });

        await Page.EvaluateAsync("() => document.activeElement.blur()");
        var screenshot = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(DashboardSession.ArtifactsDirectory, "dashboard.png"), screenshot);
        await File.WriteAllBytesAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, "docs", "img")).FullName, "dashboard.png"), screenshot);

        Assert.Empty(await Session.CspViolationsAsync());
        // The wrong token's 401 is the one error the browser logs by design.
        var errors = Session.ConsoleErrors
            .Where(e => !(e.Contains("status of 401", StringComparison.Ordinal) && e.Contains("/dashboard/login", StringComparison.Ordinal)))
            .ToList();
        Assert.True(errors.Count == 0, "console errors: " + string.Join(" | ", errors));
    }

    [Fact]
    public async Task Logging_out_ends_the_session()
    {
        await Page.GotoAsync(Session.Url("/dashboard/login"));
        Assert.Equal(303, await Session.SubmitLoginAsync(Session.Token));
        await Session.WaitForLiveAsync();

        await Page.GetByTestId("logout").ClickAsync();
        await Page.WaitForURLAsync(Session.Url("/dashboard/login"));
        await Page.GotoAsync(Session.Url("/dashboard"));
        Assert.Equal("/dashboard/login", new Uri(Page.Url).AbsolutePath);
    }

    private async Task<List<Dictionary<string, string>>> RecentRowsAsync()
    {
        var rows = await Page.EvaluateAsync<Dictionary<string, string>[]>(
            """
            () => [...document.querySelectorAll('[data-testid="recent-row"]')].map(row =>
              Object.fromEntries([...row.cells].map(cell => [cell.dataset.field, cell.textContent])))
            """);
        return [.. rows];
    }

    private async Task<Dictionary<string, double>> TopListAsync(string testId)
    {
        var rows = await Page.EvaluateAsync<JsonElement>(
            """
            id => [...document.querySelectorAll(`[data-testid="${id}"] tbody tr`)]
              .filter(row => row.cells.length === 3)
              .map(row => [row.cells[0].textContent, Number(row.cells[1].dataset.value)])
            """,
            testId);
        return rows.EnumerateArray().ToDictionary(r => r[0].GetString()!, r => r[1].GetDouble());
    }

    private static List<string> PrivateValues(IReadOnlyList<PixelHit> hits)
    {
        var values = new List<string> { Some.UserIdMarker, Some.QuerySecret, Some.ClickIdMarker, "127.0.0.1", "127.0.0.0" };
        foreach (var hit in hits)
        {
            values.Add(hit.ForwardedFor);
            // The /24 prefix the pipeline keeps in the lake.
            values.Add(hit.ForwardedFor[..(hit.ForwardedFor.LastIndexOf('.') + 1)] + "0");
        }

        return [.. values.Distinct()];
    }
}
