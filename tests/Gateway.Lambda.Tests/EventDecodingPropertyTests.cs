using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Lambda.Tests.Support;

namespace Gateway.Lambda.Tests;

/// <summary>Whatever bytes arrive as an event, decoding either succeeds or fails with JsonException (which the loop reports with its position).</summary>
public sealed class EventDecodingPropertyTests
{
    // Bytes that make interesting damage inside JSON: structure, quotes, digits, base64, exponents, non-ASCII.
    private static readonly byte[] Interesting = "{}[]\":,.-+eE0159AZaz=/ \\\u00e9"u8.ToArray();

    [Fact]
    public void Damaged_kinesis_events_parse_or_fail_with_json_exception() =>
        CheckDamaged(Some.DataFile("kinesis-event.json"), bytes => JsonSerializer.Deserialize(bytes, LambdaJsonContext.Default.KinesisEvent));

    [Fact]
    public void Damaged_firehose_events_parse_or_fail_with_json_exception() =>
        CheckDamaged(Some.DataFile("firehose-transformation-event.json"), bytes => JsonSerializer.Deserialize(bytes, LambdaJsonContext.Default.FirehoseTransformationEvent));

    [Fact]
    public void Any_number_as_a_kinesis_arrival_time_parses_or_fails_with_json_exception()
    {
        var numbers =
            from mantissa in Gen.Choose(-999_999, 999_999)
            from fraction in Gen.Choose(0, 999_999)
            from exponent in Gen.Choose(-400, 400)
            select $"{mantissa}.{fraction}e{exponent}";

        Prop.ForAll(numbers.ToArbitrary(), number => OnlyJsonException(
            () => JsonSerializer.Deserialize($$$"""{"Records":[{"kinesis":{"approximateArrivalTimestamp":{{{number}}}}}]}""", LambdaJsonContext.Default.KinesisEvent)))
            .QuickCheckThrowOnFailure();
    }

    private static void CheckDamaged(byte[] sample, Action<byte[]> decode)
    {
        var damage =
            from edits in Gen.ListOf(Gen.Choose(0, sample.Length - 1).Zip(Gen.Elements(Interesting)))
            // Two times in three the whole document, otherwise a truncation (a body cut off mid-transfer).
            from length in Gen.OneOf(Gen.Constant(sample.Length), Gen.Constant(sample.Length), Gen.Choose(0, sample.Length))
            select (edits, length);

        Prop.ForAll(damage.ToArbitrary(), d =>
        {
            var bytes = sample.ToArray();
            foreach (var (position, value) in d.edits)
            {
                bytes[position] = value;
            }

            return OnlyJsonException(() => decode(bytes[..d.length]));
        }).QuickCheckThrowOnFailure();
    }

    private static bool OnlyJsonException(Action decode)
    {
        try
        {
            decode();
            return true;
        }
        catch (JsonException)
        {
            return true;
        }
    }
}
