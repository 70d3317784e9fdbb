using System.Globalization;
using System.Text;
using Gateway.Processing;

namespace Gateway.Lambda.Tests.Support;

/// <summary>Test data: sample files from the specs and small event factories.</summary>
internal static class Some
{
    public const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:gateway-test";

    public const string TraceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";

    /// <summary>2025-01-01T00:00:00Z, the start of every fake clock.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The bytes of a file under <c>data/</c>, exactly as stored.</summary>
    public static byte[] DataFile(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", name));

    /// <summary>A Kinesis event as Lambda sends it: one record per payload, ascending 56-digit sequence numbers.</summary>
    public static string KinesisEventJson(params string[] payloads)
    {
        var records = payloads.Select((payload, i) =>
        {
            var sequence = SequenceNumber(i);
            var data = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload));
            return $$"""
                {"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pk-{{i}}","sequenceNumber":"{{sequence}}","data":"{{data}}","approximateArrivalTimestamp":1735689600.{{i:000}}},"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000000000000:{{sequence}}","eventName":"aws:kinesis:record","invokeIdentityArn":"arn:aws:iam::123456789012:role/LambdaRole","awsRegion":"us-east-1","eventSourceARN":"arn:aws:kinesis:us-east-1:123456789012:stream/raw"}
                """;
        });
        return $$"""{"Records":[{{string.Join(',', records)}}]}""";
    }

    /// <summary>The sequence number <see cref="KinesisEventJson"/> gives the record at <paramref name="index"/>.</summary>
    public static string SequenceNumber(int index) =>
        "4956816737333333333333333333333333333333333333333333" + (1000 + index).ToString(CultureInfo.InvariantCulture);

    /// <summary>Kinesis event records with the given sequence numbers, in the given order.</summary>
    public static List<KinesisEventRecord> Records(IEnumerable<string> sequenceNumbers) =>
        [.. sequenceNumbers.Select(s => new KinesisEventRecord { Kinesis = new KinesisRecord { SequenceNumber = s } })];

    public static long EpochMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    /// <summary>
    /// The default 18 real-time log fields as CloudFront logs them for a pageview: the golden values of
    /// Gateway.Processing.Tests' RealtimeLogs, with a full client IP (as CloudFront logs it) and the path alone as stem.
    /// </summary>
    public static IReadOnlyDictionary<RealtimeLogField, string> RealtimeLogDefaults { get; } =
        new Dictionary<RealtimeLogField, string>(Gateway.Tests.Shared.RealtimeLogSamples.Golden)
        {
            [RealtimeLogField.ClientIp] = "198.51.100.23",
            [RealtimeLogField.UriStem] = "/p.gif",
        };

    /// <summary>A real-time log line with the default fields in canonical order, <paramref name="changes"/> applied (values as logged).</summary>
    public static string RealtimeLogLine(params (RealtimeLogField Field, string Value)[] changes)
    {
        var values = new Dictionary<RealtimeLogField, string>(RealtimeLogDefaults);
        foreach (var (field, value) in changes)
        {
            values[field] = value;
        }

        return string.Join('\t', RealtimeLogFields.Default.Select(f => values[f]));
    }

    /// <summary>A Firehose transformation event (Kinesis stream source) with one record per payload; record ids r-0, r-1, ….</summary>
    public static byte[] FirehoseEventJson(params string[] payloads) => FirehoseEventJson(payloads.Select(p => Encoding.UTF8.GetBytes(p)).ToArray());

    /// <summary>Same as the string overload over raw record bytes.</summary>
    public static byte[] FirehoseEventJson(params byte[][] payloads)
    {
        var records = payloads.Select((payload, i) =>
        {
            var arrival = EpochMs(Now) + i;
            return $$$"""
                {"recordId":"r-{{{i}}}","approximateArrivalTimestamp":{{{arrival}}},"data":"{{{Convert.ToBase64String(payload)}}}","kinesisRecordMetadata":{"shardId":"shardId-000000000000","partitionKey":"pk-{{{i}}}","approximateArrivalTimestamp":{{{arrival}}},"sequenceNumber":"{{{SequenceNumber(i)}}}","subsequenceNumber":0}}
                """;
        });
        return Encoding.UTF8.GetBytes($$"""
            {"invocationId":"invocation-1","deliveryStreamArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/gateway-events","sourceKinesisStreamArn":"arn:aws:kinesis:us-east-1:123456789012:stream/gateway-raw","region":"us-east-1","records":[{{string.Join(',', records)}}]}
            """);
    }
}
