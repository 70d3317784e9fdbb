using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Edge;

namespace Gateway.Processing.Tests.Support;

/// <summary>What a parsed line said, copied out of the ref struct so tests (and FsCheck lambdas) can hold it.</summary>
internal sealed record ParsedLine(
    IReadOnlyDictionary<RealtimeLogField, string?> Text,
    long? TimestampUnixMs,
    int? Status,
    long? BytesSent,
    long? BytesReceived,
    double? TimeTakenSeconds,
    double? TimeToFirstByteSeconds,
    int? ClientIpVersion,
    int? ClientPort,
    long? ContentLength,
    int? HeadersCount,
    long? Asn,
    IReadOnlyList<(string Name, string Value)> Query)
{
    public string? this[RealtimeLogField field] => Text.GetValueOrDefault(field);
}

/// <summary>Real-time log lines for tests: the golden default line, edits of it, and parse helpers.</summary>
internal static class RealtimeLogs
{
    /// <summary>The default 18 fields as CloudFront (and the edge's formatter) writes them for a pageview.</summary>
    public static readonly IReadOnlyDictionary<RealtimeLogField, string> DefaultValues = Gateway.Tests.Shared.RealtimeLogSamples.Golden;

    public static readonly RealtimeLogParser DefaultParser = new(RealtimeLogFields.Default);

    public static readonly RealtimeLogParser AllFieldsParser = new(RealtimeLogFields.All);

    /// <summary>The golden default line with <paramref name="field"/> replaced by <paramref name="value"/> (as logged).</summary>
    public static string DefaultLine(RealtimeLogField? field = null, string? value = null) =>
        string.Join('\t', RealtimeLogFields.Default.Select(f => f == field ? value : DefaultValues[f]));

    /// <summary>Parses <paramref name="line"/>, failing the test with the bad-row message when it does not parse.</summary>
    public static ParsedLine Parse(string line, RealtimeLogParser? parser = null) => Parse(Encoding.UTF8.GetBytes(line), parser);

    public static ParsedLine Parse(byte[] line, RealtimeLogParser? parser = null)
    {
        var (parsed, badRow) = TryParse(line, parser ?? DefaultParser);
        Assert.True(parsed is not null, $"expected the line to parse, got {badRow}");
        return parsed;
    }

    /// <summary>Parses <paramref name="line"/>, failing the test when it does parse.</summary>
    public static RealtimeLogBadRow BadRow(string line, RealtimeLogParser? parser = null)
    {
        var (parsed, badRow) = TryParse(Encoding.UTF8.GetBytes(line), parser ?? DefaultParser);
        Assert.True(parsed is null, "expected a bad row, but the line parsed");
        return badRow;
    }

    /// <summary>Parses and reads every value out, the way a consumer would (decoding, iterating the query).</summary>
    public static (ParsedLine? Parsed, RealtimeLogBadRow BadRow) TryParse(ReadOnlySpan<byte> line, RealtimeLogParser parser)
    {
        if (!parser.TryParse(line, out var result, out var badRow))
        {
            return (null, badRow);
        }

        var text = new Dictionary<RealtimeLogField, string?>();
        foreach (var field in parser.Fields)
        {
            text[field] = result.GetString(field);
        }

        var query = new List<(string, string)>();
        using (var parameters = result.Query())
        {
            foreach (var parameter in parameters)
            {
                query.Add((parameter.GetName(), parameter.GetValue()));
            }
        }

        return (new ParsedLine(
            text, result.TimestampUnixMs, result.Status, result.BytesSent, result.BytesReceived, result.TimeTakenSeconds,
            result.TimeToFirstByteSeconds, result.ClientIpVersion, result.ClientPort, result.ContentLength, result.HeadersCount,
            result.Asn, query), badRow);
    }

    /// <summary>A query string as a browser builds it from <paramref name="pairs"/> (each part percent-encoded).</summary>
    public static string ClientQuery(IEnumerable<(string Name, string Value)> pairs) =>
        string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>Text a client or header could carry: ASCII, CloudFront's escaped set, controls, and non-ASCII scalars.</summary>
    public static Gen<string> Text(int maxLength) =>
        from length in Gen.Choose(1, maxLength)
        from runes in Gen.ArrayOf(Gen.Frequency(
            (6, Gen.Elements("abcXYZ019-_.~!$&()*+,/:;=?@".ToCharArray()).Select(c => c.ToString())),
            (3, Gen.Elements(" ", "%", "%3A", "%25", "+", "\t", "\n", "\r", "<", ">", "\"", "#", "{", "}", "|", "\\", "^", "[", "]", "`", "'", "\u007f", "\u0001")),
            (2, Gen.Elements("é", "ß", "☕", "中文", "😀", "\u00a0", "\u200b"))), length)
        select Avoid(string.Concat(runes));

    /// <summary>Query parameters with the same awkward characters; names are never empty.</summary>
    public static Gen<(string Name, string Value)[]> QueryPairs =>
        from count in Gen.Choose(0, 6)
        from pairs in Gen.ArrayOf(
            from name in Text(8)
            from value in Gen.Frequency((1, Gen.Constant(string.Empty)), (5, Text(30)))
            select (name, value), count)
        select pairs;

    /// <summary>A random request as the edge would log it, restricted to values the log can represent.</summary>
    public static Gen<(RealtimeLogEntry Entry, (string Name, string Value)[] Pairs)> Entry =>
        from timestamp in Gen.Choose(0, int.MaxValue).Select(s => (long)s * 1000)
        from millis in Gen.Choose(0, 999)
        from status in Gen.Elements(0, 200, 204, 304, 404, 503)
        from bytes in Gen.Choose(0, int.MaxValue)
        from taken in Gen.Choose(0, 600_000)
        from ipv6 in Gen.Elements(true, false)
        from ua in Text(60)
        from referer in Gen.Frequency((1, Gen.Constant<string?>(null)), (3, Text(40).Select(s => (string?)s)))
        from cookie in Gen.Frequency((1, Gen.Constant<string?>(null)), (2, Text(30).Select(s => (string?)s)))
        from headers in Text(40)
        from pairs in QueryPairs
        from asn in Gen.Choose(0, 400_000)
        from port in Gen.Choose(0, 65_535)
        select (new RealtimeLogEntry
        {
            TimestampUnixMs = timestamp + millis,
            ClientIp = ipv6 ? "2001:db8:85a3::" : "203.0.113.0",
            ClientIpVersion = ipv6 ? "IPv6" : "IPv4",
            ClientPort = port,
            Status = status,
            BytesSent = bytes,
            BytesReceived = bytes % 3 == 0 ? -1 : bytes / 7,
            Method = "GET",
            Protocol = "https",
            Host = "d111111abcdef8.cloudfront.net",
            UriStem = "/p.gif" + (pairs.Length > 0 ? "?" + ClientQuery(pairs) : string.Empty),
            UriQuery = pairs.Length > 0 ? ClientQuery(pairs) : null,
            EdgeLocation = "FRA56-P7",
            RequestId = "req-" + bytes,
            HostHeader = "px.example",
            TimeTakenSeconds = taken / 1000.0,
            TimeToFirstByteSeconds = taken / 2000.0,
            ProtocolVersion = "HTTP/2.0",
            UserAgent = ua,
            Referer = referer,
            Cookie = cookie,
            ForwardedFor = null,
            ResultType = "Miss",
            ContentType = "image/gif",
            ContentLength = 43,
            Country = "DE",
            AcceptEncoding = "gzip, br",
            Accept = "image/*",
            CacheBehaviorPathPattern = "/p.gif",
            Headers = headers,
            HeaderNames = "host\nuser-agent",
            HeadersCount = 2,
            Asn = asn,
        }, pairs);

    // A whole value of "-" is indistinguishable from "empty" in the log, so generated text never is one.
    private static string Avoid(string s) => s == "-" ? "x-" : s;
}
