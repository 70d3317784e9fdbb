using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Tests.Rollups.Support;

/// <summary>
/// Event rows shaped like the enricher's output, from a fixed seed: a few pixels, a pool of returning visitors, Zipf-like
/// pages and referrers, mixed event names and channels, 1 % bots. Strings the enricher builds per record (page, referrer,
/// country, event name, visitor id) are new strings per row; those it takes from lookup tables (browser, OS, device,
/// channel, medium) are shared, as in the real pipeline.
/// </summary>
internal sealed class RowMix(int seed, int pixels = 3, int visitors = 100_000, int pages = 1_000, int referrers = 50)
{
    private static readonly string[] Names = ["pageview", "pageview", "pageview", "pageview", "click", "scroll", "open", "purchase", "signup"];
    private static readonly string[] Countries = ["DE", "US", "FR", "GB", "NL", "ES", "IT", "PL", "SE", "BR", "IN", "JP"];
    private static readonly string[] Browsers = ["Chrome", "Safari", "Firefox", "Edge", "Samsung Internet"];
    private static readonly string[] Systems = ["Windows", "Mac OS X", "iOS", "Android", "Linux"];
    private static readonly string[] Devices = ["desktop", "mobile", "tablet"];
    private static readonly string[] Media = ["direct", "search", "social", "email", "internal", "other"];

    private readonly Random _random = new(seed);

    /// <summary>A new row dated <paramref name="at"/>.</summary>
    public EventRow Next(DateTimeOffset at)
    {
        var r = _random;
        var name = Names[r.Next(Names.Length)];
        var page = Skewed(pages);
        var referrer = Skewed(referrers);
        var email = name == "open";
        return new EventRow
        {
            EventTime = at,
            ReceivedTime = at,
            EventId = $"e{r.NextInt64():x}",
            PixelId = $"px-{Skewed(pixels)}",
            EventName = new string(name.AsSpan()),
            PageHost = $"shop{page % 3}.example",
            PagePath = $"/products/{page}",
            ReferrerHost = r.Next(3) == 0 ? null : $"ref{referrer}.example",
            ReferrerMedium = Media[r.Next(Media.Length)],
            VisitorId = $"v-{r.Next(visitors):x8}",
            Country = new string(Countries[Skewed(Countries.Length) - 1].AsSpan()),
            UaBrowser = Browsers[r.Next(Browsers.Length)],
            UaOs = Systems[r.Next(Systems.Length)],
            UaDevice = Devices[r.Next(Devices.Length)],
            Channel = email ? "email" : "web",
            IsMachineOpen = email && r.Next(3) == 0,
            IsBot = r.Next(100) == 0,
            Value = name == "purchase" ? Math.Round(r.NextDouble() * 200, 2) : null,
            Currency = name == "purchase" ? "EUR" : null,
        };
    }

    // 1..n, small values far more often (roughly 1/k).
    private int Skewed(int n) => (int)Math.Min(n, Math.Floor(Math.Exp(_random.NextDouble() * Math.Log(n + 1))));

    /// <summary>
    /// A row of made-up values an attacker could send: every id, name, country, browser, referrer and page new, the
    /// long ones <paramref name="textLength"/> characters; pixel ids unbounded, or among <paramref name="pixels"/>.
    /// </summary>
    public static EventRow Junk(Random random, DateTimeOffset at, int textLength, long? pixels = null)
    {
        var n = random.NextInt64();
        return new EventRow
        {
            EventTime = at,
            ReceivedTime = at,
            EventId = $"e{n:x}",
            PixelId = pixels is { } count ? $"px-{n % count:x}" : $"px-{n:x}",
            EventName = $"event-{n:x}",
            Country = $"C{n % 100_000}",
            UaBrowser = $"browser-{n:x}-{new string('b', textLength / 2)}",
            ReferrerHost = $"ref-{n:x}.{new string('r', textLength)}.example",
            PageHost = $"h{n:x}.example",
            PagePath = $"/{new string('p', textLength)}/{n:x}",
            VisitorId = $"v{n:x}",
            IsBot = n % 10 == 0,
        };
    }
}
