using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Gateway.EndToEnd.Support;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

public sealed class CrashTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-");

    [Theory]
    [InlineData("fsync")]
    [InlineData("write")]
    public async Task Kill_9_of_gateway_up_loses_no_answered_hit(string durability)
    {
        var answered = new ConcurrentBag<int>();
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, new Dictionary<string, string> { ["GATEWAY__STREAM__DURABILITY"] = durability }))
        {
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var stop = new CancellationTokenSource();
            var next = 0;
            var senders = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var n = Interlocked.Increment(ref next);
                    try
                    {
                        using var response = await client.GetAsync(new Uri($"/p.gif?pid=crash&n={n}", UriKind.Relative));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            answered.Add(n);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The server died mid-request: that hit was never answered, so it may be lost.
                    }
                    catch (TaskCanceledException)
                    {
                    }
                }
            })).ToList();

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (answered.Count < 3000 && !deadline.IsCancellationRequested)
            {
                await Task.Delay(10, CancellationToken.None);
            }

            await gateway.KillHardAsync();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        var stored = await ReadAllAsync();
        Assert.True(answered.Count >= 3000, $"only {answered.Count} hits answered before the deadline");
        var missing = answered.Where(n => !stored.Contains(n)).Take(10).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count}+ answered hits missing after kill -9, e.g. n={string.Join(",", missing)}");
    }

    [Fact]
    public async Task Sigterm_stops_cleanly_and_a_restart_appends_after_the_old_records()
    {
        await using (var first = await GatewayProcess.StartAsync(_dir.FullName))
        {
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            (await client.GetAsync(new Uri("/p.gif?pid=restart&n=1", UriKind.Relative))).EnsureSuccessStatusCode().Dispose();
            var (exitCode, output) = await first.StopAsync();
            Assert.Equal(0, exitCode);
            Assert.Contains("stopped cleanly", output, StringComparison.Ordinal);
        }

        await using (var second = await GatewayProcess.StartAsync(_dir.FullName))
        {
            using var client = new HttpClient { BaseAddress = second.BaseAddress };
            (await client.GetAsync(new Uri("/p.gif?pid=restart&n=2", UriKind.Relative))).EnsureSuccessStatusCode().Dispose();
            await second.StopAsync();
        }

        Assert.Equal([1, 2], (await ReadAllAsync()).Order());
    }

    [Fact]
    public async Task Stream_tail_prints_the_records_of_a_running_gateway()
    {
        await using var gateway = await GatewayProcess.StartAsync(_dir.FullName);
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };
        (await client.GetAsync(new Uri("/p.gif?pid=tail&n=7", UriKind.Relative))).EnsureSuccessStatusCode().Dispose();

        using var tail = System.Diagnostics.Process.Start(GatewayProcess.StartInfo(_dir.FullName, "stream", "tail", "raw"))!;
        var output = await tail.StandardOutput.ReadToEndAsync();
        await tail.WaitForExitAsync();

        Assert.Equal(0, tail.ExitCode);
        var fields = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)).Split('\t');
        Assert.Equal("/p.gif?pid=tail&n=7", fields[7]);
        Assert.Equal("pid=tail&n=7", fields[14]);
    }

    [Fact]
    public async Task Bad_configuration_exits_2_and_names_the_key()
    {
        var info = GatewayProcess.StartInfo(_dir.FullName, "up");
        info.Environment["GATEWAY__STREAM__SHARDS"] = "many";

        using var process = System.Diagnostics.Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("stream.shards", error, StringComparison.Ordinal);
        Assert.Contains("GATEWAY__STREAM__SHARDS", error, StringComparison.Ordinal);
    }

    private async Task<HashSet<int>> ReadAllAsync()
    {
        var numbers = new HashSet<int>();
        await using var stream = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(_dir.FullName, "data", "streams", "raw"), StreamName = "raw", ShardCount = 2 });
        foreach (var record in await StreamContents.ReadAllAsync(stream))
        {
            var query = Encoding.UTF8.GetString(record.Data.Span).Split('\t')[14];
            numbers.Add(int.Parse(query[(query.IndexOf("n=", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return numbers;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
