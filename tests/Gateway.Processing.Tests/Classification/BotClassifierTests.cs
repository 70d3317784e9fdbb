using System.Diagnostics;
using System.Text.Json;
using Gateway.Processing.Classification;
using Xunit.Abstractions;

namespace Gateway.Processing.Tests.Classification;

public sealed class BotClassifierTests(ITestOutputHelper output)
{
    private const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    [Theory]
    // Googlebot's desktop crawler.
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "ua:crawler-user-agents:Googlebot")]
    // Bing's crawler.
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "ua:crawler-user-agents:bingbot")]
    // Scripted clients name the tool, ahead of the crawler list which also knows some of them.
    [InlineData("curl/8.5.0", "ua:scripted:curl")]
    [InlineData("Wget/1.21.4", "ua:scripted:wget")]
    [InlineData("python-requests/2.31.0", "ua:scripted:python-requests")]
    [InlineData("Go-http-client/1.1", "ua:scripted:go-http-client")]
    [InlineData("Java/17.0.9", "ua:scripted:java")]
    [InlineData("okhttp/4.12.0", "ua:scripted:okhttp")]
    [InlineData("libwww-perl/6.72", "ua:scripted:libwww-perl")]
    [InlineData("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "ua:scripted:node-fetch")]
    [InlineData("axios/1.6.7", "ua:scripted:axios")]
    [InlineData("PostmanRuntime/7.36.1", "ua:scripted:postmanruntime")]
    // Chrome's headless mode, as Puppeteer and Playwright launch it.
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36", "ua:headless")]
    [InlineData("Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1", "ua:headless")]
    // No user agent at all, or CloudFront's "-".
    [InlineData("", "ua:empty")]
    [InlineData("   ", "ua:empty")]
    [InlineData("-", "ua:empty")]
    [InlineData(null, "ua:empty")]
    public void Bot_user_agents_are_flagged_with_their_rule(string? userAgent, string reason)
    {
        Assert.Equal(new BotVerdict(true, reason), Classifiers.Bots.Classify(userAgent));
    }

    [Theory]
    // Current desktop Chrome, iPhone Safari and Linux Firefox.
    [InlineData(Chrome)]
    [InlineData(Safari)]
    [InlineData(Firefox)]
    // Edge on Windows.
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")]
    // Chrome on Android.
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")]
    public void Browser_user_agents_are_not_bots(string userAgent)
    {
        Assert.Equal(BotVerdict.Human, Classifiers.Bots.Classify(userAgent, 3320));
    }

    [Theory]
    // AWS, Google Cloud, Azure, DigitalOcean and Hetzner.
    [InlineData(16509u)]
    [InlineData(396982u)]
    [InlineData(8075u)]
    [InlineData(14061u)]
    [InlineData(24940u)]
    public void Browser_from_a_datacenter_asn_is_a_bot(uint asn)
    {
        Assert.Equal(new BotVerdict(true, $"asn:datacenter:{asn}"), Classifiers.Bots.Classify(Chrome, asn));
    }

    [Fact]
    public void Residential_or_unknown_asn_is_not_a_bot()
    {
        // Deutsche Telekom's consumer network, then no ASN in the log line.
        Assert.False(Classifiers.Bots.Classify(Firefox, 3320).IsBot);
        Assert.False(Classifiers.Bots.Classify(Firefox, null).IsBot);
    }

    [Fact]
    public void User_agent_reason_wins_over_asn_reason()
    {
        Assert.Equal("ua:scripted:curl", Classifiers.Bots.Classify("curl/8.5.0", 16509).Reason);
    }

    [Fact]
    public void Every_example_in_crawler_user_agents_is_flagged()
    {
        // The list ships sample UAs ("instances") for its patterns: each must be caught by our compiled form of the list.
        using var document = JsonDocument.Parse(File.ReadAllText(BotClassifier.FindDefaultPatternsPath()));
        var missed = new List<string>();
        var count = 0;
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (!entry.TryGetProperty("instances", out var instances))
            {
                continue;
            }

            foreach (var instance in instances.EnumerateArray())
            {
                count++;
                if (instance.GetString() is { } ua && !Classifiers.Bots.Classify(ua).IsBot)
                {
                    missed.Add(ua);
                }
            }
        }

        Assert.True(count > 1000, $"only {count} instances read");
        Assert.Empty(missed);
    }

    [Fact]
    public void Nearly_all_crawler_patterns_compile_in_dotnet()
    {
        output.WriteLine($"compiled {Classifiers.Bots.CrawlerPatternCount}, skipped: {string.Join(" | ", Classifiers.Bots.SkippedPatterns)}");
        Assert.InRange(Classifiers.Bots.CrawlerPatternCount, 1400, 5000);
        Assert.InRange(Classifiers.Bots.SkippedPatterns.Count, 0, 10);
    }

    [Fact]
    public void Browser_classification_is_cheap_enough_to_run_per_hit()
    {
        // No timing assert (shared machines); the figure is printed so a regression is visible in the test log.
        var bots = Classifiers.Bots;
        bots.Classify(Chrome);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        const int Calls = 2000;
        var flagged = 0;
        for (var i = 0; i < Calls; i++)
        {
            flagged += bots.Classify((i % 3) switch { 0 => Chrome, 1 => Safari, _ => Firefox }).IsBot ? 1 : 0;
        }

        stopwatch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        output.WriteLine($"{stopwatch.Elapsed.TotalMicroseconds / Calls:F2} µs and {(double)allocated / Calls:F0} bytes per browser UA");
        Assert.Equal(0, flagged);
    }
}
