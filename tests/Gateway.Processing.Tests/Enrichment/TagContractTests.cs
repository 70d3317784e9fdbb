using System.Text.Json;
using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Tests.Enrichment;

public sealed class TagContractTests
{
    private static TagFields Extract(string query) => TagContract.Extract(Pairs(query));

    /// <summary>"a=1&amp;b=2" as decoded pairs; a test shorthand, the real input comes from the query decoder.</summary>
    internal static KeyValuePair<string, string>[] Pairs(string query) =>
        query.Length == 0
            ? []
            : [.. query.Split('&').Select(p => p.Split('=', 2)).Select(kv => new KeyValuePair<string, string>(kv[0], kv.Length > 1 ? kv[1] : ""))];

    [Fact]
    public void Contract_parameters_land_in_their_fields_and_nothing_else_in_props()
    {
        var tags = Extract("pid=px1&e=purchase&eid=abc&uid=u7&url=https://a.example/p&ref=https://b.example/&v=19.90&cur=eur&ts=1700000000&ch=email"
            + "&utm_source=news&utm_medium=mail&utm_campaign=spring&utm_term=shoes&utm_content=hero");

        Assert.Equal("px1", tags.PixelId);
        Assert.Equal("purchase", tags.EventName);
        Assert.Equal("abc", tags.EventId);
        Assert.Equal("u7", tags.UserId);
        Assert.Equal("https://a.example/p", tags.PageUrl);
        Assert.Equal("https://b.example/", tags.ReferrerUrl);
        Assert.Equal(19.90, tags.Value);
        Assert.Equal("EUR", tags.Currency);
        Assert.Equal(1_700_000_000_000, tags.ClientTimestampUnixMs);
        Assert.Equal("email", tags.Channel);
        Assert.Equal(("news", "mail", "spring", "shoes", "hero"), (tags.UtmSource, tags.UtmMedium, tags.UtmCampaign, tags.UtmTerm, tags.UtmContent));
        Assert.Null(tags.Props);
        Assert.Empty(tags.Notes);
    }

    [Fact]
    public void An_empty_query_gives_the_defaults()
    {
        var tags = Extract("");

        Assert.Equal(("pageview", "web"), (tags.EventName, tags.Channel));
        Assert.Null(tags.PixelId);
        Assert.Null(tags.Props);
    }

    [Theory]
    // Whole number.
    [InlineData("42", 42.0)]
    // Negative (a refund).
    [InlineData("-5.25", -5.25)]
    // Exponent form is still a decimal number.
    [InlineData("1e3", 1000.0)]
    // A comma is not a decimal point: rejected rather than read as 15.
    [InlineData("1,5", null)]
    // Words are rejected.
    [InlineData("ten", null)]
    // Infinity and NaN parse as doubles but are no value.
    [InlineData("Infinity", null)]
    [InlineData("NaN", null)]
    // Too large for a double overflows to infinity: rejected.
    [InlineData("1e999", null)]
    public void Value_is_a_finite_decimal_or_null_with_a_note(string v, double? expected)
    {
        var tags = Extract("v=" + v);

        Assert.Equal(expected, tags.Value);
        Assert.Equal(expected is null, tags.Notes.Any(n => n.StartsWith("v:", StringComparison.Ordinal)));
    }

    [Theory]
    // Upper-cased.
    [InlineData("usd", "USD")]
    // Already canonical.
    [InlineData("JPY", "JPY")]
    // Four letters is not ISO 4217.
    [InlineData("EURO", null)]
    // Digits are not letters (ISO numeric codes are not accepted).
    [InlineData("978", null)]
    // Non-ASCII letters are rejected.
    [InlineData("ÉUR", null)]
    public void Currency_is_three_ascii_letters_upper_cased(string cur, string? expected)
    {
        var tags = Extract("cur=" + cur);

        Assert.Equal(expected, tags.Currency);
        Assert.Equal(expected is null, tags.Notes.Any(n => n.StartsWith("cur:", StringComparison.Ordinal)));
    }

    [Theory]
    // Ten digits: seconds.
    [InlineData("1700000000", 1_700_000_000_000L)]
    // Thirteen digits: milliseconds.
    [InlineData("1700000000123", 1_700_000_000_123L)]
    // Just below the threshold: still seconds (year 5138).
    [InlineData("99999999999", 99_999_999_999_000L)]
    // At the threshold: milliseconds (March 1973).
    [InlineData("100000000000", 100_000_000_000L)]
    // Zero is the epoch in seconds.
    [InlineData("0", 0L)]
    // Fractions, signs and words are not accepted.
    [InlineData("1700000000.5", null)]
    [InlineData("-1", null)]
    [InlineData("now", null)]
    // Past year 9999 in milliseconds.
    [InlineData("999999999999999999", null)]
    public void Ts_below_1e11_is_seconds_and_above_is_milliseconds(string ts, long? expected)
    {
        Assert.Equal(expected, Extract("ts=" + ts).ClientTimestampUnixMs);
    }

    [Theory]
    // The three known channels, case-insensitively.
    [InlineData("ch=web", "web")]
    [InlineData("ch=EMAIL", "email")]
    [InlineData("ch=server", "server")]
    // Unknown falls back to web (with a note).
    [InlineData("ch=sms", "web")]
    // Absent is web.
    [InlineData("pid=x", "web")]
    public void Channel_is_web_email_or_server(string query, string expected)
    {
        Assert.Equal(expected, Extract(query).Channel);
    }

    [Theory]
    // Alone.
    [InlineData("fbclid=F", "F", "fbclid", null)]
    // gclid beats fbclid whichever comes first; the loser goes to props.
    [InlineData("fbclid=F&gclid=G", "G", "gclid", "{\"fbclid\":\"F\"}")]
    [InlineData("gclid=G&fbclid=F", "G", "gclid", "{\"fbclid\":\"F\"}")]
    // wbraid and gbraid rank below every other click id.
    [InlineData("wbraid=W&li_fat_id=L", "L", "li_fat_id", "{\"wbraid\":\"W\"}")]
    [InlineData("gbraid=B&wbraid=W", "W", "wbraid", "{\"gbraid\":\"B\"}")]
    // msclkid beats ttclid.
    [InlineData("ttclid=T&msclkid=M", "M", "msclkid", "{\"ttclid\":\"T\"}")]
    // An empty click id is not a click id.
    [InlineData("gclid=&ttclid=T", "T", "ttclid", "{\"gclid\":\"\"}")]
    public void Click_id_is_the_first_present_in_priority_order(string query, string id, string type, string? props)
    {
        var tags = Extract(query);

        Assert.Equal((id, type), (tags.ClickId, tags.ClickIdType));
        Assert.Equal(props, tags.Props);
    }

    [Theory]
    // The first occurrence wins; the later one is kept in props, not lost.
    [InlineData("pid=a&pid=b", "a", "{\"pid\":\"b\"}")]
    // An empty first occurrence does not claim the slot.
    [InlineData("pid=&pid=b", "b", null)]
    // Three occurrences: the later two become an array.
    [InlineData("pid=a&pid=b&pid=c", "a", "{\"pid\":[\"b\",\"c\"]}")]
    public void First_non_empty_occurrence_of_a_contract_parameter_wins_and_later_ones_go_to_props(string query, string pid, string? props)
    {
        var tags = Extract(query);

        Assert.Equal(pid, tags.PixelId);
        Assert.Equal(props, tags.Props);
    }

    [Fact]
    public void Unknown_parameters_go_to_props_with_repeats_as_arrays_in_arrival_order()
    {
        var tags = Extract("pid=x&plan=pro&tag=a&seats=3&tag=b");

        Assert.Equal("{\"plan\":\"pro\",\"tag\":[\"a\",\"b\"],\"seats\":\"3\"}", tags.Props);
        using var doc = JsonDocument.Parse(tags.Props!);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("tag").ValueKind);
    }

    [Fact]
    public void Names_are_case_sensitive_so_PID_is_a_custom_property()
    {
        var tags = Extract("PID=x");

        Assert.Null(tags.PixelId);
        Assert.Equal("{\"PID\":\"x\"}", tags.Props);
    }

    [Fact]
    public void Contact_parameters_are_never_kept_and_the_notes_name_them_without_their_values()
    {
        var tags = Extract("pid=px1&e=lead&em=joe%40example.com&plan=pro&ph=%2B16505551212&external_id=crm-7&zp=94025&fn=Joe&country=us");

        Assert.Equal("{\"plan\":\"pro\"}", tags.Props);
        var note = Assert.Single(tags.Notes!);
        Assert.Equal("contact parameters not stored: em, ph, fn, zp, country, external_id", note);
        Assert.DoesNotContain("example.com", note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EM=joe%40example.com", "{\"EM\":\"joe%40example.com\"}")]
    [InlineData("email=joe%40example.com", "{\"email\":\"joe%40example.com\"}")]
    public void Only_the_exact_contact_parameter_names_are_withheld(string query, string props)
    {
        Assert.Equal(props, Extract(query).Props);
    }
}
