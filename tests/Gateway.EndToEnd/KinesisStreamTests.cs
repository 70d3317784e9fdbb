using System.Net;
using System.Text;
using Gateway.Aws;
using Gateway.EndToEnd.Support;
using Gateway.Processing;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

/// <summary><c>gateway up --stream kinesis</c>: the edge appends to a Kinesis-API stream (kinesalite) instead of the embedded one.</summary>
public sealed class KinesisStreamTests(Kinesalite kinesalite) : IClassFixture<Kinesalite>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-kinesis-");

    [Fact]
    public async Task Answered_hits_are_records_of_the_kinesis_stream()
    {
        var name = kinesalite.NewStreamName("up");
        var aggregatedName = kinesalite.NewStreamName("up-agg");
        var environment = new Dictionary<string, string>
        {
            ["GATEWAY__STREAM__KINESIS__STREAMNAME"] = name,
            ["GATEWAY__STREAM__KINESIS__AGGREGATEDSTREAMNAME"] = aggregatedName,
            ["GATEWAY__STREAM__SHARDS"] = "2",
        };
        string banner;
        await using (var gateway = await GatewayProcess.StartAsync(_dir.FullName, environment, "--stream", "kinesis", "--kinesis-endpoint", kinesalite.Endpoint.ToString()))
        {
            using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
            for (var n = 0; n < 20; n++)
            {
                using var response = await http.GetAsync(new Uri($"/p.gif?pid=kin&n={n}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // The aggregate stage polls Kinesis about once a second; give it time to pass the hits on before stopping.
            await Task.Delay(TimeSpan.FromSeconds(3));
            var (exitCode, output) = await gateway.StopAsync();
            Assert.Equal(0, exitCode);
            banner = output;
        }

        Assert.Contains($"Kinesis streams '{name}' and '{aggregatedName}'", banner, StringComparison.Ordinal);
        // The enrich stage reads the Kinesis aggregated stream, but its outputs stay embedded under the data directory.
        Assert.Contains("embedded streams in", banner, StringComparison.Ordinal);
        Assert.Contains("(local, also with the Kinesis raw and aggregated streams)", banner, StringComparison.Ordinal);
        Assert.Contains("wrote 20 event(s) and 0 bad row(s)", banner, StringComparison.Ordinal);
        using var client = kinesalite.CreateClient();
        var expected = Enumerable.Range(0, 20).Select(n => $"pid=kin&n={n}").Order();
        var raw = new List<string>();
        foreach (var record in await ReadAllAsync(client, name))
        {
            var fields = Encoding.UTF8.GetString(record.Data.Span).Split('\t');
            // The record is the CloudFront real-time log line; its partition key is the request id (x-edge-request-id).
            Assert.Equal(record.PartitionKey, fields[9]);
            raw.Add(fields[14]);
        }

        var aggregated = new List<string>();
        foreach (var record in await ReadAllAsync(client, aggregatedName))
        {
            KplDeaggregator.Deaggregate(record.Data.Span, record.PartitionKey, null, (in DeaggregatedRecord user) => aggregated.Add(Encoding.UTF8.GetString(user.Data).Split('\t')[14]));
        }

        Assert.Equal(expected, raw.Order());
        Assert.Equal(expected, aggregated.Order());
    }

    private static async Task<List<Gateway.Aws.Record>> ReadAllAsync(KinesisClient client, string stream)
    {
        var records = new List<Gateway.Aws.Record>();
        foreach (var shard in await client.ListAllShardsAsync(stream))
        {
            var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = stream, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;
            records.AddRange((await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator })).Records);
        }

        return records;
    }

    [Fact]
    public async Task An_unreachable_kinesis_endpoint_stops_the_start_with_the_stream_and_the_reason()
    {
        var info = GatewayProcess.StartInfo(_dir.FullName, "up", "--stream", "kinesis", "--kinesis-endpoint", "http://127.0.0.1:9/");
        using var process = System.Diagnostics.Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("cannot open the raw stream (Kinesis stream 'gateway-raw' at http://127.0.0.1:9/)", error, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
