using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Tests.Lake.Support;

/// <summary>Rows for the lake tests.</summary>
internal static class Some
{
    /// <summary>2024-05-01 12:00:00 UTC: the hour most tests write into.</summary>
    public static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>An event with every column set, at <paramref name="eventTime"/> (received a second later unless given).</summary>
    public static EventRow Event(string id, DateTimeOffset eventTime, DateTimeOffset? receivedTime = null, string? props = null) => new()
    {
        EventTime = eventTime,
        ReceivedTime = receivedTime ?? eventTime.AddSeconds(1),
        EventId = id,
        PixelId = "px-lake",
        EventName = "purchase",
        PageUrl = "https://shop.example/checkout?step=2",
        PageHost = "shop.example",
        PagePath = "/checkout",
        ReferrerUrl = "https://www.google.com/",
        ReferrerHost = "www.google.com",
        ReferrerMedium = "search",
        UtmSource = "news",
        UtmMedium = "email",
        UtmCampaign = "spring",
        UtmTerm = "shoes",
        UtmContent = "hero",
        ClickId = "abc123",
        ClickIdType = "gclid",
        VisitorId = "0123456789abcdef0123456789abcdef",
        UserId = "user-7",
        IpPrefix = "198.51.100.0",
        Country = "DE",
        Asn = 3320,
        UaBrowser = "Chrome",
        UaBrowserVersion = "120.0.0",
        UaOs = "Windows",
        UaOsVersion = "10",
        UaDevice = "Other",
        IsBot = false,
        BotReason = null,
        IsMachineOpen = false,
        MachineOpenReason = null,
        Channel = "web",
        Value = 19.9,
        Currency = "EUR",
        Props = props ?? """{"sku":"A-1"}""",
        EdgeLocation = "LOCAL1",
        HttpStatus = 200,
        BytesSent = 43,
        TimeTakenMs = 2.5,
        Notes = null,
        Partition = PartitionKeys.From(eventTime),
    };

    /// <summary>An event with only the required columns set: every optional one is null.</summary>
    public static EventRow SparseEvent(string id, DateTimeOffset eventTime) => new()
    {
        EventTime = eventTime,
        ReceivedTime = eventTime,
        EventId = id,
        PixelId = "px-sparse",
        VisitorId = "fedcba9876543210fedcba9876543210",
        Partition = PartitionKeys.From(eventTime),
    };

    /// <summary>A bad row at <paramref name="time"/>.</summary>
    public static BadRow BadRow(DateTimeOffset time, string reason = "missing_pixel_id") => new()
    {
        Time = time,
        Stage = "enrich",
        Reason = reason,
        Message = "tag contract: the hit has no pid; add pid=<pixel id> to the tag",
        Raw = "1714564800.123\t198.51.100.0\t200\t43\tGET\t/p.gif?e=pageview",
        Partition = PartitionKeys.From(time),
    };
}
