using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests;

/// <summary>What the client puts on the wire and how it reads answers, checked against a scripted fake.</summary>
public sealed class KinesisClientWireTests
{
    [Fact]
    public async Task PutRecords_is_a_signed_json_1_1_POST_with_the_Kinesis_target_and_base64_data()
    {
        var time = new FakeTimeProvider(Some.SigningTime);
        var handler = new FakeKinesisHandler(call => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()));
        using var client = Some.Client(handler, time, new AwsCredentials("ASIAEXAMPLE", "secret", "session-token"));

        var response = await client.PutRecordsAsync(new PutRecordsRequest
        {
            StreamName = "clicks",
            Records = [new PutRecordsRequestEntry { PartitionKey = "user-1", Data = "hello"u8.ToArray() }],
        });

        var call = Assert.Single(handler.Calls);
        Assert.Equal("Kinesis_20131202.PutRecords", call.Target);
        Assert.Equal("application/x-amz-json-1.1", call.Headers["content-type"]);
        // Absent members are left out rather than sent as null.
        Assert.Equal("{\"StreamName\":\"clicks\",\"Records\":[{\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"user-1\"}]}", call.BodyText);
        Assert.Equal("20150830T123600Z", call.Headers["x-amz-date"]);
        Assert.Equal("session-token", call.Headers["x-amz-security-token"]);
        Assert.StartsWith(
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20150830/eu-west-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=",
            call.Headers["authorization"],
            StringComparison.Ordinal);
        Assert.Equal(0, response.FailedRecordCount);
        Assert.Equal("shardId-000000000000", Assert.Single(response.Records).ShardId);
    }

    [Fact]
    public async Task GetRecords_decodes_base64_data_and_fractional_epoch_second_timestamps()
    {
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Json(
            "{\"Records\":[{\"SequenceNumber\":\"49590338271490256608559692538361571095921575989136588898\",\"ApproximateArrivalTimestamp\":1440938160.123,"
            + "\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"user-1\"}],\"NextShardIterator\":\"AAAA\",\"MillisBehindLatest\":42}"));
        using var client = Some.Client(handler);

        var response = await client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "it", Limit = 10 });

        var record = Assert.Single(response.Records);
        Assert.Equal("hello", Encoding.UTF8.GetString(record.Data.Span));
        Assert.Equal(new DateTimeOffset(2015, 8, 30, 12, 36, 0, 123, TimeSpan.Zero), record.ApproximateArrivalTimestamp);
        Assert.Equal("AAAA", response.NextShardIterator);
        Assert.Equal(42, response.MillisBehindLatest);
        Assert.Equal("{\"ShardIterator\":\"it\",\"Limit\":10}", Assert.Single(handler.Calls).BodyText);
    }

    [Fact]
    public async Task AT_TIMESTAMP_iterators_send_the_timestamp_as_epoch_seconds()
    {
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Json("{\"ShardIterator\":\"x\"}"));
        using var client = Some.Client(handler);

        await client.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamName = "s",
            ShardId = "shardId-000000000000",
            ShardIteratorType = ShardIteratorType.AtTimestamp,
            Timestamp = new DateTimeOffset(2015, 8, 30, 12, 36, 0, 500, TimeSpan.Zero),
        });

        Assert.Equal(1440938160.5, (double)Assert.Single(handler.Calls).Body["Timestamp"]!);
    }

    [Fact]
    public async Task CreateStream_accepts_an_empty_200_body()
    {
        var handler = new FakeKinesisHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = Some.Client(handler);

        Assert.NotNull(await client.CreateStreamAsync(new CreateStreamRequest { StreamName = "s", ShardCount = 2 }));
        Assert.Equal("{\"StreamName\":\"s\",\"ShardCount\":2}", Assert.Single(handler.Calls).BodyText);
    }

    [Fact]
    public async Task Missing_stream_error_names_the_operation_the_stream_and_the_fix()
    {
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Error(
            "com.amazonaws.kinesis.v20131202#ResourceNotFoundException", "Stream clicks under account 111122223333 not found."));
        using var client = Some.Client(handler);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.PutRecordsAsync(new PutRecordsRequest { StreamName = "clicks", Records = [Some.Entry(1)] }));

        Assert.Equal("Kinesis", e.Service);
        Assert.Equal("PutRecords", e.Operation);
        Assert.Equal("ResourceNotFoundException", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.False(e.IsRetryable);
        Assert.Equal(
            "Kinesis PutRecords failed with ResourceNotFoundException (HTTP 400): Stream clicks under account 111122223333 not found. "
            + "stream 'clicks' does not exist in eu-west-1 at http://127.0.0.1:4567/; create it or check the name/region",
            e.Message);
    }

    [Fact]
    public async Task Error_code_from_the_X_Amzn_ErrorType_header_and_a_capitalised_Message_are_read()
    {
        var handler = new FakeKinesisHandler(_ =>
        {
            var response = FakeKinesisHandler.Json("{\"Message\":\"Rate exceeded\"}", HttpStatusCode.BadRequest);
            response.Headers.TryAddWithoutValidation("X-Amzn-ErrorType", "LimitExceededException:http://internal.amazon.com/coral/com.amazon.coral.service/");
            response.Headers.TryAddWithoutValidation("x-amzn-RequestId", "req-123");
            return response;
        });
        using var client = Some.Client(handler);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }));

        Assert.Equal("LimitExceededException", e.ErrorCode);
        Assert.Equal("Rate exceeded", e.ServiceMessage);
        Assert.Equal("req-123", e.RequestId);
        Assert.True(e.IsRetryable);
        Assert.Contains("slow down", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_json_gateway_error_still_becomes_a_typed_exception_quoting_the_body()
    {
        var handler = new FakeKinesisHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });
        using var client = Some.Client(handler);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = "s" }));

        Assert.Equal("Http502", e.ErrorCode);
        Assert.True(e.IsRetryable);
        Assert.Contains("<html>bad gateway</html>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_body_that_is_not_the_expected_json_is_reported_as_a_malformed_response()
    {
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Json("{\"Records\": 5}"));
        using var client = Some.Client(handler);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetRecordsAsync(new GetRecordsRequest { ShardIterator = "x" }));

        Assert.Equal("MalformedResponse", e.ErrorCode);
        Assert.Contains("speaks the Kinesis API", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAllShards_follows_NextToken_without_repeating_the_stream_name()
    {
        var handler = new FakeKinesisHandler(call => FakeKinesisHandler.Json(call.Body["NextToken"] is null
            ? "{\"Shards\":[{\"ShardId\":\"shardId-000000000000\",\"HashKeyRange\":{\"StartingHashKey\":\"0\",\"EndingHashKey\":\"1\"},\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"1\"}}],\"NextToken\":\"page2\"}"
            : "{\"Shards\":[{\"ShardId\":\"shardId-000000000001\",\"HashKeyRange\":{\"StartingHashKey\":\"2\",\"EndingHashKey\":\"3\"},\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"1\",\"EndingSequenceNumber\":\"9\"}}]}"));
        using var client = Some.Client(handler);

        var shards = await client.ListAllShardsAsync("s");

        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], shards.Select(s => s.ShardId));
        Assert.Equal("9", shards[1].SequenceNumberRange.EndingSequenceNumber);
        Assert.Equal("{\"NextToken\":\"page2\"}", handler.Calls[1].BodyText);
    }

    [Fact]
    public async Task WaitForStreamActive_polls_on_the_injected_clock_and_times_out_naming_the_status()
    {
        var time = new FakeTimeProvider(Some.SigningTime);
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Json(
            new JsonObject { ["StreamDescriptionSummary"] = new JsonObject { ["StreamName"] = "s", ["StreamStatus"] = "CREATING", ["StreamCreationTimestamp"] = 1440938160 } }.ToJsonString()));
        using var client = Some.Client(handler, time);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => time.RunAsync(client.WaitForStreamActiveAsync("s", TimeSpan.FromSeconds(1)), TimeSpan.FromMilliseconds(250)));

        Assert.Contains("still CREATING after 1 s", e.Message, StringComparison.Ordinal);
        Assert.Equal(5, handler.Calls.Count);
    }

    [Fact]
    public async Task An_HttpClient_timeout_surfaces_as_a_transport_failure_naming_the_endpoint()
    {
        var handler = new FakeKinesisHandler(_ => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout."));
        using var client = Some.Client(handler);

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.ListShardsAsync(new ListShardsRequest { StreamName = "s" }));

        Assert.Contains("Kinesis ListShards to http://127.0.0.1:4567/ got no answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_endpoint_follows_the_region_and_partition()
    {
        Assert.Equal(new Uri("https://kinesis.eu-west-1.amazonaws.com/"), KinesisClient.DefaultEndpoint("eu-west-1"));
        Assert.Equal(new Uri("https://kinesis.cn-north-1.amazonaws.com.cn/"), KinesisClient.DefaultEndpoint("cn-north-1"));
    }
}
