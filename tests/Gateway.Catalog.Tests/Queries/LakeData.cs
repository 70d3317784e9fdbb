using System.Text;
using Gateway.Processing.Enrichment;

namespace Gateway.Catalog.Tests.Queries;

/// <summary>
/// Three days of deterministic events and bad rows across a year boundary (2024-12-30 00:00 to 2025-01-02 00:00 UTC),
/// shaped so that every named query has something to find: three pixels on web and email, people and bots, visitors that
/// rotate per day, referrers of every medium, purchases in EUR and USD, human and machine email opens, and four
/// anomalies (a bot-only spike, an empty hour, a spike of events, bots and bad rows, an unknown pixel).
/// </summary>
internal static class LakeData
{
    public const int Hours = 72;
    public const string Shop = "px_shop";
    public const string Blog = "px_blog";
    public const string Mail = "px_mail";
    public const string Rogue = "px_rogue";
    public const string Retired = "px_old";

    public static readonly DateTimeOffset Start = new(2024, 12, 30, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = Start.AddHours(Hours);

    /// <summary>An hour of normal volume in which 14 of the events are bots.</summary>
    public static readonly DateTimeOffset BotOnlySpike = new(2024, 12, 31, 6, 0, 0, TimeSpan.Zero);

    /// <summary>An hour without any event.</summary>
    public static readonly DateTimeOffset EmptyHour = new(2024, 12, 31, 18, 0, 0, TimeSpan.Zero);

    /// <summary>An hour with 200 extra events (150 of them bots, 40 from <see cref="Rogue"/>) and 30 bad rows.</summary>
    public static readonly DateTimeOffset Spike = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly (string Browser, string Os, string Device)[] People =
    [
        ("Chrome", "Windows", "Other"), ("Mobile Safari", "iOS", "iPhone"), ("Firefox", "Linux", "Other"), ("Chrome Mobile", "Android", "Samsung SM-G991B"),
    ];

    private static readonly (string? Browser, string? Os, string? Device, string Reason)[] Bots =
    [
        ("Googlebot", "Other", "Spider", "ua:crawler-user-agents:Googlebot"), ("curl", "Other", "Other", "ua:scripted:curl"), (null, null, null, "ua:empty"),
    ];

    private static readonly (string Medium, string? Host)[] Referrers =
    [
        ("search", "www.google.com"), ("social", "www.facebook.com"), ("social", "t.co"), ("direct", null), ("other", "news.example.org"), ("internal", "shop.example.com"),
    ];

    private static readonly string[] BadReasons = ["field_count", "bad_timestamp", "missing_pixel_id"];

    public static (IReadOnlyList<EventRow> Events, IReadOnlyList<BadRow> BadRows) Generate()
    {
        var events = new List<EventRow>();
        var badRows = new List<BadRow>();
        var k = 0;
        for (var h = 0; h < Hours; h++)
        {
            var hour = Start.AddHours(h);
            var normal = hour == EmptyHour ? 0 : 18 + (h * 7 % 5);
            var bots = hour == BotOnlySpike ? 14 : h % 3;
            var extra = hour == Spike ? 200 : 0;
            var count = normal + extra;
            for (var i = 0; i < count; i++, k++)
            {
                var at = hour.AddMilliseconds(Math.Min((long)i * 3_600_000 / count + (k * 37 % 1000), 3_599_999));
                events.Add(i < normal ? Normal(k, at, isBot: i < bots) : SpikeEvent(k, at, i - normal));
            }

            var bad = hour == Spike ? 30 : h % 4 == 0 ? 2 : h % 2;
            for (var i = 0; i < bad; i++)
            {
                // Whole milliseconds: the lake keeps timestamps to the millisecond.
                var at = hour.AddMilliseconds(((long)i * 3_540_000 / bad) + i);
                var reason = BadReasons[(h + i) % BadReasons.Length];
                badRows.Add(BadRow.Create(Encoding.UTF8.GetBytes($"line {h}-{i}\t1.2.3.4"), at, reason == "missing_pixel_id" ? "enrich" : "parse", reason, $"{reason}: test row"));
            }
        }

        // The last millisecond of 2024 and the first of 2025 (twice: a tie on event_time), on both sides of the year,
        // month, day and hour boundary; and one at the very start of the spike hour, the end of a test window.
        events.Add(Normal(k++, new DateTimeOffset(2024, 12, 31, 23, 59, 59, 999, TimeSpan.Zero), isBot: false));
        events.Add(Normal(k++, new DateTimeOffset(2025, 1, 1, 0, 0, 0, 0, TimeSpan.Zero), isBot: false));
        events.Add(Normal(k++, new DateTimeOffset(2025, 1, 1, 0, 0, 0, 0, TimeSpan.Zero), isBot: false));
        events.Add(Normal(k++, Spike, isBot: false));

        // A pixel seen in the first day only: in the baseline of later windows, never in them.
        for (var i = 0; i < 3; i++)
        {
            var row = Normal(k++, Start.AddHours(10).AddMinutes(i), isBot: false);
            row.PixelId = Retired;
            events.Add(row);
        }

        events.Sort((a, b) => a.EventTime.CompareTo(b.EventTime));
        return (events, badRows);
    }

    private static EventRow Normal(int k, DateTimeOffset at, bool isBot)
    {
        var day = (int)(at - Start).TotalDays;
        var row = Base(k, at);
        var slot = k % 10;
        if (slot < 5)
        {
            row.PixelId = Shop;
            Web(row, k);
            switch (k % 6)
            {
                case 0:
                    row.EventName = "purchase";
                    row.Currency = k % 4 < 2 ? "EUR" : "USD";
                    // Now and then a currency without a value (the enricher drops a bad `v`).
                    row.Value = k % 36 == 0 ? null : 5 + (k % 40 * 0.25);
                    break;
                case 1:
                    row.EventName = "lead";
                    break;
                case 3 when k % 12 == 3:
                    // A value without a currency (the enricher drops a bad `cur`).
                    row.EventName = "add_to_cart";
                    row.Value = 2.75;
                    break;
                case 3:
                    row.EventName = "add_to_cart";
                    row.Value = 1.5;
                    row.Currency = "EUR";
                    break;
            }
        }
        else if (slot < 8)
        {
            row.PixelId = Blog;
            Web(row, k);
            row.EventName = k % 9 == 0 ? "signup" : "pageview";
        }
        else
        {
            row.PixelId = Mail;
            row.Channel = "email";
            row.EventName = "open";
            row.ReferrerMedium = "email";
            row.UtmSource = "newsletter";
            row.UtmCampaign = k % 11 == 0 ? null : day < 2 ? "winter-sale" : "new-year";
            if (k % 3 == 0)
            {
                row.IsMachineOpen = true;
                row.MachineOpenReason = k % 2 == 0 ? "email:google-image-proxy" : "email:apple-mpp:asn714";
            }
        }

        row.VisitorId = $"v{day}-{k * 13 % 47:D2}";
        var person = People[k % People.Length];
        (row.UaBrowser, row.UaOs, row.UaDevice) = person;
        if (isBot)
        {
            Bot(row, k);
        }

        return row;
    }

    // The spike: 110 bots and 50 people on the shop, then 40 bots on a pixel id nobody deployed.
    private static EventRow SpikeEvent(int k, DateTimeOffset at, int index)
    {
        var row = Base(k, at);
        row.PixelId = index < 160 ? Shop : Rogue;
        Web(row, k);
        row.VisitorId = $"s-{index % 60:D2}";
        (row.UaBrowser, row.UaOs, row.UaDevice) = People[k % People.Length];
        if (index < 110 || index >= 160)
        {
            Bot(row, k);
        }

        return row;
    }

    private static EventRow Base(int k, DateTimeOffset at) => new()
    {
        EventTime = at,
        ReceivedTime = at.AddMilliseconds(250 + (k % 5)),
        EventId = $"e{k:D6}",
        PageUrl = $"https://shop.example.com/p/{k % 17}",
        PageHost = "shop.example.com",
        PagePath = $"/p/{k % 17}",
        IpPrefix = $"203.0.{k % 200}.0",
        Country = (k % 3) switch { 0 => "DE", 1 => "US", _ => "FR" },
        Asn = 3320 + (k % 4),
        EdgeLocation = "FRA56-P1",
        HttpStatus = 200,
        BytesSent = 43 + (k % 3),
        TimeTakenMs = 1.5 + (k % 4),
        Partition = PartitionKeys.From(at),
    };

    private static void Web(EventRow row, int k)
    {
        var (medium, host) = Referrers[k % Referrers.Length];
        row.ReferrerMedium = medium;
        row.ReferrerHost = host;
        row.ReferrerUrl = host is null ? null : $"https://{host}/";
    }

    private static void Bot(EventRow row, int k)
    {
        var bot = Bots[k % Bots.Length];
        row.IsBot = true;
        row.BotReason = bot.Reason;
        (row.UaBrowser, row.UaOs, row.UaDevice) = (bot.Browser, bot.Os, bot.Device);
        row.VisitorId = $"bot-{k % 5}";
    }
}
