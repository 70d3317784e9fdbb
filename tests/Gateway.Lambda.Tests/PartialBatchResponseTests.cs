using System.Numerics;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Lambda.Tests.Support;

namespace Gateway.Lambda.Tests;

public sealed class PartialBatchResponseTests
{
    private static readonly string[] Ascending = ["49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692538361571095921575989136588899", "49590338271490256608559692538361571095921575989136588900"];

    [Fact]
    public void Response_has_the_documented_shape()
    {
        var response = StreamsEventResponse.RetryFrom(Some.Records(Ascending), 1);

        var json = JsonSerializer.Serialize(response, LambdaJsonContext.Default.StreamsEventResponse);

        Assert.Equal($$"""{"batchItemFailures":[{"itemIdentifier":"{{Ascending[1]}}"}]}""", json);
        using var documented = JsonDocument.Parse(Some.DataFile("kinesis-batch-response.json"));
        using var written = JsonDocument.Parse(json);
        Assert.Equal(JsonShape.Of(documented.RootElement), JsonShape.Of(written.RootElement));
    }

    [Fact]
    public void Nothing_failed_is_an_empty_failure_list()
    {
        var json = JsonSerializer.Serialize(StreamsEventResponse.RetryFrom(Some.Records(Ascending), null), LambdaJsonContext.Default.StreamsEventResponse);

        Assert.Equal("""{"batchItemFailures":[]}""", json);
    }

    [Fact]
    public void Only_the_first_failed_records_sequence_number_is_reported()
    {
        var response = StreamsEventResponse.RetryFrom(Some.Records(Ascending), 0);

        Assert.Equal([Ascending[0]], response.BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Fact]
    public void Records_out_of_order_report_the_lowest_sequence_number_from_the_failure_on()
    {
        // "9" sorts after "10" as text but is the lower number; records before the failure do not count.
        var response = StreamsEventResponse.RetryFrom(Some.Records(["5", "12", "10", "9"]), 1);

        Assert.Equal(["9"], response.BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Fact]
    public void Record_without_a_sequence_number_yields_an_empty_identifier_so_lambda_retries_the_whole_batch()
    {
        var response = StreamsEventResponse.RetryFrom(Some.Records(["7", "", "8"]), 0);

        Assert.Equal([""], response.BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Failure_index_outside_the_batch_is_rejected(int index)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamsEventResponse.RetryFrom(Some.Records(Ascending), index));
    }

    [Fact]
    public void Reported_identifier_is_the_numeric_minimum_of_the_failing_records()
    {
        var batches =
            from numbers in Gen.ListOf(Gen.Choose(0, 1_000_000).Select(n => new BigInteger(n) * BigInteger.Pow(10, 50) + 7))
            where numbers.Count > 0
            from index in Gen.Choose(0, numbers.Count - 1)
            select (numbers, index);

        Prop.ForAll(batches.ToArbitrary(), batch =>
        {
            var (numbers, index) = batch;
            var response = StreamsEventResponse.RetryFrom(Some.Records(numbers.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))), index);

            var reported = BigInteger.Parse(Assert.Single(response.BatchItemFailures).ItemIdentifier, System.Globalization.CultureInfo.InvariantCulture);
            return reported == numbers.Skip(index).Min() && reported <= numbers[index];
        }).QuickCheckThrowOnFailure();
    }
}
