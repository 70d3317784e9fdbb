using System.Diagnostics;
using Gateway.Edge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Edge.Tests;

/// <summary>The tag in a real browser (Debian's Chromium, installed by ./test.sh): a page on one origin, the edge on another.</summary>
public sealed class BrowserTagTests
{
    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"];

    [Fact]
    public async Task Tag_on_a_page_beacons_a_pageview_and_a_custom_event_to_the_edge()
    {
        var chromium = ChromiumPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Chromium is not installed; ./test.sh installs it (apt-get install chromium)");
        await using var edge = await EdgeHost.StartAsync();
        await using var site = await StartSiteAsync(edge.BaseAddress);
        var profile = Directory.CreateTempSubdirectory("gateway-chromium-");
        using var browser = Process.Start(new ProcessStartInfo(chromium)
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile.FullName}", site.Urls.First() + "/landing?utm_source=news",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (edge.Stream.Appended.Count < 2 && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync();
            profile.Delete(recursive: true);
        }

        var records = edge.Stream.Appended.Select(a => a.Line.Split('\t')).ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, f =>
        {
            Assert.Equal("POST", f[4]); // sendBeacon, not the image fallback
            Assert.Equal("/e", f[7]);
            Assert.Contains("pid=browser-test", f[14], StringComparison.Ordinal);
            Assert.Contains("HeadlessChrome", f[11], StringComparison.Ordinal);
        });
        var queries = records.Select(f => f[14]).ToList();
        Assert.Contains(queries, q => q.Contains("e=pageview", StringComparison.Ordinal) && q.Contains("url=http%253A%252F%252F127.0.0.1", StringComparison.Ordinal) && q.Contains("utm_source%253Dnews", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("e=purchase", StringComparison.Ordinal) && q.Contains("v=19.9", StringComparison.Ordinal) && q.Contains("cur=EUR", StringComparison.Ordinal));
    }

    private static async Task<WebApplication> StartSiteAsync(Uri edge)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var page = $$"""
            <!doctype html><html><head><title>shop</title>
            <script>window.gw = window.gw || function () { (window.gw.q = window.gw.q || []).push(arguments); };
            gw('event', 'purchase', { v: 19.9, cur: 'EUR' });</script>
            <script async src="{{edge}}gw.js" data-pid="browser-test"></script>
            </head><body>landing</body></html>
            """;
        app.MapGet("/landing", () => Results.Content(page, "text/html"));
        await app.StartAsync();
        return app;
    }
}
