using System.Globalization;
using System.Net.Http.Headers;

namespace Gateway.Browser.Tests.Support;

/// <summary>
/// One <c>GET /p.gif</c> with the tag contract's parameters and the headers CloudFront would add. The test's gateway
/// trusts 127.0.0.1 as a proxy, so <see cref="ForwardedFor"/>, <see cref="Country"/> and <see cref="Asn"/> are taken as
/// the viewer's own.
/// </summary>
internal sealed record PixelHit(string Pixel, string Event, string UserId, string UserAgent, string ForwardedFor)
{
    public string? Channel { get; init; }

    public string Page { get; init; } = "https://shop.example/landing";

    public string? Referrer { get; init; }

    public string? Country { get; init; }

    public int? Asn { get; init; }

    public decimal? Value { get; init; }

    public string? Currency { get; init; }

    public string? ClickId { get; init; }

    public string EventId { get; } = Guid.NewGuid().ToString("N");

    public string Query
    {
        get
        {
            var parameters = new List<(string, string?)>
            {
                ("pid", Pixel), ("e", Event), ("eid", EventId), ("uid", UserId), ("url", Page), ("ref", Referrer), ("ch", Channel),
                ("v", Value?.ToString(CultureInfo.InvariantCulture)), ("cur", Currency), ("gclid", ClickId),
            };
            return string.Join('&', parameters.Where(p => p.Item2 is not null).Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2!)));
        }
    }

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/p.gif?" + Query);
        request.Headers.UserAgent.Clear();
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", ForwardedFor);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
        if (Country is not null)
        {
            request.Headers.TryAddWithoutValidation("CloudFront-Viewer-Country", Country);
        }

        if (Asn is { } asn)
        {
            request.Headers.TryAddWithoutValidation("CloudFront-Viewer-ASN", asn.ToString(CultureInfo.InvariantCulture));
        }

        return request;
    }
}

/// <summary>The known mix of 100 hits the dashboard test fires, and what the page must show for it.</summary>
internal static class Some
{
    public const string ChromeLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public const string ChromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public const string AppleMail = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

    // Apple Mail Privacy Protection fetches with this bare UA from Apple's network (AS714): a machine open, not a bot.
    public const string ApplePrivacyProxy = "Mozilla/5.0";
    public const int AppleAsn = 714;
    public const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    /// <summary>Marks the user ids, so the test can look for any of them in the page.</summary>
    public const string UserIdMarker = "uid-private-";

    /// <summary>A query-string value and a click id that must never reach the dashboard.</summary>
    public const string QuerySecret = "qs-private-4821";
    public const string ClickIdMarker = "gclid-private-";

    /// <summary>
    /// 60 pageviews on px-a (40 from news.example, 20 from www.google.com), 25 email opens on px-b (15 by Apple's
    /// privacy proxy, 10 by people), 10 purchases of 19.90 EUR on px-a, 5 Googlebot pageviews on px-a.
    /// </summary>
    public static IReadOnlyList<PixelHit> KnownMix()
    {
        var hits = new List<PixelHit>();
        for (var i = 0; i < 60; i++)
        {
            hits.Add(new PixelHit("px-a", "pageview", UserId(i % 30), ChromeLinux, $"203.0.113.{10 + i}")
            {
                Page = $"https://shop.example/landing?session={QuerySecret}",
                Referrer = i < 40 ? "https://news.example/story/42" : $"https://www.google.com/search?q={QuerySecret}",
                Country = "DE",
            });
        }

        for (var i = 0; i < 25; i++)
        {
            var machine = i < 15;
            hits.Add(new PixelHit("px-b", "open", UserId(100 + i), machine ? ApplePrivacyProxy : AppleMail, machine ? $"17.58.63.{10 + i}" : $"198.51.100.{10 + i}")
            {
                Channel = "email",
                Page = "https://mail.example/newsletter/7",
                Country = "FR",
                Asn = machine ? AppleAsn : null,
            });
        }

        for (var i = 0; i < 10; i++)
        {
            hits.Add(new PixelHit("px-a", "purchase", UserId(200 + i), ChromeWindows, $"192.0.2.{10 + i}")
            {
                Page = "https://shop.example/checkout/done",
                Country = "US",
                Value = 19.90m,
                Currency = "eur",
                ClickId = ClickIdMarker + i.ToString(CultureInfo.InvariantCulture),
            });
        }

        for (var i = 0; i < 5; i++)
        {
            hits.Add(new PixelHit("px-a", "pageview", UserId(300 + i), Googlebot, $"203.0.113.{200 + i}"));
        }

        return hits;
    }

    /// <summary>A single pageview for the latency measurement.</summary>
    public static PixelHit Pageview(int n) =>
        new("px-latency", "pageview", UserId(1000 + n), ChromeLinux, $"203.0.113.{n % 250}") { Country = "DE" };

    public static string UserId(int n) => UserIdMarker + n.ToString("D4", CultureInfo.InvariantCulture);
}
