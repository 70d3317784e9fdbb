using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Lambda.Tests.Support;

namespace Gateway.Lambda.Tests;

public sealed class FirehoseJsonTests
{
    [Fact]
    public void Sample_transformation_event_from_the_spec_deserializes_field_by_field()
    {
        var @event = JsonSerializer.Deserialize(Some.DataFile("firehose-transformation-event.json"), LambdaJsonContext.Default.FirehoseTransformationEvent)!;

        Assert.Equal("invoked123", @event.InvocationId);
        Assert.Equal("arn:aws:firehose:us-east-2:123456789012:deliverystream/name", @event.DeliveryStreamArn);
        Assert.Equal("arn:aws:kinesis:us-east-1:123456789012:stream/test", @event.SourceKinesisStreamArn);
        Assert.Equal("us-west-2", @event.Region);
        var record = Assert.Single(@event.Records);
        Assert.Equal("record1", record.RecordId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1507217624302), record.ApproximateArrivalTimestamp);
        Assert.Equal("Hello World", Encoding.UTF8.GetString(record.Data.Span));
        var kinesis = record.KinesisRecordMetadata!;
        Assert.Equal("shardId-000000000000", kinesis.ShardId);
        Assert.Equal("4d1ad2b9-24f8-4b9d-a088-76e9947c317a", kinesis.PartitionKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1507217624302), kinesis.ApproximateArrivalTimestamp);
        Assert.Equal("49546986683135544286507457936321625675700192471156785154", kinesis.SequenceNumber);
        Assert.Equal(123456, kinesis.SubsequenceNumber);
    }

    [Fact]
    public void Sample_transformation_event_written_back_is_the_same_json()
    {
        var sample = Some.DataFile("firehose-transformation-event.json");
        var @event = JsonSerializer.Deserialize(sample, LambdaJsonContext.Default.FirehoseTransformationEvent)!;

        var written = JsonSerializer.SerializeToUtf8Bytes(@event, LambdaJsonContext.Default.FirehoseTransformationEvent);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sample), JsonNode.Parse(written)), Encoding.UTF8.GetString(written));
    }

    [Theory]
    // What Firehose sends.
    [InlineData("123456")]
    // What older typings declare.
    [InlineData("\"123456\"")]
    public void Subsequence_number_is_read_from_a_number_or_a_string(string value)
    {
        var @event = JsonSerializer.Deserialize(
            $$$"""{"records":[{"recordId":"r","kinesisRecordMetadata":{"subsequenceNumber":{{{value}}}}}]}""",
            LambdaJsonContext.Default.FirehoseTransformationEvent)!;

        Assert.Equal(123456, @event.Records[0].KinesisRecordMetadata!.SubsequenceNumber);
    }

    [Fact]
    public void Event_from_a_direct_put_source_has_no_kinesis_metadata()
    {
        var @event = JsonSerializer.Deserialize(
            """{"invocationId":"i","deliveryStreamArn":"a","region":"us-east-1","records":[{"recordId":"r","approximateArrivalTimestamp":1507217624302,"data":"e30="}]}""",
            LambdaJsonContext.Default.FirehoseTransformationEvent)!;

        Assert.Null(@event.SourceKinesisStreamArn);
        Assert.Null(@event.Records[0].KinesisRecordMetadata);
    }

    [Fact]
    public void Epoch_seconds_are_not_mistaken_for_milliseconds()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(
            """{"records":[{"recordId":"r","approximateArrivalTimestamp":1507217624.302}]}""",
            LambdaJsonContext.Default.FirehoseTransformationEvent));
    }

    [Fact]
    public void Response_has_the_documented_shape()
    {
        var response = new FirehoseTransformationResponse
        {
            Records =
            [
                new FirehoseTransformedRecord
                {
                    RecordId = "record1",
                    Result = FirehoseRecordResult.Ok,
                    Data = Encoding.UTF8.GetBytes("""{"event_name":"pageview"}"""),
                    Metadata = new FirehoseRecordMetadata { PartitionKeys = new Dictionary<string, string> { ["customerId"] = "1234", ["year"] = "2024" } },
                },
            ],
        };

        var written = JsonSerializer.SerializeToElement(response, LambdaJsonContext.Default.FirehoseTransformationResponse);

        using var documented = JsonDocument.Parse(Some.DataFile("firehose-transformation-response.json"));
        Assert.Equal(JsonShape.Of(documented.RootElement), JsonShape.Of(written));
        var record = written.GetProperty("records")[0];
        Assert.Equal("record1", record.GetProperty("recordId").GetString());
        Assert.Equal("Ok", record.GetProperty("result").GetString());
        Assert.Equal("""{"event_name":"pageview"}""", Encoding.UTF8.GetString(record.GetProperty("data").GetBytesFromBase64()));
        Assert.Equal(
            documented.RootElement.GetProperty("records")[0].GetProperty("metadata").GetRawText().Replace(" ", "", StringComparison.Ordinal),
            record.GetProperty("metadata").GetRawText());
    }

    [Theory]
    [InlineData(FirehoseRecordResult.Ok, "Ok")]
    [InlineData(FirehoseRecordResult.Dropped, "Dropped")]
    [InlineData(FirehoseRecordResult.ProcessingFailed, "ProcessingFailed")]
    public void Result_is_written_in_the_exact_case_firehose_requires(FirehoseRecordResult result, string expected)
    {
        var json = JsonSerializer.Serialize(
            new FirehoseTransformationResponse { Records = [new FirehoseTransformedRecord { RecordId = "r", Result = result }] },
            LambdaJsonContext.Default.FirehoseTransformationResponse);

        Assert.Equal($$"""{"records":[{"recordId":"r","result":"{{expected}}","data":""}]}""", json);
    }
}
