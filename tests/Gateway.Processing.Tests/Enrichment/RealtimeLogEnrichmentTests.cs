using System.Text;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests.Enrichment;

/// <summary>The enrichment steps fed from a line the real parser read, as the pipeline will call them.</summary>
public sealed class RealtimeLogEnrichmentTests
{
    [Fact]
    public void Tags_come_from_the_twice_decoded_query_of_a_parsed_line()
    {
        // As logged: the client's %26 and %3A are re-encoded by the edge (%2526, %253A).
        var line = Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine(RealtimeLogField.UriQuery,
            "pid=px1&e=signup&url=https%253A%252F%252Fshop.example%252F&plan=pro%2526more&gclid=G1&cur=usd"));
        Assert.True(RealtimeLogs.DefaultParser.TryParse(line, out var parsed, out _));
        using var query = parsed.Query();

        var tags = TagContract.Extract(query);

        Assert.Equal(("px1", "signup", "https://shop.example/", "USD"), (tags.PixelId, tags.EventName, tags.PageUrl, tags.Currency));
        Assert.Equal(("G1", "gclid"), (tags.ClickId, tags.ClickIdType));
        Assert.Equal("{\"plan\":\"pro&more\"}", tags.Props);
    }

    [Fact]
    public void The_fingerprint_of_a_parsed_line_is_its_request_id_and_timestamp()
    {
        var line = Encoding.UTF8.GetBytes(RealtimeLogs.DefaultLine());
        Assert.True(RealtimeLogs.DefaultParser.TryParse(line, out var parsed, out _));

        var id = EventIds.Resolve(null, parsed);

        Assert.Equal(EventIdSource.Fingerprint, id.Source);
        Assert.Equal(EventIds.Fingerprint("ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYeaGyGxMawvRJWA=="u8, 1_607_374_321_541), id.Id);
    }
}
