using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Lambda.Tests.Support;

namespace Gateway.Lambda.Tests;

public sealed class KinesisEventJsonTests
{
    [Fact]
    public void Sample_event_from_the_spec_deserializes_field_by_field()
    {
        var @event = JsonSerializer.Deserialize(Some.DataFile("kinesis-event.json"), LambdaJsonContext.Default.KinesisEvent)!;

        var record = Assert.Single(@event.Records);
        Assert.Equal("1.0", record.Kinesis.KinesisSchemaVersion);
        Assert.Equal("s1", record.Kinesis.PartitionKey);
        Assert.Equal("49568167373333333333333333333333333333333333333333333333", record.Kinesis.SequenceNumber);
        Assert.Equal("Hello World", Encoding.UTF8.GetString(record.Kinesis.Data.Span));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1480641523477), record.Kinesis.ApproximateArrivalTimestamp);
        Assert.Equal("NONE", record.Kinesis.EncryptionType);
        Assert.Equal("aws:kinesis", record.EventSource);
        Assert.Equal("1.0", record.EventVersion);
        Assert.Equal("shardId-000000000000:49568167373333333333333333333333333333333333333333333333", record.EventId);
        Assert.Equal("aws:kinesis:record", record.EventName);
        Assert.Equal("arn:aws:iam::123456789012:role/LambdaRole", record.InvokeIdentityArn);
        Assert.Equal("us-east-1", record.AwsRegion);
        Assert.Equal("arn:aws:kinesis:us-east-1:123456789012:stream/simple-stream", record.EventSourceArn);
    }

    [Fact]
    public void Sample_event_written_back_is_the_same_json_with_the_same_property_names()
    {
        var sample = Some.DataFile("kinesis-event.json");
        var @event = JsonSerializer.Deserialize(sample, LambdaJsonContext.Default.KinesisEvent)!;

        var written = JsonSerializer.SerializeToUtf8Bytes(@event, LambdaJsonContext.Default.KinesisEvent);

        // Proves the names (capital-R Records, eventID, eventSourceARN) and the seconds-with-fraction timestamp.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(sample), JsonNode.Parse(written)), Encoding.UTF8.GetString(written));
    }

    [Fact]
    public void Lower_case_records_key_is_not_a_kinesis_event()
    {
        var @event = JsonSerializer.Deserialize("""{"records":[{"kinesis":{}}]}""", LambdaJsonContext.Default.KinesisEvent)!;

        Assert.Empty(@event.Records);
    }

    [Fact]
    public void Fields_missing_from_the_event_read_as_empty_not_null()
    {
        var @event = JsonSerializer.Deserialize("""{"Records":[{"kinesis":{}}]}""", LambdaJsonContext.Default.KinesisEvent)!;

        var record = Assert.Single(@event.Records);
        Assert.Equal("", record.Kinesis.SequenceNumber);
        Assert.Equal("", record.EventSourceArn);
        Assert.True(record.Kinesis.Data.IsEmpty);
    }

    [Fact]
    public void Missing_encryption_type_reads_as_null_and_is_left_out_when_written()
    {
        var json = Encoding.UTF8.GetString(Some.DataFile("kinesis-event.json")).Replace(",\n        \"encryptionType\": \"NONE\"", "", StringComparison.Ordinal);

        var @event = JsonSerializer.Deserialize(json, LambdaJsonContext.Default.KinesisEvent)!;

        Assert.Null(@event.Records[0].Kinesis.EncryptionType);
        Assert.DoesNotContain("encryptionType", JsonSerializer.Serialize(@event, LambdaJsonContext.Default.KinesisEvent), StringComparison.Ordinal);
    }

    [Theory]
    // Whole seconds.
    [InlineData("1480641523", 1480641523000L, 0)]
    // The usual millisecond fraction.
    [InlineData("1480641523.477", 1480641523477L, 0)]
    // Microseconds survive to the tick.
    [InlineData("1480641523.477123", 1480641523477L, 1230)]
    // Exponent form is still a JSON number.
    [InlineData("1.480641523477e9", 1480641523477L, 0)]
    public void Arrival_time_is_read_exactly_from_epoch_seconds(string seconds, long expectedMs, long extraTicks)
    {
        var @event = JsonSerializer.Deserialize(
            $$$"""{"Records":[{"kinesis":{"approximateArrivalTimestamp":{{{seconds}}}}}]}""", LambdaJsonContext.Default.KinesisEvent)!;

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedMs).AddTicks(extraTicks), @event.Records[0].Kinesis.ApproximateArrivalTimestamp);
    }

    [Theory]
    // A string instead of a number.
    [InlineData("\"1480641523.477\"")]
    // Beyond year 9999.
    [InlineData("1e13")]
    [InlineData("-1e12")]
    // Beyond decimal.
    [InlineData("1e400")]
    public void Unusable_arrival_time_is_a_json_exception(string seconds)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(
            $$$"""{"Records":[{"kinesis":{"approximateArrivalTimestamp":{{{seconds}}}}}]}""", LambdaJsonContext.Default.KinesisEvent));
    }
}
