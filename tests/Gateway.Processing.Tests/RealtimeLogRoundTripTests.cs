using System.Text;
using Gateway.Edge;
using Gateway.Processing.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Processing.Tests;

/// <summary>Lines written by the edge's own <see cref="RealtimeLogFormatter"/> parse back to the values it was given.</summary>
public sealed class RealtimeLogRoundTripTests
{
    private static readonly RealtimeLogFormatter DefaultFormatter = new(RealtimeLogFields.Default);
    private static readonly RealtimeLogFormatter AllFormatter = new(RealtimeLogFields.All);

    public static TheoryData<string, string?, string?, (string, string)[]> TrickyEntries => new()
    {
        // Spaces, parentheses and semicolons in a User-Agent.
        { "plain", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/121.0", null, [("pid", "px1")] },
        // Non-ASCII and an emoji in the User-Agent.
        { "unicode", "Café ☕ 😀 Browser/1.0", "https://münchen.example/ü", [("t", "Grüße ☕")] },
        // A '%' and an encoded ':' in the query: the client's %3A is logged %253A.
        { "percent", "ua", null, [("u", "https://a.example/?x=1"), ("p", "100%"), ("raw", "%3A")] },
        // Tabs and newlines in a header must not split the record.
        { "controls", "a\tb\nc\rd", "x\ty", [("n", "line1\nline2")] },
        // '+' and '&' and '=' in values.
        { "form", "UA+plus", null, [("q", "a+b c"), ("amp", "x&y=z")] },
        // No query at all.
        { "empty", "ua", null, [] },
        // A long query string, far beyond a typical 1 KB line.
        { "huge", "ua", null, Enumerable.Range(0, 200).Select(i => ($"k{i}", new string('v', 40) + "é%:/")).ToArray() },
    };

    [Theory]
    [MemberData(nameof(TrickyEntries))]
    public void Tricky_entries_written_by_the_formatter_parse_back_to_the_original_values(string label, string? userAgent, string? referer, (string, string)[] pairs)
    {
        var entry = Entry(userAgent, referer, pairs);

        foreach (var (formatter, parser) in new[] { (DefaultFormatter, RealtimeLogs.DefaultParser), (AllFormatter, RealtimeLogs.AllFieldsParser) })
        {
            var parsed = RealtimeLogs.Parse(Encoding.UTF8.GetBytes(formatter.Format(entry)), parser);

            AssertSame(entry, pairs, parsed);
            Assert.True(label.Length > 0);
        }
    }

    [Fact]
    public void An_ipv6_viewer_and_a_hung_up_request_round_trip()
    {
        var entry = Entry("ua", null, []);
        entry.ClientIp = "2001:db8:85a3::";
        entry.ClientIpVersion = "IPv6";
        entry.Status = 0;

        var line = AllFormatter.Format(entry);
        var parsed = RealtimeLogs.Parse(line, RealtimeLogs.AllFieldsParser);

        Assert.Contains("\t000\t", line, StringComparison.Ordinal);
        Assert.Equal((0, 6, "2001:db8:85a3::"), (parsed.Status, parsed.ClientIpVersion, parsed[RealtimeLogField.ClientIp]));
    }

    [Fact]
    public void Query_parameters_agree_with_aspnetcore_query_parsing_of_the_client_query()
    {
        // An independent decoder (ASP.NET Core's) reading what the client sent must see what we see after two decodes.
        var pairs = new[] { ("u", "https://a.example/?x=1&y=2"), ("p", "100%"), ("t", "Grüße"), ("s", "a b+c") };
        var entry = Entry("ua", null, pairs);

        var parsed = RealtimeLogs.Parse(DefaultFormatter.Format(entry));
        var reference = QueryHelpers.ParseQuery("?" + entry.UriQuery);

        Assert.Equal(reference.Select(kv => (kv.Key, kv.Value.ToString())).OrderBy(p => p.Key), parsed.Query.OrderBy(p => p.Name));
    }

    internal static void AssertSame(in RealtimeLogEntry entry, IReadOnlyList<(string Name, string Value)> pairs, ParsedLine parsed)
    {
        Assert.Equal(entry.TimestampUnixMs, parsed.TimestampUnixMs);
        Assert.Equal(entry.Status, parsed.Status);
        Assert.Equal(entry.BytesSent, parsed.BytesSent);
        Assert.Equal(Math.Round(entry.TimeTakenSeconds, 3, MidpointRounding.AwayFromZero), parsed.TimeTakenSeconds!.Value, 9);
        Assert.Equal(entry.Asn > 0 ? entry.Asn : null, parsed.Asn);
        Assert.Equal(entry.ClientIp, parsed[RealtimeLogField.ClientIp]);
        Assert.Equal(entry.Method, parsed[RealtimeLogField.Method]);
        Assert.Equal(entry.UriStem, parsed[RealtimeLogField.UriStem]);
        Assert.Equal(entry.UriQuery, parsed[RealtimeLogField.UriQuery]);
        Assert.Equal(entry.UserAgent, parsed[RealtimeLogField.UserAgent]);
        Assert.Equal(entry.Referer, parsed[RealtimeLogField.Referer]);
        Assert.Equal(entry.Cookie, parsed[RealtimeLogField.Cookie]);
        Assert.Equal(entry.Country, parsed[RealtimeLogField.Country]);
        Assert.Equal(pairs, parsed.Query);
        if (parsed.Text.ContainsKey(RealtimeLogField.Headers))
        {
            Assert.Equal(entry.Headers, parsed[RealtimeLogField.Headers]);
            Assert.Equal(entry.BytesReceived >= 0 ? entry.BytesReceived : null, parsed.BytesReceived);
            Assert.Equal(entry.ClientPort > 0 ? entry.ClientPort : null, parsed.ClientPort);
            Assert.Equal(entry.HeadersCount, parsed.HeadersCount);
            Assert.Equal(entry.ClientIpVersion == "IPv6" ? 6 : 4, parsed.ClientIpVersion);
            Assert.Equal(Math.Round(entry.TimeToFirstByteSeconds, 3, MidpointRounding.AwayFromZero), parsed.TimeToFirstByteSeconds!.Value, 9);
        }
    }

    private static RealtimeLogEntry Entry(string? userAgent, string? referer, (string, string)[] pairs) => new()
    {
        TimestampUnixMs = 1_700_000_000_007,
        ClientIp = "198.51.100.0",
        ClientIpVersion = "IPv4",
        ClientPort = 51234,
        Status = 200,
        BytesSent = 354,
        BytesReceived = -1,
        Method = "GET",
        Protocol = "https",
        Host = "d111111abcdef8.cloudfront.net",
        UriStem = "/p.gif" + (pairs.Length > 0 ? "?" + RealtimeLogs.ClientQuery(pairs) : string.Empty),
        UriQuery = pairs.Length > 0 ? RealtimeLogs.ClientQuery(pairs) : null,
        EdgeLocation = "CDG50-C1",
        RequestId = "abc==",
        TimeTakenSeconds = 0.0015,
        TimeToFirstByteSeconds = 0.001,
        UserAgent = userAgent,
        Referer = referer,
        Cookie = "session=\"a b\"; x=%41",
        Country = "FR",
        Headers = "host:px.example\nuser-agent:ua\n",
        HeadersCount = 2,
        ContentLength = -1,
        Asn = 3215,
    };
}
