using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

/// <summary>Query strings arrive with the client's '%' re-encoded, so values are decoded twice — never once, never three times.</summary>
public sealed class RealtimeLogQueryTests
{
    [Theory]
    // A client's %3A is logged as %253A and is ':' after two decodes.
    [InlineData("u=https%253A%252F%252Fa.example%252Fx", "u", "https://a.example/x")]
    // A literal "%25" sent by the client (logged %2525) is '%' after exactly two decodes...
    [InlineData("p=100%2525", "p", "100%")]
    // ...and a client's "%2525" (logged %252525) stays "%25": a third decode would wrongly make it '%'.
    [InlineData("p=%252525", "p", "%25")]
    // '+' in a value is a space (form encoding)...
    [InlineData("q=red+shoes", "q", "red shoes")]
    // ...while a client's %2B (logged %252B) is a real plus.
    [InlineData("q=1%252B1", "q", "1+1")]
    // Escaped UTF-8 from the client decodes to the character.
    [InlineData("t=Caf%25C3%25A9", "t", "Café")]
    // Names are decoded the same way as values.
    [InlineData("utm%255Fsource=news", "utm_source", "news")]
    // A client's encoded '&' and '=' are data, not separators.
    [InlineData("x=a%2526b%253Dc", "x", "a&b=c")]
    // Characters CloudFront escapes itself (a raw space from a sloppy client) need only the first decode.
    [InlineData("s=a%20b", "s", "a b")]
    public void Query_values_are_decoded_exactly_twice(string logged, string name, string value)
    {
        var parsed = RealtimeLogs.Parse(RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery, logged));

        Assert.Equal((name, value), Assert.Single(parsed.Query));
    }

    [Fact]
    public void A_literal_percent_2525_decodes_to_percent_25_after_two_decodes_not_to_percent()
    {
        var parsed = RealtimeLogs.Parse(RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery, "v=%2525"));

        Assert.Equal("v=%25", parsed[RealtimeLogField.UriQuery]);
        Assert.Equal(("v", "%"), Assert.Single(parsed.Query));
    }

    [Fact]
    public void Enumerating_a_query_twice_gives_the_same_values_and_never_decodes_a_third_time()
    {
        var line = System.Text.Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery, "v=%252525&w=%2525"));
        Assert.True(RealtimeLogs.DefaultParser.TryParse(line, out var parsed, out _));

        using var query = parsed.Query();
        var first = new List<string>();
        var second = new List<string>();
        foreach (var p in query)
        {
            first.Add(p.GetValue());
        }

        foreach (var p in query)
        {
            second.Add(p.GetValue());
        }

        Assert.Equal(["%25", "%"], first);
        Assert.Equal(first, second);
        Assert.Equal("%", query.GetFirst("w"u8));
        Assert.Null(query.GetFirst("missing"u8));
    }

    [Theory]
    // Empty pieces are skipped; a bare name has an empty value; '=' inside a value is data.
    [InlineData("a=1&&b=&c&d=x=y", "a=1|b=|c|d=x=y")]
    // A dash is an empty query.
    [InlineData("-", "")]
    // Only separators.
    [InlineData("&&&", "")]
    public void Query_pieces_split_like_a_browser_form(string logged, string expected)
    {
        var line = System.Text.Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery, logged));
        Assert.True(RealtimeLogs.DefaultParser.TryParse(line, out var parsed, out _));

        var pieces = new List<string>();
        using var query = parsed.Query();
        foreach (var p in query)
        {
            pieces.Add(p.ToString());
        }

        Assert.Equal(expected, string.Join('|', pieces));
    }

    [Fact]
    public void Without_cs_uri_query_the_parameters_come_from_the_query_part_of_the_stem()
    {
        var parser = new RealtimeLogParser([RealtimeLogField.Timestamp, RealtimeLogField.UriStem]);

        var parsed = RealtimeLogs.Parse("1607374321.541\t/p.gif?u=a%253Ab&q=x+y", parser);

        Assert.Equal([("u", "a:b"), ("q", "x y")], parsed.Query);
    }

    [Fact]
    public void A_stem_without_a_question_mark_has_no_parameters()
    {
        var parser = new RealtimeLogParser([RealtimeLogField.Timestamp, RealtimeLogField.UriStem]);

        Assert.Empty(RealtimeLogs.Parse("1607374321.541\t/p.gif", parser).Query);
    }

    [Theory]
    // Invalid in the line itself: the first decode fails.
    [InlineData("a=%2G", BadRowReason.PercentEncoding, "has an invalid percent escape '%2G' at byte 2 of the field")]
    // Invalid once decoded (the client sent "%2G", logged %252G): the second decode fails.
    [InlineData("a=%252G", BadRowReason.PercentEncoding, "has an invalid percent escape '%2G' in the query at byte 2 of the once-decoded value")]
    // A client's Latin-1 byte (%E9, logged %25E9) is not UTF-8 after the second decode.
    [InlineData("a=1&t=caf%25E9", BadRowReason.Utf8, "has a query name or value at byte 6 of the once-decoded value that is not valid UTF-8 after the second decode")]
    public void An_undecodable_query_is_a_bad_row_naming_the_field(string logged, BadRowReason reason, string problem)
    {
        var badRow = RealtimeLogs.BadRow(RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery, logged));

        Assert.Equal((reason, (RealtimeLogField?)RealtimeLogField.UriQuery), (badRow.Reason, badRow.Field));
        Assert.StartsWith("cs-uri-query (field 15, byte ", badRow.Message, StringComparison.Ordinal);
        Assert.EndsWith(problem, badRow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undecodable_query_in_the_stem_is_a_bad_row_naming_the_stem()
    {
        var badRow = RealtimeLogs.BadRow(RealtimeLogs.DefaultLine(RealtimeLogField.UriStem, "/p.gif?a=%252G"));

        Assert.Equal((BadRowReason.PercentEncoding, (RealtimeLogField?)RealtimeLogField.UriStem), (badRow.Reason, badRow.Field));
        Assert.Contains("in the query at byte 9 of the once-decoded value", badRow.Message, StringComparison.Ordinal);
    }
}
