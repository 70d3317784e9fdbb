using Gateway.Processing;

namespace Gateway.Edge.Tests;

public sealed class RealtimeLogFieldsTests
{
    [Fact]
    public void Default_field_set_is_the_documented_list_in_canonical_order()
    {
        Assert.Equal(
            "timestamp,c-ip,sc-status,sc-bytes,cs-method,cs-protocol,cs-host,cs-uri-stem,x-edge-location,x-edge-request-id,time-taken,cs-user-agent,cs-referer,cs-cookie,cs-uri-query,x-forwarded-for,c-country,asn",
            string.Join(",", RealtimeLogFields.Default.Select(RealtimeLogFields.NameOf)));
    }

    [Fact]
    public void Canonical_order_matches_cloudfronts_field_reference()
    {
        // specs/09: the 40 documented fields, then origin-fbl, origin-lbl, asn added later.
        Assert.Equal(
            "timestamp c-ip time-to-first-byte sc-status sc-bytes cs-method cs-protocol cs-host cs-uri-stem cs-bytes " +
            "x-edge-location x-edge-request-id x-host-header time-taken cs-protocol-version c-ip-version " +
            "cs-user-agent cs-referer cs-cookie cs-uri-query x-edge-response-result-type x-forwarded-for ssl-protocol ssl-cipher x-edge-result-type fle-encrypted-fields fle-status " +
            "sc-content-type sc-content-len sc-range-start sc-range-end c-port x-edge-detailed-result-type " +
            "c-country cs-accept-encoding cs-accept cache-behavior-path-pattern cs-headers cs-header-names cs-headers-count origin-fbl origin-lbl asn",
            string.Join(" ", RealtimeLogFields.All.Select(RealtimeLogFields.NameOf)));
    }

    [Theory]
    [InlineData("timestamp,c-ipp", "unknown real-time log field 'c-ipp'")]
    [InlineData("c-ip,timestamp", "'timestamp' comes after 'c-ip'")]
    [InlineData("timestamp,timestamp", "'timestamp' is listed twice")]
    [InlineData("", "empty")]
    public void Bad_field_lists_are_rejected_with_the_field_and_the_fix(string list, string message)
    {
        var ex = Assert.Throws<FormatException>(() => RealtimeLogFields.ParseList(list.Split(',', StringSplitOptions.RemoveEmptyEntries)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_order_error_spells_out_the_canonical_order()
    {
        var ex = Assert.Throws<FormatException>(() => RealtimeLogFields.ParseList(["sc-status", "c-country", "time-to-first-byte"]));

        Assert.EndsWith("time-to-first-byte, sc-status, c-country", ex.Message, StringComparison.Ordinal);
    }
}
