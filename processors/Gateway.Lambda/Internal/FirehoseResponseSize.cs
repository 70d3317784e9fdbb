namespace Gateway.Lambda.Internal;

/// <summary>
/// An upper bound of the bytes <see cref="LambdaJsonContext"/> writes for a <see cref="FirehoseTransformationResponse"/>,
/// computed per record so a handler can keep the response under Lambda's payload limit while it builds it.
/// </summary>
/// <remarks>
/// The bound is exact for ids, keys and values made of printable ASCII that the default encoder leaves alone (Firehose
/// record ids and the partition keys are); any other character is counted as a six-byte <c>\uXXXX</c> escape, which is
/// the most the encoder writes per UTF-16 unit. Base64 data is written unescaped.
/// </remarks>
internal static class FirehoseResponseSize
{
    // {"records":[…]}: the envelope, plus one comma between consecutive records.
    private static readonly int EnvelopeBytes = """{"records":[]}""".Length;

    private static readonly int RecordBytes = """{"recordId":"","result":"","data":""}""".Length;

    private static readonly int MetadataBytes = ""","metadata":{"partitionKeys":{}}""".Length;

    // ,"key":"value" — a comma, four quotes and a colon; the first pair has no comma.
    private const int PairBytes = 6;

    /// <summary>The envelope of a response with <paramref name="records"/> records, separators included.</summary>
    public static long Envelope(int records) => EnvelopeBytes + Math.Max(records - 1, 0);

    /// <summary>The bytes one record takes in the response.</summary>
    public static long Of(FirehoseTransformedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var size = RecordBytes + Escaped(record.RecordId) + ResultName(record.Result).Length + Base64(record.Data.Length);
        if (record.Metadata is { } metadata)
        {
            size += MetadataBytes;
            var pairs = 0;
            foreach (var (key, value) in metadata.PartitionKeys)
            {
                size += PairBytes + Escaped(key) + Escaped(value);
                pairs++;
            }

            size -= pairs > 0 ? 1 : 0;
        }

        return size;
    }

    /// <summary>The bytes the whole response takes.</summary>
    public static long Of(FirehoseTransformationResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var size = Envelope(response.Records.Count);
        foreach (var record in response.Records)
        {
            size += Of(record);
        }

        return size;
    }

    /// <summary>The wire name of <paramref name="result"/>, as the enum converter writes it.</summary>
    public static string ResultName(FirehoseRecordResult result) => result switch
    {
        FirehoseRecordResult.Ok => "Ok",
        FirehoseRecordResult.Dropped => "Dropped",
        _ => "ProcessingFailed",
    };

    private static long Base64(int bytes) => (bytes + 2L) / 3 * 4;

    private static long Escaped(string text)
    {
        var length = 0L;
        foreach (var c in text)
        {
            // The default JavaScriptEncoder escapes controls, non-ASCII and the HTML-sensitive " & ' + < > \ `.
            length += c is >= ' ' and <= '~' and not ('"' or '&' or '\'' or '+' or '<' or '>' or '\\' or '`') ? 1 : 6;
        }

        return length;
    }
}
