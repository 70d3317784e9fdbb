using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Aws;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>The aggregate handler's EMF line against what landed on the stream (kinesalite) or what the Kinesis fake refused.</summary>
public sealed class AggregateEmfTests(Kinesalite kinesalite) : IClassFixture<Kinesalite>
{
    [Fact]
    public async Task The_line_counts_records_in_and_the_aggregated_records_and_bytes_that_reached_the_stream()
    {
        var lines = Enumerable.Range(0, 120).Select(i => $"1700000000.{i:000}\t192.0.2.0\t200\t{i}\t" + new string('q', 300)).ToArray();
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("aggregated-emf");
        await Kinesalite.CreateStreamAsync(client, name, shards: 2);
        using var handler = new AggregateHandler(kinesalite.CreateClient(), name, TimeProvider.System);

        var log = await InvokeAsync(handler, Some.KinesisEventJson(lines));

        var (count, bytes) = (0, 0L);
        foreach (var shard in await client.ListAllShardsAsync(name))
        {
            var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = name, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;
            foreach (var record in (await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator })).Records)
            {
                count++;
                bytes += record.Data.Length;
            }
        }

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(120, metrics.Value("Records"));
        Assert.Equal(count, metrics.Value("AggregatedRecords"));
        Assert.Equal(bytes, metrics.Value("AggregatedBytes"));
        Assert.Equal(0, metrics.Value("RetriedRecords"));
        Assert.Equal(0, metrics.Value("ThrottledPuts"));
        Assert.All(metrics, m => Assert.Equal(HandlerNames.Aggregate, m.Function));
        Assert.Contains(metrics, m => m.Name == "AggregatedBytes" && m.Unit == "Bytes");
    }

    [Fact]
    public async Task Records_handed_back_for_a_retry_and_throttled_puts_are_counted()
    {
        var lines = Enumerable.Range(0, 10).Select(i => $"line {i} " + new string('x', 300)).ToArray();
        var kinesis = new ThrottlingKinesis();
        using var client = new KinesisClient(new KinesisClientOptions { Region = "us-east-1", ServiceUrl = new Uri("http://127.0.0.1:1/") }, new HttpClient(kinesis), new StaticCredentialsProvider(new AwsCredentials("k", "s")));
        using var handler = new AggregateHandler(client, "agg", TimeProvider.System, targetSize: 1000, new KinesisRecordWriterOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) });

        var log = await InvokeAsync(handler, Some.KinesisEventJson(lines));

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        // The first aggregate went through; the second was throttled on both attempts, so Lambda retries from its first record.
        Assert.Equal(10 - kinesis.UserRecordsInFirstEntry, metrics.Value("RetriedRecords"));
        Assert.Equal(kinesis.Accepted, metrics.Value("AggregatedRecords"));
        Assert.Equal(kinesis.AcceptedBytes, metrics.Value("AggregatedBytes"));
        Assert.Equal(kinesis.Throttled, metrics.Value("ThrottledPuts"));
        Assert.True(kinesis.Throttled >= 2);
    }

    private static async Task<string> InvokeAsync(ILambdaHandler handler, string eventJson)
    {
        var log = new StringWriter();
        var context = new LambdaContext("req-agg", DateTimeOffset.UtcNow.AddMinutes(1), TimeProvider.System, new LambdaLogger(log, TimeProvider.System).ForRequest("req-agg"));
        await handler.HandleAsync(Encoding.UTF8.GetBytes(eventJson), context, CancellationToken.None);
        return log.ToString();
    }

    /// <summary>One shard; PutRecords throttles every entry carrying the second aggregate of the first call, on every attempt.</summary>
    private sealed class ThrottlingKinesis : HttpMessageHandler
    {
        private string? _throttled;

        public int UserRecordsInFirstEntry { get; private set; }

        public int Accepted { get; private set; }

        public long AcceptedBytes { get; private set; }

        public int Throttled { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.GetValues("X-Amz-Target").Single();
            var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement;
            string json;
            if (target.EndsWith(".ListShards", StringComparison.Ordinal))
            {
                json = """{"Shards":[{"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}]}""";
            }
            else
            {
                var data = body.GetProperty("Records").EnumerateArray().Select(e => e.GetProperty("Data").GetString()!).ToList();
                if (_throttled is null)
                {
                    var count = 0;
                    KplDeaggregator.Deaggregate(Convert.FromBase64String(data[0]), "a", null, (in DeaggregatedRecord _) => count++);
                    UserRecordsInFirstEntry = count;
                    _throttled = data[1];
                }

                var results = new List<string>();
                foreach (var (d, i) in data.Select((d, i) => (d, i)))
                {
                    if (d == _throttled)
                    {
                        Throttled++;
                        results.Add("""{"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard shardId-000000000000."}""");
                    }
                    else
                    {
                        Accepted++;
                        AcceptedBytes += Convert.FromBase64String(d).Length;
                        results.Add($$"""{"SequenceNumber":"{{1000 + i}}","ShardId":"shardId-000000000000"}""");
                    }
                }

                json = $$"""{"FailedRecordCount":{{data.Count(d => d == _throttled)}},"Records":[{{string.Join(',', results)}}]}""";
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }
}
