using Gateway.Processing;

namespace Gateway.Edge.Tests;

/// <summary>Golden lines for CloudFront's real-time log rules (specs/09 and the CloudFront log-format reference).</summary>
public sealed class RealtimeLogFormatterTests
{
    private static readonly RealtimeLogFormatter Default = new(RealtimeLogFields.Default);

    private static RealtimeLogEntry Some() => new()
    {
        TimestampUnixMs = 1_607_374_321_541,
        ClientIp = "192.0.2.0",
        Status = 200,
        BytesSent = 273,
        Method = "GET",
        Protocol = "https",
        Host = "d111111abcdef8.cloudfront.net",
        UriStem = "/p.gif?pid=px1&e=pageview",
        EdgeLocation = "IAD89-C1",
        RequestId = "ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYeaGyGxMawvRJWA==",
        TimeTakenSeconds = 0.0824,
        UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
        Referer = "https://shop.example/",
        UriQuery = "pid=px1&e=pageview",
        Country = "US",
        Asn = 16509,
        BytesReceived = -1,
        ContentLength = -1,
    };

    [Fact]
    public void Default_fields_come_out_tab_separated_in_canonical_order_with_dashes_for_empty()
    {
        var line = Default.Format(Some());

        Assert.Equal(
            "1607374321.541\t192.0.2.0\t200\t273\tGET\thttps\td111111abcdef8.cloudfront.net\t/p.gif?pid=px1&e=pageview\tIAD89-C1\t" +
            "ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYeaGyGxMawvRJWA==\t0.082\t" +
            "Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_0%20like%20Mac%20OS%20X)\thttps://shop.example/\t-\t" +
            "pid=px1&e=pageview\t-\tUS\t16509",
            line);
    }

    [Theory]
    // Spaces, as in every User-Agent.
    [InlineData("a b", "a%20b")]
    // A client's %3A is logged as %253A: '%' itself is encoded, so query values must be decoded twice.
    [InlineData("u=https%3A%2F%2Fa.example", "u=https%253A%252F%252Fa.example")]
    // Every character of CloudFront's table (RFC 1738 unsafe set plus the apostrophe).
    [InlineData("<>\"#%{}|\\^~[]`'", "%3C%3E%22%23%25%7B%7D%7C%5C%5E%7E%5B%5D%60%27")]
    // Tabs and newlines in headers must not split the record.
    [InlineData("a\tb\nc\rd", "a%09b%0Ac%0Dd")]
    // DEL and other control bytes.
    [InlineData("x\u007fy\u0001", "x%7Fy%01")]
    // Non-ASCII is logged as its UTF-8 bytes, each percent-encoded.
    [InlineData("Café ☕", "Caf%C3%A9%20%E2%98%95")]
    // Astral plane (surrogate pair) is one 4-byte UTF-8 sequence.
    [InlineData("😀", "%F0%9F%98%80")]
    // Safe punctuation passes through untouched.
    [InlineData("a=1&b=2;c,d:e/f?g@h!$*()+-._", "a=1&b=2;c,d:e/f?g@h!$*()+-._")]
    public void Text_fields_use_cloudfronts_percent_encoding(string raw, string logged)
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.UserAgent]);

        Assert.Equal(logged, formatter.Format(new RealtimeLogEntry { UserAgent = raw }));
    }

    [Fact]
    public void Lone_surrogate_becomes_the_replacement_character()
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.UserAgent]);

        Assert.Equal("a%EF%BF%BDb", formatter.Format(new RealtimeLogEntry { UserAgent = "a\ud800b" }));
    }

    [Theory]
    [InlineData(1_607_374_321_005, "1607374321.005")]
    [InlineData(1_607_374_321_000, "1607374321.000")]
    [InlineData(999, "0.999")]
    public void Timestamp_is_epoch_seconds_with_three_decimals(long unixMs, string logged)
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.Timestamp]);

        Assert.Equal(logged, formatter.Format(new RealtimeLogEntry { TimestampUnixMs = unixMs }));
    }

    [Fact]
    public void Status_of_a_viewer_that_hung_up_is_000()
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.Status]);

        Assert.Equal("000", formatter.Format(new RealtimeLogEntry { Status = 0 }));
    }

    [Fact]
    public void IPv6_addresses_and_version_are_logged_as_is()
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.ClientIp, RealtimeLogField.ClientIpVersion]);

        Assert.Equal("2001:db8:85a3::\tIPv6", formatter.Format(new RealtimeLogEntry { ClientIp = "2001:db8:85a3::", ClientIpVersion = "IPv6" }));
    }

    [Fact]
    public void Unknown_numbers_and_fields_the_local_edge_cannot_know_are_dashes()
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.BytesReceived, RealtimeLogField.SslProtocol, RealtimeLogField.ClientPort, RealtimeLogField.Asn]);

        Assert.Equal("-\t-\t-\t-", formatter.Format(new RealtimeLogEntry { BytesReceived = -1 }));
    }

    [Fact]
    public void Cookie_is_truncated_to_800_bytes_without_splitting_an_escape()
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.Cookie]);
        // 799 safe bytes, then a space that would need 3 bytes: it must be dropped whole.
        var cookie = new string('c', 799) + " tail";

        var logged = formatter.Format(new RealtimeLogEntry { Cookie = cookie });

        Assert.Equal(new string('c', 799), logged);
    }

    [Fact]
    public void Time_taken_is_seconds_rounded_to_milliseconds()
    {
        var formatter = new RealtimeLogFormatter([RealtimeLogField.TimeTaken]);

        Assert.Equal("1.235", formatter.Format(new RealtimeLogEntry { TimeTakenSeconds = 1.2345 }));
    }

    [Fact]
    public void Too_small_buffer_reports_false_instead_of_a_partial_record()
    {
        Assert.False(Default.TryFormat(Some(), new byte[20], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Output_never_contains_tabs_or_newlines_other_than_separators()
    {
        var property = FsCheck.Fluent.Prop.ForAll<string, string, string>((ua, referer, query) =>
        {
            var entry = new RealtimeLogEntry { UserAgent = ua, Referer = referer, UriQuery = query };
            var line = Default.Format(entry);
            return line.Split('\t').Length == RealtimeLogFields.Default.Count && !line.Contains('\n', StringComparison.Ordinal) && !line.Contains('\r', StringComparison.Ordinal) && line.All(c => c is > ' ' and < '\u007f' || c == '\t');
        });

        FsCheck.Check.QuickThrowOnFailure(property);
    }

    [Fact]
    public void Escaping_matches_a_byte_by_byte_reading_of_cloudfronts_rules_for_any_text()
    {
        // The formatter copies safe runs in bulk; this reference escapes one UTF-8 byte at a time, as the rules read.
        static string Reference(string text)
        {
            var builder = new System.Text.StringBuilder();
            foreach (var b in System.Text.Encoding.UTF8.GetBytes(text))
            {
                var escape = b <= 32 || b >= 127 || "<>\"#%{}|\\^~[]`'".Contains((char)b, StringComparison.Ordinal);
                builder.Append(escape ? $"%{b:X2}" : ((char)b).ToString());
            }

            return builder.Length == 0 ? "-" : builder.ToString();
        }

        var formatter = new RealtimeLogFormatter([RealtimeLogField.UserAgent]);
        var property = FsCheck.Fluent.Prop.ForAll<string>(text =>
            formatter.Format(new RealtimeLogEntry { UserAgent = text }) == Reference(text ?? ""));

        FsCheck.Check.QuickThrowOnFailure(property);
    }
}
