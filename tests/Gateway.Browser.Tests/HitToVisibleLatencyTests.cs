using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Browser.Tests.Support;
using Microsoft.Playwright;

namespace Gateway.Browser.Tests;

/// <summary>
/// Hit → visible latency (issue 8's measurement): single pixel hits, each timed from sending the request until the
/// dashboard's live counter shows it. Reported as p50/p95 in the test output and in .artifacts/browser/latency.json;
/// only the issue's 2 s bound is asserted, since absolute times on shared machines are noise.
/// </summary>
public sealed class HitToVisibleLatencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Samples = 20;

    // Readable in the artifact: the arrow and apostrophe as themselves, not \u escapes.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private DashboardSession? _session;

    public async Task InitializeAsync() => _session = await DashboardSession.StartAsync();

    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_single_hit_shows_on_the_live_counter_within_2_s()
    {
        var session = _session!;
        await session.Page.GotoAsync(session.Url("/dashboard/login"));
        Assert.Equal(303, await session.SubmitLoginAsync(session.Token));
        await session.WaitForLiveAsync();

        var latencies = new List<double>();
        for (var i = 0; i < Samples; i++)
        {
            var shown = await session.NumberAsync("live-total");
            var stopwatch = Stopwatch.StartNew();
            await session.HitAsync(Some.Pageview(i));
            try
            {
                await session.Page.WaitForFunctionAsync(
                    "n => Number(document.querySelector('[data-testid=\"live-total\"]').dataset.value) >= n",
                    shown + 1,
                    new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = 2000 });
            }
            catch (TimeoutException)
            {
                Assert.Fail($"hit {i + 1} was not on the page within 2 s (live-total still {await session.NumberAsync("live-total")})");
            }

            latencies.Add(stopwatch.Elapsed.TotalMilliseconds);
            // Spread the hits over the phase of the once-a-second tick, so the samples do not all land at the same point of it.
            await Task.Delay(250 + (i * 377 % 1000));
        }

        var sorted = latencies.Order().ToArray();
        var p50 = Percentile(sorted, 0.50);
        var p95 = Percentile(sorted, 0.95);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hit → visible on the dashboard (live counter), {Samples} single hits: p50 {p50:F0} ms, p95 {p95:F0} ms, min {sorted[0]:F0} ms, max {sorted[^1]:F0} ms"));
        var report = new
        {
            measured = "GET /p.gif sent → the dashboard's live-total counter shows it (Chromium, polled every 5 ms)",
            samples = Samples,
            p50Ms = Math.Round(p50, 1),
            p95Ms = Math.Round(p95, 1),
            minMs = Math.Round(sorted[0], 1),
            maxMs = Math.Round(sorted[^1], 1),
            latenciesMs = latencies.Select(l => Math.Round(l, 1)).ToArray(),
            at = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
        await File.WriteAllTextAsync(Path.Combine(DashboardSession.ArtifactsDirectory, "latency.json"), JsonSerializer.Serialize(report, Indented) + "\n");

        Assert.Equal(Samples, latencies.Count);
        Assert.All(latencies, l => Assert.InRange(l, 0, 2000));
    }

    // Nearest rank: the smallest sample with at least p of the samples at or below it.
    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
