using System.Net;
using System.Text;
using Gateway.EndToEnd.Support;
using Gateway.Processing;
using Gateway.Streams;

namespace Gateway.EndToEnd;

/// <summary>The aggregate stage of <c>gateway up</c>: raw stream → KPL records in the aggregated stream.</summary>
public sealed class AggregateStageTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-aggregate-");

    [Fact]
    public async Task Every_hit_reaches_the_aggregated_stream_once_across_a_clean_restart()
    {
        await SendAndStopAsync(from: 0, count: 200);
        await SendAndStopAsync(from: 200, count: 50);

        var queries = new List<string>();
        var kinesisRecords = 0;
        await using (var aggregated = await EmbeddedStream.OpenReadOnlyAsync(Path.Combine(_dir.FullName, "data", "streams", "aggregated")))
        {
            foreach (var shard in aggregated.Description.Shards)
            {
                var position = StreamPosition.TrimHorizon;
                while (true)
                {
                    var read = await aggregated.ReadAsync(shard.ShardId, position, 1000);
                    if (read.Records.Count == 0)
                    {
                        break;
                    }

                    foreach (var record in read.Records)
                    {
                        kinesisRecords++;
                        var result = KplDeaggregator.Deaggregate(record.Data.Span, record.PartitionKey, null, (in DeaggregatedRecord user) =>
                            queries.Add(Encoding.UTF8.GetString(user.Data).Split('\t')[14]));
                        Assert.True(result.IsAggregated || result.RecordCount == 1);
                    }

                    position = read.Next;
                }
            }
        }

        // A clean stop checkpoints what was aggregated, so nothing is aggregated twice.
        Assert.Equal(Enumerable.Range(0, 250).Select(n => $"pid=agg&n={n}").Order(), queries.Order());
        Assert.True(kinesisRecords < 250 / 2, $"{kinesisRecords} aggregated records for 250 hits: the stage should pack several hits per record");

        // "stream tail" shows the lines inside the aggregates, not KPL bytes.
        using var tail = System.Diagnostics.Process.Start(GatewayProcess.StartInfo(_dir.FullName, "stream", "tail", "aggregated", "--last", "0"))!;
        var lines = (await tail.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        await tail.WaitForExitAsync();
        Assert.Equal(0, tail.ExitCode);
        Assert.Equal(250, lines.Length);
        Assert.All(lines, line => Assert.StartsWith("pid=agg&n=", line.Split('\t')[14], StringComparison.Ordinal));
    }

    private async Task SendAndStopAsync(int from, int count)
    {
        await using var gateway = await GatewayProcess.StartAsync(_dir.FullName);
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        for (var n = from; n < from + count; n++)
        {
            using var response = await http.GetAsync(new Uri($"/p.gif?pid=agg&n={n}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (exitCode, output) = await gateway.StopAsync();
        Assert.Equal(0, exitCode);
        Assert.Contains("aggregate stage: raw → aggregated", output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
