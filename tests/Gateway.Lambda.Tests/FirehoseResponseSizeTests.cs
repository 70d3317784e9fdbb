using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Lambda.Internal;

namespace Gateway.Lambda.Tests;

/// <summary>The size the enrich handler budgets with, against what the source-generated serializer really writes.</summary>
public sealed class FirehoseResponseSizeTests
{
    [Fact]
    public void Size_is_exact_for_firehose_style_record_ids_and_hive_keys()
    {
        var records = Gen.Choose(0, 8).SelectMany(count => Gen.ArrayOf(Record(Gen.Elements("0123456789abcdefABCDEF-_=/".ToCharArray())), count));

        Prop.ForAll(records.ToArbitrary(), recs =>
        {
            var response = new FirehoseTransformationResponse { Records = recs };
            return FirehoseResponseSize.Of(response) == JsonSerializer.SerializeToUtf8Bytes(response, LambdaJsonContext.Default.FirehoseTransformationResponse).Length;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Size_is_never_below_the_written_length_whatever_the_ids()
    {
        // Quotes, HTML-sensitive characters, controls, non-ASCII and lone surrogates, all of which the encoder escapes.
        var characters = Gen.Elements("a0\"&'+<>\\`\u0001\u007f\u00e9\u4e2d\ud83d\ude00\ud800 ~".ToCharArray());

        Prop.ForAll(Gen.ArrayOf(Record(characters)).ToArbitrary(), recs =>
        {
            var response = new FirehoseTransformationResponse { Records = recs };
            return FirehoseResponseSize.Of(response) >= JsonSerializer.SerializeToUtf8Bytes(response, LambdaJsonContext.Default.FirehoseTransformationResponse).Length;
        }).QuickCheckThrowOnFailure();
    }

    private static Gen<FirehoseTransformedRecord> Record(Gen<char> characters) =>
        from id in Gen.ArrayOf(characters).Select(c => new string(c))
        from result in Gen.Elements(FirehoseRecordResult.Ok, FirehoseRecordResult.Dropped, FirehoseRecordResult.ProcessingFailed)
        // Lengths on both sides of each base64 padding case; byte values that make '+' and '/' in the base64.
        from length in Gen.Choose(0, 300)
        from fill in Gen.Elements((byte)0xfb, (byte)0xff, (byte)0x00, (byte)'a')
        from keys in Gen.Choose(0, 4)
        from value in Gen.ArrayOf(characters).Select(c => new string(c))
        select new FirehoseTransformedRecord
        {
            RecordId = id,
            Result = result,
            Data = Enumerable.Repeat(fill, length).ToArray(),
            Metadata = keys == 0 ? null : new FirehoseRecordMetadata
            {
                PartitionKeys = ((string[])["year", "month", "day", "hour"]).Take(keys).ToDictionary(k => k, k => k == "year" ? value : "07"),
            },
        };
}
