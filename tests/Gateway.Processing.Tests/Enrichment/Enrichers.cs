using System.Text;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Tests.Classification;
using Gateway.Processing.Tests.UserAgents;

namespace Gateway.Processing.Tests.Enrichment;

/// <summary>Shared rule sets and a line builder for enricher tests; every line is written by specs/09's rules.</summary>
internal static class Enrichers
{
    public const string Chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

    public const string Secret = "test-visitor-secret-of-at-least-32-bytes!!";

    private static readonly Lazy<EnricherResources> LazyResources = new(() =>
        new EnricherResources(UapFixtures.Parser, Classifiers.Bots, Classifiers.Suffixes, Classifiers.Referrers, Classifiers.EmailOpens));

    public static EnricherResources Resources => LazyResources.Value;

    public static VisitorIds Visitors { get; } = new(Encoding.UTF8.GetBytes(Secret));

    public static EventEnricher Create(EventIdDeduplicator? deduplicator = null) =>
        new(Resources, Visitors, new EnricherOptions { Deduplicator = deduplicator });

    /// <summary>A default-field line; values are given as logged (UA once-encoded, query with % re-encoded).</summary>
    public static string Line(
        string query,
        string userAgent = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/120.0.0.0%20Safari/537.36",
        string ip = "198.51.100.23",
        string referer = "-",
        string asn = "7922",
        string status = "200",
        string timestamp = "1700000000.123",
        string requestId = "Zq1-example-request-id-0001==",
        string country = "US",
        string cookie = "-") =>
        string.Join('\t',
            timestamp, ip, status, "43", "GET", "https", "d111111abcdef8.cloudfront.net", "/p.gif?" + query, "IAD89-C1",
            requestId, "0.002", userAgent, referer, cookie, query, "-", country, asn);

    public static EnrichResult Enrich(this EventEnricher enricher, string line) =>
        enricher.Enrich(Encoding.UTF8.GetBytes(line), DateTimeOffset.FromUnixTimeSeconds(1_700_000_100));
}
