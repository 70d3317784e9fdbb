using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.EndToEnd.Support;

namespace Gateway.EndToEnd;

/// <summary>The dashboard in <c>gateway up</c>: hits reach its API, and its counts survive a clean stop and a kill -9 without double counting.</summary>
public sealed class DashboardTests : IDisposable
{
    private const string Token = "end-to-end-dashboard-token-0123";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-dashboard-");

    private static Dictionary<string, string> Environment => new()
    {
        ["GATEWAY__ADMIN__TOKEN"] = Token,
        ["GATEWAY__DASHBOARD__SNAPSHOTSECONDS"] = "1",
    };

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Hits_show_up_in_the_api_and_the_counts_survive_restarts_and_a_crash_once_each()
    {
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, Environment))
        {
            using var client = Client(gateway);
            await HitAsync(client, "px-e2e", "pageview", 6);
            await HitAsync(client, "px-e2e", "purchase", 2, "&v=12.5&cur=EUR");
            var totals = await WaitForEventsAsync(client, 8);
            Assert.Equal(2, totals.GetProperty("conversions").GetInt64());
            Assert.Equal(12.5 * 2, totals.GetProperty("value").GetProperty("EUR").GetDouble());

            using var recent = JsonDocument.Parse(await client.GetStringAsync("/api/recent"));
            Assert.Equal(8, recent.RootElement.GetProperty("events").GetArrayLength());
            Assert.DoesNotContain("127.0.0", recent.RootElement.GetRawText(), StringComparison.Ordinal);

            using var anonymous = new HttpClient { BaseAddress = gateway.BaseAddress };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/metrics")).StatusCode);
            // The pixel stays public.
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/p.gif?pid=px-e2e&e=pageview&eid=public")).StatusCode);
            await WaitForEventsAsync(client, 9);

            var (code, output) = await gateway.StopAsync();
            Assert.Equal(0, code);
            Assert.Contains("dashboard at /dashboard", output, StringComparison.Ordinal);
        }

        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, Environment))
        {
            using var client = Client(gateway);
            // Restored from the snapshot, not counted again from the streams.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(9, (await TotalsAsync(client)).GetProperty("events").GetInt64());

            await HitAsync(client, "px-e2e", "pageview", 3);
            await WaitForEventsAsync(client, 12);
            // Past a snapshot or not, a kill -9 must neither lose nor double what the streams hold.
            await gateway.KillHardAsync();
        }

        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, Environment))
        {
            using var client = Client(gateway);
            await WaitForEventsAsync(client, 12);
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(12, (await TotalsAsync(client)).GetProperty("events").GetInt64());
        }
    }

    [Fact]
    public async Task An_unusable_rollups_folder_turns_the_dashboard_off_and_the_pipeline_runs_on()
    {
        // A file where the folder should be: the snapshot can be neither read nor written.
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "data"));
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "data", "rollups"), "not a folder");
        await using var gateway = await GatewayProcess.StartAsync(_dir.FullName, Environment);
        using var client = Client(gateway);

        await HitAsync(client, "px-e2e", "pageview", 1);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/metrics")).StatusCode);
        var (code, output) = await gateway.StopAsync();

        Assert.Equal(0, code);
        Assert.Contains("dashboard off: cannot use", output, StringComparison.Ordinal);
        Assert.Contains("set dashboard.enabled to false", output, StringComparison.Ordinal);
    }

    private static HttpClient Client(GatewayProcess gateway)
    {
        var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        // A browser's: a request without a user agent is counted as a bot, and bots make no conversions.
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36");
        return client;
    }

    private static async Task HitAsync(HttpClient client, string pixel, string name, int count, string extra = "")
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync($"/p.gif?pid={pixel}&e={name}&eid={Guid.NewGuid():N}&uid=u{i}{extra}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<JsonElement> TotalsAsync(HttpClient client)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/metrics?step=hour&pixel=px-e2e"));
        return json.RootElement.GetProperty("totals").Clone();
    }

    private static async Task<JsonElement> WaitForEventsAsync(HttpClient client, long events)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var totals = await TotalsAsync(client);
            if (totals.GetProperty("events").GetInt64() >= events || DateTime.UtcNow > deadline)
            {
                Assert.Equal(events, totals.GetProperty("events").GetInt64());
                return totals;
            }

            await Task.Delay(100);
        }
    }
}
