using System.Collections.Frozen;

namespace Gateway.Processing.Classification;

/// <summary>Tells machine opens of email pixels (Apple MPP, Gmail and Yahoo image proxies, security scanners) from people; see EMAIL_OPENS.md.</summary>
/// <remarks>Only meaningful for hits whose channel is email: on the web these user agents and networks mean other things.</remarks>
public sealed class EmailOpenClassifier
{
    // Apple's /8 (17.0.0.0/8) as CloudFront writes client IPs; the prefix rule is a heuristic like the ASN rule.
    private const string AppleIpv4Prefix = "17.";

    // Gmail's proxy sends e.g. "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)".
    private static readonly (string Token, string Reason)[] UserAgentRules =
    [
        ("GoogleImageProxy", "email:google-image-proxy"),
        ("via ggpht.com", "email:google-image-proxy"),
        ("YahooMailProxy", "email:yahoo-mail-proxy"),
        ("Barracuda Sentinel", "email:scanner:barracuda"),
    ];

    private readonly FrozenDictionary<uint, string> _appleProxyReasons;

    private EmailOpenClassifier(FrozenDictionary<uint, string> appleProxyReasons) => _appleProxyReasons = appleProxyReasons;

    /// <summary>A classifier using the ASN list embedded in this assembly.</summary>
    public static EmailOpenClassifier Create() =>
        new(EmbeddedData.Pairs("email-proxy-asns.txt").ToFrozenDictionary(
            p => uint.Parse(p.Key, System.Globalization.CultureInfo.InvariantCulture),
            p => "email:apple-mpp:asn" + p.Key));

    /// <summary>Classifies one email-channel hit by user agent, ASN (when known) and client IP (or its logged prefix).</summary>
    public EmailOpenVerdict Classify(string? userAgent, uint? asn, string? clientIpPrefix)
    {
        var ua = userAgent.AsSpan().Trim();
        foreach (var (token, reason) in UserAgentRules)
        {
            if (ua.Contains(token, StringComparison.OrdinalIgnoreCase))
            {
                return new EmailOpenVerdict(true, reason);
            }
        }

        // MPP fetches send only "Mozilla/5.0", without the platform comment every real browser and mail client adds.
        if (!ua.Equals("Mozilla/5.0", StringComparison.Ordinal))
        {
            return EmailOpenVerdict.Person;
        }

        if (asn is { } number && _appleProxyReasons.TryGetValue(number, out var asnReason))
        {
            return new EmailOpenVerdict(true, asnReason);
        }

        return clientIpPrefix.AsSpan().Trim().StartsWith(AppleIpv4Prefix, StringComparison.Ordinal)
            ? new EmailOpenVerdict(true, "email:apple-mpp:ip17")
            : EmailOpenVerdict.Person;
    }
}
