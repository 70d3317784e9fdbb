using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Aws;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

public sealed class AggregateHandlerTests(Kinesalite kinesalite) : IClassFixture<Kinesalite>
{
    [Fact]
    public async Task A_raw_batch_lands_on_the_aggregated_stream_as_kpl_records_that_split_back_into_every_line()
    {
        var lines = Enumerable.Range(0, 300).Select(i => $"1700000000.{i:000}\t192.0.2.0\t200\t{i}\t" + new string('q', 400)).ToArray();
        using var client = kinesalite.CreateClient();
        var name = kinesalite.NewStreamName("aggregated");
        await Kinesalite.CreateStreamAsync(client, name, shards: 3);
        using var handler = new AggregateHandler(kinesalite.CreateClient(), name, TimeProvider.System);

        var response = await InvokeAsync(handler, Some.KinesisEventJson(lines));

        Assert.Empty(response.GetProperty("batchItemFailures").EnumerateArray());
        var found = new Dictionary<string, string>();
        var kinesisRecords = 0;
        foreach (var shard in await client.ListAllShardsAsync(name))
        {
            var iterator = (await client.GetShardIteratorAsync(new GetShardIteratorRequest { StreamName = name, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;
            foreach (var record in (await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator })).Records)
            {
                kinesisRecords++;
                Assert.True(record.Data.Length + record.PartitionKey.Length <= KplAggregatorOptions.DefaultTargetSize);
                var result = KplDeaggregator.Deaggregate(record.Data.Span, record.PartitionKey, null, (in DeaggregatedRecord user) =>
                    found.Add(user.PartitionKey, Encoding.UTF8.GetString(user.Data)));
                Assert.True(result.IsAggregated);
            }
        }

        // 300 lines of ~430 bytes at the 5 KB target: about 11 per Kinesis record, grouped per shard.
        Assert.InRange(kinesisRecords, 300 / 11, 300 / 8);
        Assert.Equal(lines.Select((line, i) => ($"pk-{i}", line)).Order(), found.Select(f => (f.Key, f.Value)).Order());
    }

    [Fact]
    public async Task Records_in_an_aggregate_kinesis_keeps_refusing_are_reported_from_the_lowest_sequence_number()
    {
        var lines = Enumerable.Range(0, 10).Select(i => $"line {i} " + new string('x', 300)).ToArray();
        // The second Kinesis record of the batch is refused on every attempt, retries included.
        var kinesis = new RefusingKinesis();
        using var client = new KinesisClient(new KinesisClientOptions { Region = "us-east-1", ServiceUrl = new Uri("http://127.0.0.1:1/") }, new HttpClient(kinesis), new StaticCredentialsProvider(new AwsCredentials("k", "s")));
        using var handler = new AggregateHandler(client, "agg", TimeProvider.System, targetSize: 1000, new KinesisRecordWriterOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(2) });

        var response = await InvokeAsync(handler, Some.KinesisEventJson(lines));

        // The first Kinesis record carried records 0..n-1, so the refused one starts at record n: Lambda retries from there.
        var carriedByFirst = kinesis.UserRecordsInFirstEntry;
        Assert.InRange(carriedByFirst, 1, 3);
        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal(Some.SequenceNumber(carriedByFirst), failure.GetProperty("itemIdentifier").GetString());
        Assert.Equal(1, handler.GetMetrics().FailedEntries);
    }

    [Theory]
    [InlineData(null, null, "AGGREGATED_STREAM_NAME is not set")]
    [InlineData("agg", "lots", "AGGREGATE_TARGET_BYTES is 'lots'")]
    [InlineData("agg", "10", "from 64 to")]
    public void Missing_or_bad_configuration_is_an_init_error_naming_the_variable(string? stream, string? target, string message)
    {
        var environment = new FakeEnvironment();
        environment.Set(AggregateHandler.StreamVariable, stream);
        environment.Set(AggregateHandler.TargetSizeVariable, target);
        var init = new LambdaInitContext(HandlerNames.Aggregate, environment, TimeProvider.System, new LambdaLogger(TextWriter.Null, TimeProvider.System));

        var ex = Assert.Throws<LambdaConfigurationException>(() => AggregateHandler.Create(init));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> InvokeAsync(ILambdaHandler handler, string eventJson)
    {
        var context = new LambdaContext("req-1", DateTimeOffset.UtcNow.AddMinutes(1), TimeProvider.System, new LambdaLogger(TextWriter.Null, TimeProvider.System));
        var output = await handler.HandleAsync(Encoding.UTF8.GetBytes(eventJson), context, CancellationToken.None);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>A Kinesis endpoint with one shard whose PutRecords refuses the second record of the first call, and that record on every retry.</summary>
    private sealed class RefusingKinesis : HttpMessageHandler
    {
        private string? _refused;

        public int UserRecordsInFirstEntry { get; private set; }

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
                var entries = body.GetProperty("Records").EnumerateArray().ToList();
                var data = entries.Select(e => e.GetProperty("Data").GetString()!).ToList();
                if (_refused is null)
                {
                    var count = 0;
                    KplDeaggregator.Deaggregate(Convert.FromBase64String(data[0]), "a", null, (in DeaggregatedRecord _) => count++);
                    UserRecordsInFirstEntry = count;
                    _refused = data[1];
                }

                var results = data.Select((d, i) => d == _refused
                    ? """{"ErrorCode":"InternalFailure","ErrorMessage":"Internal service failure."}"""
                    : $$"""{"SequenceNumber":"{{1000 + i}}","ShardId":"shardId-000000000000"}""");
                json = $$"""{"FailedRecordCount":{{data.Count(d => d == _refused)}},"Records":[{{string.Join(',', results)}}]}""";
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }
}
