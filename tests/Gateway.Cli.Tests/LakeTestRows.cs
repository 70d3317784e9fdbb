using Gateway.Processing.Enrichment;

namespace Gateway.Cli.Tests;

/// <summary>Rows for the lake stage and <c>parquet inspect</c> tests, as the enrich stage writes them.</summary>
internal static class LakeTestRows
{
    /// <summary>2024-05-01 12:00:00 UTC.</summary>
    public static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static EventRow Event(string id, DateTimeOffset eventTime) => new()
    {
        EventTime = eventTime,
        ReceivedTime = eventTime.AddMilliseconds(250),
        EventId = id,
        PixelId = "px-lake",
        EventName = "signup",
        PageUrl = "https://shop.example/welcome",
        PageHost = "shop.example",
        PagePath = "/welcome",
        VisitorId = "0123456789abcdef0123456789abcdef",
        IpPrefix = "198.51.100.0",
        Country = "DE",
        Asn = 3320,
        Value = 9.5,
        Currency = "EUR",
        HttpStatus = 200,
        BytesSent = 43,
        TimeTakenMs = 1.25,
        Partition = PartitionKeys.From(eventTime),
    };

    public static BadRow BadRow(DateTimeOffset time) =>
        Gateway.Processing.Enrichment.BadRow.Create("1714564800.123\t198.51.100.23\t200\t/p.gif?e=x"u8, time, Gateway.Processing.Enrichment.BadRow.EnrichStage, "missing_pixel_id", "tag contract: no pid; add pid=<pixel id> to the tag");
}
