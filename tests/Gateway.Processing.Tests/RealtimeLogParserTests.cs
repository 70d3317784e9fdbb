using System.Text;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

/// <summary>Hand-written golden lines for CloudFront's real-time log rules (specs/09).</summary>
public sealed class RealtimeLogParserTests
{
    [Fact]
    public void The_default_golden_line_parses_into_typed_and_decoded_values()
    {
        var parsed = RealtimeLogs.Parse(RealtimeLogs.DefaultLine());

        Assert.Equal(1_607_374_321_541, parsed.TimestampUnixMs);
        Assert.Equal(200, parsed.Status);
        Assert.Equal(273, parsed.BytesSent);
        Assert.Equal(0.082, parsed.TimeTakenSeconds);
        Assert.Equal(16509, parsed.Asn);
        Assert.Equal("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)", parsed[RealtimeLogField.UserAgent]);
        Assert.Equal("/p.gif?pid=px1&e=pageview", parsed[RealtimeLogField.UriStem]);
        Assert.Null(parsed[RealtimeLogField.Cookie]);
        Assert.Equal([("pid", "px1"), ("e", "pageview")], parsed.Query);
    }

    [Fact]
    public void Field_ranges_point_into_the_line_without_decoding()
    {
        var bytes = Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine());
        Assert.True(RealtimeLogs.DefaultParser.TryParse(bytes, out var line, out _));

        var ua = line.RangeOf(RealtimeLogField.UserAgent);
        Assert.Equal("Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_0%20like%20Mac%20OS%20X)", Encoding.UTF8.GetString(ua.Slice(bytes)));
        Assert.True(line.RangeOf(RealtimeLogField.Cookie).IsEmpty);
        Assert.False(line.Has(RealtimeLogField.SslCipher));
        Assert.True(line.RangeOf(RealtimeLogField.SslCipher).IsEmpty);
    }

    [Theory]
    // CloudFront's own format: seconds and three decimals.
    [InlineData("1607374321.541", 1_607_374_321_541L)]
    // Another published sample.
    [InlineData("1684226820.937", 1_684_226_820_937L)]
    // Fewer decimals are unambiguous: .5 is 500 ms.
    [InlineData("1607374321.5", 1_607_374_321_500L)]
    [InlineData("1607374321.54", 1_607_374_321_540L)]
    // Whole seconds.
    [InlineData("1607374321", 1_607_374_321_000L)]
    // Leading zero milliseconds are kept, not dropped.
    [InlineData("1607374321.007", 1_607_374_321_007L)]
    public void Timestamp_is_epoch_seconds_with_up_to_three_decimals_read_as_unix_milliseconds(string logged, long unixMs)
    {
        Assert.Equal(unixMs, RealtimeLogs.Parse(RealtimeLogs.DefaultLine(RealtimeLogField.Timestamp, logged)).TimestampUnixMs);
    }

    [Theory]
    // Four decimals would be silently rounded.
    [InlineData("1607374321.5412")]
    // A dot with no decimals.
    [InlineData("1607374321.")]
    // A decimal comma (a locale-formatted number).
    [InlineData("1607374321,541")]
    // Signs, spaces, exponents and ISO dates are all foreign to the field.
    [InlineData("-1607374321.541")]
    [InlineData(" 1607374321.541")]
    [InlineData("1.6e9")]
    [InlineData("2020-12-07T21:32:01Z")]
    // Overflows a long in milliseconds.
    [InlineData("99999999999999999999")]
    public void Timestamp_in_any_other_shape_is_a_bad_row_naming_the_field(string logged)
    {
        var badRow = RealtimeLogs.BadRow(RealtimeLogs.DefaultLine(RealtimeLogField.Timestamp, logged));

        Assert.Equal(BadRowReason.Timestamp, badRow.Reason);
        Assert.Equal(RealtimeLogField.Timestamp, badRow.Field);
        Assert.Equal("parse", badRow.Stage);
        Assert.StartsWith("timestamp (field 1, byte 0 of the line)", badRow.Message, StringComparison.Ordinal);
    }

    [Theory]
    // 000: the viewer hung up before a response; kept as 0, not dropped.
    [InlineData("000", 0)]
    [InlineData("200", 200)]
    [InlineData("499", 499)]
    public void Status_is_read_as_a_number_and_000_means_the_viewer_hung_up(string logged, int status)
    {
        Assert.Equal(status, RealtimeLogs.Parse(RealtimeLogs.DefaultLine(RealtimeLogField.Status, logged)).Status);
    }

    [Theory]
    // '-' in a numeric field is "no value", not zero and not an error (data-prepper#2304 mapped it to 0).
    [InlineData(RealtimeLogField.Asn)]
    [InlineData(RealtimeLogField.BytesSent)]
    [InlineData(RealtimeLogField.TimeTaken)]
    [InlineData(RealtimeLogField.Status)]
    [InlineData(RealtimeLogField.Timestamp)]
    public void A_dash_in_a_numeric_field_is_null(RealtimeLogField field)
    {
        var parsed = RealtimeLogs.Parse(RealtimeLogs.DefaultLine(field, "-"));

        var value = field switch
        {
            RealtimeLogField.Asn => parsed.Asn,
            RealtimeLogField.BytesSent => parsed.BytesSent,
            RealtimeLogField.TimeTaken => (long?)parsed.TimeTakenSeconds,
            RealtimeLogField.Status => parsed.Status,
            _ => parsed.TimestampUnixMs,
        };
        Assert.Null(value);
        Assert.Null(parsed[field]);
    }

    [Theory]
    // Three decimals, as CloudFront writes time-taken.
    [InlineData("0.082", 0.082)]
    [InlineData("12.000", 12.0)]
    [InlineData("0.001", 0.001)]
    [InlineData("3", 3.0)]
    public void Time_taken_is_seconds_to_three_decimals(string logged, double seconds)
    {
        Assert.Equal(seconds, RealtimeLogs.Parse(RealtimeLogs.DefaultLine(RealtimeLogField.TimeTaken, logged)).TimeTakenSeconds);
    }

    [Theory]
    // Spaces in a User-Agent are logged as %20 and decoded exactly once.
    [InlineData(RealtimeLogField.UserAgent, "curl/8.4.0%20(x86_64)", "curl/8.4.0 (x86_64)")]
    // A header's own %20 (logged %2520) stays %20: headers are decoded once, unlike query values.
    [InlineData(RealtimeLogField.UserAgent, "a%2520b", "a%20b")]
    // '+' in a header is a literal plus, not a space.
    [InlineData(RealtimeLogField.UserAgent, "Mozilla/5.0+(compatible)", "Mozilla/5.0+(compatible)")]
    // Non-ASCII arrives as escaped UTF-8 bytes.
    [InlineData(RealtimeLogField.UserAgent, "Caf%C3%A9%20%E2%98%95", "Café ☕")]
    // Lower-case hex is accepted as well.
    [InlineData(RealtimeLogField.UserAgent, "Caf%c3%a9", "Café")]
    // A referer keeps its own query encoding (it is a header, decoded once).
    [InlineData(RealtimeLogField.Referer, "https://shop.example/?q=a%2520b", "https://shop.example/?q=a%20b")]
    // Cookie separators and quotes.
    [InlineData(RealtimeLogField.Cookie, "a=1;%20b=%222%22", "a=1; b=\"2\"")]
    // Newlines and tabs inside header values are escaped so they cannot split the record.
    [InlineData(RealtimeLogField.ForwardedFor, "198.51.100.0,%09203.0.113.0%0A", "198.51.100.0,\t203.0.113.0\n")]
    // An IPv6 address needs no escaping.
    [InlineData(RealtimeLogField.ClientIp, "2001:db8:85a3::", "2001:db8:85a3::")]
    // The stem is the whole target in real-time logs; decoding once gives the client's own encoding back.
    [InlineData(RealtimeLogField.UriStem, "/p.gif?u=https%253A%252F%252Fa.example", "/p.gif?u=https%3A%2F%2Fa.example")]
    public void Text_fields_are_percent_decoded_exactly_once(RealtimeLogField field, string logged, string value)
    {
        Assert.Equal(value, RealtimeLogs.Parse(RealtimeLogs.DefaultLine(field, logged))[field]);
    }

    [Theory]
    // c-ip-version has two values.
    [InlineData("IPv4", 4)]
    [InlineData("IPv6", 6)]
    public void Client_ip_version_is_4_or_6(string logged, int version)
    {
        var parser = new RealtimeLogParser([RealtimeLogField.Timestamp, RealtimeLogField.ClientIpVersion]);

        Assert.Equal(version, RealtimeLogs.Parse($"1607374321.541\t{logged}", parser).ClientIpVersion);
        Assert.Equal(BadRowReason.UnknownValue, RealtimeLogs.BadRow("1607374321.541\tIPv5", parser).Reason);
    }

    [Fact]
    public void Fields_are_read_by_canonical_position_so_a_short_list_maps_country_to_field_three()
    {
        // specs/09: configuring time-to-first-byte, sc-status, c-country puts country in field 3.
        var parser = new RealtimeLogParser(RealtimeLogFields.ParseList(["time-to-first-byte", "sc-status", "c-country"]));

        var parsed = RealtimeLogs.Parse("0.004\t000\tFR", parser);

        Assert.Equal((0.004, 0, "FR"), (parsed.TimeToFirstByteSeconds, parsed.Status, parsed[RealtimeLogField.Country]));
    }

    [Theory]
    // One field missing: the message gives both counts.
    [InlineData(-1, "expected 18 tab-separated fields, got 17")]
    // One field too many (a field was added to the config on one side only).
    [InlineData(1, "expected 18 tab-separated fields, got 19")]
    public void A_wrong_field_count_is_a_bad_row_saying_expected_and_got(int extra, string message)
    {
        var fields = RealtimeLogs.DefaultLine().Split('\t').ToList();
        if (extra < 0)
        {
            fields.RemoveAt(fields.Count - 1);
        }
        else
        {
            fields.Add("x");
        }

        var badRow = RealtimeLogs.BadRow(string.Join('\t', fields));

        Assert.Equal((BadRowReason.FieldCount, message, (RealtimeLogField?)null), (badRow.Reason, badRow.Message, badRow.Field));
    }

    [Theory]
    // Letters in a byte count.
    [InlineData(RealtimeLogField.BytesSent, "27x", "sc-bytes (field 4, byte 29 of the line) is '27x', not a non-negative integer")]
    // Negative numbers are not in CloudFront's vocabulary.
    [InlineData(RealtimeLogField.Asn, "-5", "asn (field 18, byte ")]
    // Status is always three digits.
    [InlineData(RealtimeLogField.Status, "20", "sc-status (field 3, byte 25 of the line) is '20', not a 3-digit status")]
    // More than three decimals of seconds.
    [InlineData(RealtimeLogField.TimeTaken, "0.0824", "time-taken (field 11, ")]
    public void A_malformed_number_is_a_bad_row_naming_field_and_byte(RealtimeLogField field, string logged, string messageStart)
    {
        var line = RealtimeLogs.DefaultLine(field, logged);

        var badRow = RealtimeLogs.BadRow(line);

        Assert.Equal((BadRowReason.Number, (RealtimeLogField?)field), (badRow.Reason, badRow.Field));
        Assert.StartsWith(messageStart, badRow.Message, StringComparison.Ordinal);
        Assert.Equal(line.IndexOf(logged, StringComparison.Ordinal), badRow.Position);
    }

    [Theory]
    // Not hex.
    [InlineData("Mozilla%2G", 7)]
    // Truncated at the end of the field.
    [InlineData("Mozilla%2", 7)]
    [InlineData("Mozilla%", 7)]
    public void An_invalid_percent_escape_is_a_bad_row_naming_the_field_and_offset(string logged, int offsetInField)
    {
        var line = RealtimeLogs.DefaultLine(RealtimeLogField.UserAgent, logged);

        var badRow = RealtimeLogs.BadRow(line);

        Assert.Equal((BadRowReason.PercentEncoding, (RealtimeLogField?)RealtimeLogField.UserAgent), (badRow.Reason, badRow.Field));
        Assert.Equal(line.IndexOf(logged, StringComparison.Ordinal) + offsetInField, badRow.Position);
        Assert.Contains($"cs-user-agent (field 12, byte {badRow.Position} of the line) has an invalid percent escape", badRow.Message, StringComparison.Ordinal);
        Assert.Contains($"at byte {offsetInField} of the field", badRow.Message, StringComparison.Ordinal);
    }

    [Theory]
    // A lone continuation byte.
    [InlineData("%80")]
    // A truncated two-byte sequence.
    [InlineData("Caf%C3")]
    // An overlong encoding of '/'.
    [InlineData("%C0%AF")]
    // A UTF-16 surrogate encoded as UTF-8.
    [InlineData("%ED%A0%80")]
    public void Bytes_that_are_not_utf8_after_decoding_are_a_bad_row(string logged)
    {
        var badRow = RealtimeLogs.BadRow(RealtimeLogs.DefaultLine(RealtimeLogField.Referer, logged));

        Assert.Equal((BadRowReason.Utf8, (RealtimeLogField?)RealtimeLogField.Referer), (badRow.Reason, badRow.Field));
        Assert.Contains("cs-referer", badRow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_bytes_that_are_not_utf8_are_a_bad_row_too()
    {
        var line = Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine(RealtimeLogField.Country, "U?"));
        line[Array.LastIndexOf(line, (byte)'?')] = 0xFF;

        var (parsed, badRow) = RealtimeLogs.TryParse(line, RealtimeLogs.DefaultParser);

        Assert.Null(parsed);
        Assert.Equal((BadRowReason.Utf8, (RealtimeLogField?)RealtimeLogField.Country), (badRow.Reason, badRow.Field));
    }

    [Fact]
    public void A_wrong_field_count_is_reported_before_a_bad_field()
    {
        var line = RealtimeLogs.DefaultLine(RealtimeLogField.Timestamp, "yesterday") + "\textra";

        Assert.Equal(BadRowReason.FieldCount, RealtimeLogs.BadRow(line).Reason);
    }

    public static TheoryData<int> Offsets => [.. Enumerable.Range(0, 70)];

    [Theory]
    // The line is scanned a vector at a time (16 or 32 bytes); a fault must be found and placed the same in any lane,
    // across a vector boundary and in the bytes after the last whole vector.
    [MemberData(nameof(Offsets))]
    public void A_fault_is_found_and_placed_wherever_it_falls_in_the_line(int offset)
    {
        var padding = new string('a', offset);
        var ua = RealtimeLogs.DefaultLine(RealtimeLogField.UserAgent, padding + "%2G");
        var utf8 = RealtimeLogs.DefaultLine(RealtimeLogField.UserAgent, padding + "%C3");
        var query = RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery, "q=" + padding + "%25zz");
        var alone = new RealtimeLogParser([RealtimeLogField.UserAgent]);
        var raw = Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine(RealtimeLogField.UserAgent, padding + "~"));
        var rawAt = Array.IndexOf(raw, (byte)'~');
        raw[rawAt] = 0xFF;

        Assert.Equal((BadRowReason.PercentEncoding, ua.IndexOf("%2G", StringComparison.Ordinal)), (RealtimeLogs.BadRow(ua).Reason, RealtimeLogs.BadRow(ua).Position));
        Assert.Equal((BadRowReason.Utf8, utf8.IndexOf(padding + "%C3", StringComparison.Ordinal)), (RealtimeLogs.BadRow(utf8).Reason, RealtimeLogs.BadRow(utf8).Position));
        Assert.Equal((BadRowReason.PercentEncoding, query.IndexOf("q=", StringComparison.Ordinal)), (RealtimeLogs.BadRow(query).Reason, RealtimeLogs.BadRow(query).Position));
        Assert.Equal((BadRowReason.Utf8, rawAt - offset), (RealtimeLogs.TryParse(raw, RealtimeLogs.DefaultParser).BadRow.Reason, RealtimeLogs.TryParse(raw, RealtimeLogs.DefaultParser).BadRow.Position));
        Assert.Equal((BadRowReason.PercentEncoding, offset), (RealtimeLogs.BadRow(padding + "%2", alone).Reason, RealtimeLogs.BadRow(padding + "%2", alone).Position));
        Assert.Equal(padding + "é", RealtimeLogs.Parse(padding + "%C3%A9", alone)[RealtimeLogField.UserAgent]);
    }

    [Theory]
    // The second escape's digits are themselves escaped (%34 is '4', %31 is '1'): "%41" once decoded, 'A' twice.
    [InlineData("/p.gif?a=%25%34%31", "a", "A")]
    // Non-ASCII text in the query, decoded twice to UTF-8.
    [InlineData("/p.gif?t=caf%25C3%25A9", "t", "café")]
    // A '%' in the path, before the '?', is decoded once only: "%zz" is a path, not a broken escape.
    [InlineData("/a%25zz.gif?a=1", "a", "1")]
    // An escaped '?' (%3F) is a '?' once decoded, so the query starts there, before the literal one.
    [InlineData("/a%3Fb=%2541?c=2", "b", "A?c=2")]
    public void Stem_queries_the_line_scan_cannot_clear_are_checked_the_long_way_and_parse(string logged, string name, string value)
    {
        var parser = new RealtimeLogParser([RealtimeLogField.Timestamp, RealtimeLogField.UriStem]);

        Assert.Contains((name, value), RealtimeLogs.Parse($"1607374321.541\t{logged}", parser).Query);
    }

    [Fact]
    public void A_line_over_the_limit_is_a_bad_row_and_the_limit_is_configurable()
    {
        var line = RealtimeLogs.DefaultLine(RealtimeLogField.UserAgent, new string('a', 70_000));

        var badRow = RealtimeLogs.BadRow(line);
        var generous = new RealtimeLogParser(RealtimeLogFields.Default, maxLineBytes: 128 * 1024);

        Assert.Equal(BadRowReason.LineTooLong, badRow.Reason);
        Assert.Equal($"line is {line.Length} bytes, over the 65536-byte limit", badRow.Message);
        Assert.Equal(70_000, RealtimeLogs.Parse(line, generous)[RealtimeLogField.UserAgent]!.Length);
    }

    [Fact]
    public void A_parser_refuses_a_field_list_out_of_canonical_order()
    {
        var error = Assert.Throws<ArgumentException>(() => new RealtimeLogParser([RealtimeLogField.Status, RealtimeLogField.Timestamp]));

        Assert.Contains("'timestamp' follows 'sc-status'", error.Message, StringComparison.Ordinal);
    }
}
