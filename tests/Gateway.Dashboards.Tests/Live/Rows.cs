using Gateway.Processing.Enrichment;
using Gateway.Streams;

namespace Gateway.Dashboards.Tests.Live;

/// <summary>Event rows and the stream records the enrich stage writes them as.</summary>
internal static class Rows
{
    public static EventRow Event(string pixel, DateTimeOffset at, Action<EventRow>? change = null)
    {
        var row = new EventRow
        {
            EventTime = at,
            ReceivedTime = at,
            EventId = Guid.NewGuid().ToString("N"),
            PixelId = pixel,
            EventName = "pageview",
            PageUrl = "https://shop.example/landing?email=someone%40example.com",
            PageHost = "shop.example",
            PagePath = "/landing",
            ReferrerHost = "news.example",
            ReferrerMedium = "other",
            VisitorId = "v-" + Guid.NewGuid().ToString("N")[..8],
            UserId = "user-4711",
            IpPrefix = "203.0.113.0",
            ClickId = "click-secret",
            Country = "DE",
            UaBrowser = "Chrome",
            UaOs = "Linux",
            UaDevice = "desktop",
            Channel = "web",
            Partition = PartitionKeys.From(at),
        };
        change?.Invoke(row);
        return row;
    }

    public static IReadOnlyList<StreamRecord> Records(string shard, long firstSequence, IEnumerable<EventRow> rows) =>
        [.. rows.Select((row, i) => new StreamRecord(shard, (firstSequence + i).ToString("D20", System.Globalization.CultureInfo.InvariantCulture), row.ReceivedTime, row.EventId, EventRowJson.ToUtf8(row)))];

    public static IReadOnlyList<StreamRecord> BadRecords(string shard, long firstSequence, DateTimeOffset at, params string[] reasons) =>
        [.. reasons.Select((reason, i) => new StreamRecord(shard, (firstSequence + i).ToString("D20", System.Globalization.CultureInfo.InvariantCulture), at, "k", EventRowJson.ToUtf8(new BadRow { Time = at, Stage = BadRow.EnrichStage, Reason = reason, Message = "m", Raw = "r", Partition = PartitionKeys.From(at) })))];
}
