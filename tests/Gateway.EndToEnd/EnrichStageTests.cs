using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.EndToEnd.Support;
using Gateway.Processing.Enrichment;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

/// <summary>The enrich stage of <c>gateway up</c>: aggregated stream → JSON rows in the embedded events and bad-rows streams.</summary>
public sealed class EnrichStageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-enrich-");

    private string Streams => Path.Combine(_dir.FullName, "data", "streams");

    [Fact]
    public async Task Pixel_hits_become_events_and_bad_rows_without_duplicates_or_full_ips()
    {
        string output;
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            await HitAsync(http, "pid=px-e2e&e=signup&eid=e2e-1&url=https%3A%2F%2Fshop.example%2Fcheckout%3Fstep%3D2");
            await HitAsync(http, "pid=px-e2e&eid=e2e-2");
            // No pid: a bad row.
            await HitAsync(http, "e=pageview&eid=e2e-3");
            // A client retry of the first hit: dropped by event id.
            await HitAsync(http, "pid=px-e2e&e=signup&eid=e2e-1&url=https%3A%2F%2Fshop.example%2Fcheckout%3Fstep%3D2");

            await WaitForAsync(events: 2, badRows: 1);
            (var exitCode, output) = await gateway.StopAsync();
            Assert.Equal(0, exitCode);
        }

        Assert.Contains("enrich stage: aggregated → events, bad-rows", output, StringComparison.Ordinal);
        Assert.Contains("visitor ids: generated a key in", output, StringComparison.Ordinal);
        // The stop drains every stage, so the repeat has been seen by now, and it was counted, not written.
        Assert.Contains("wrote 2 event(s) and 1 bad row(s), dropped 1 duplicate(s)", output, StringComparison.Ordinal);
        var events = (await ReadAsync(GatewayConfigNames.Events)).Select(r => EventRowJson.Read(r.Data.Span)).OrderBy(e => e.EventId, StringComparer.Ordinal).ToList();
        Assert.Equal(["e2e-1", "e2e-2"], events.Select(e => e.EventId));
        Assert.All(events, e => Assert.Equal("px-e2e", e.PixelId));
        Assert.Equal(["signup", "pageview"], events.Select(e => e.EventName));
        Assert.All(events, e => Assert.Equal("127.0.0.0", e.IpPrefix));
        Assert.Equal(("shop.example", "/checkout"), (events[0].PageHost, events[0].PagePath));
        Assert.Equal(32, events[0].VisitorId.Length);

        using (var badRow = JsonDocument.Parse(Assert.Single(await ReadAsync(GatewayConfigNames.BadRows)).Data))
        {
            Assert.Equal("missing_pixel_id", badRow.RootElement.GetProperty("reason").GetString());
            Assert.Contains("e=pageview&eid=e2e-3", badRow.RootElement.GetProperty("raw").GetString(), StringComparison.Ordinal);
        }

        // The full client IP is in the raw stream by design, and nowhere in what the enrich stage stores.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Streams, GatewayConfigNames.Events), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Streams, GatewayConfigNames.BadRows), "*", SearchOption.AllDirectories)))
        {
            Assert.False(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)).Contains("127.0.0.1", StringComparison.Ordinal), $"{file} holds the full client IP");
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir.FullName, "data", "secrets", "visitor-id.key")));
        }

        // A restart reuses the key file, so the same visitor keeps the same id.
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            await HitAsync(http, "pid=px-e2e&eid=e2e-4");
            await WaitForAsync(events: 3, badRows: 1);
            (_, output) = await gateway.StopAsync();
        }

        Assert.Contains("visitor ids: keyed by", output, StringComparison.Ordinal);
        var later = (await ReadAsync(GatewayConfigNames.Events)).Select(r => EventRowJson.Read(r.Data.Span)).Single(e => e.EventId == "e2e-4");
        // Anonymous ids rotate at UTC midnight by design; compare within one day.
        if (later.ReceivedTime.UtcDateTime.Date == events[1].ReceivedTime.UtcDateTime.Date)
        {
            Assert.Equal(events[1].VisitorId, later.VisitorId);
        }
    }

    [Fact]
    public async Task Stream_tail_prints_events_and_bad_rows_as_json_lines()
    {
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            await HitAsync(http, "pid=px-tail&e=purchase&v=12.5&cur=usd");
            await HitAsync(http, "e=purchase");
            await WaitForAsync(events: 1, badRows: 1);

            // Read-only, alongside the running gateway.
            var events = await TailAsync(GatewayConfigNames.Events);
            var badRows = await TailAsync(GatewayConfigNames.BadRows, "--json");

            using var row = JsonDocument.Parse(Assert.Single(events));
            Assert.Equal("px-tail", row.RootElement.GetProperty("pixel_id").GetString());
            Assert.Equal(12.5, row.RootElement.GetProperty("value").GetDouble());
            Assert.Equal("USD", row.RootElement.GetProperty("currency").GetString());
            using var record = JsonDocument.Parse(Assert.Single(badRows));
            Assert.StartsWith("shardId-", record.RootElement.GetProperty("shard").GetString(), StringComparison.Ordinal);
            Assert.Equal("missing_pixel_id", record.RootElement.GetProperty("row").GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task A_bad_visitor_secret_exits_2_naming_the_key_and_the_fix_but_not_the_value()
    {
        var (exitCode, error) = await RunUpAsync(("GATEWAY__ENRICH__VISITORSECRET", "dG9vLXNob3J0LXNlY3JldA=="));

        Assert.Equal(2, exitCode);
        Assert.Contains("enrich.visitorSecret", error, StringComparison.Ordinal);
        Assert.Contains("openssl rand -base64 48", error, StringComparison.Ordinal);
        Assert.DoesNotContain("dG9vLXNob3J0LXNlY3JldA==", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_key_file_exits_2_naming_the_file_and_the_fix()
    {
        var keyFile = Path.Combine(_dir.FullName, "data", "secrets", "visitor-id.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        await File.WriteAllTextAsync(keyFile, "truncated");

        var (exitCode, error) = await RunUpAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(keyFile, error, StringComparison.Ordinal);
        Assert.Contains("delete it to generate a new key", error, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Error)> RunUpAsync(params (string Key, string Value)[] environment)
    {
        var info = GatewayProcess.StartInfo(_dir.FullName, "up");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("gateway up started instead of refusing the configuration");
        }
    }

    private static async Task HitAsync(HttpClient http, string query)
    {
        using var response = await http.GetAsync(new Uri($"/p.gif?{query}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Polls the streams (read-only, as <c>stream tail</c> does) until they hold the expected rows; bounded.</summary>
    private async Task WaitForAsync(int events, int badRows)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (seenEvents, seenBadRows) = (0, 0);
        while (!deadline.IsCancellationRequested)
        {
            (seenEvents, seenBadRows) = ((await ReadAsync(GatewayConfigNames.Events)).Count, (await ReadAsync(GatewayConfigNames.BadRows)).Count);
            if (seenEvents >= events && seenBadRows >= badRows)
            {
                return;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        Assert.Fail($"after 30 s the events stream holds {seenEvents} of {events} rows and bad-rows {seenBadRows} of {badRows}");
    }

    private async Task<List<StreamRecord>> ReadAsync(string stream)
    {
        await using var opened = await EmbeddedStream.OpenReadOnlyAsync(Path.Combine(Streams, stream));
        return await StreamContents.ReadAllAsync(opened);
    }

    private async Task<string[]> TailAsync(params string[] arguments)
    {
        using var tail = System.Diagnostics.Process.Start(GatewayProcess.StartInfo(_dir.FullName, ["stream", "tail", .. arguments]))!;
        var output = await tail.StandardOutput.ReadToEndAsync();
        await tail.WaitForExitAsync();
        Assert.Equal(0, tail.ExitCode);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>The names <c>gateway up</c> gives the enrich stage's streams (the CLI's own constants are internal).</summary>
    private static class GatewayConfigNames
    {
        public const string Events = "events";
        public const string BadRows = "bad-rows";
    }
}
