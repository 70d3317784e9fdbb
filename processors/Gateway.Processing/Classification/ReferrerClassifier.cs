namespace Gateway.Processing.Classification;

/// <summary>Classifies a hit's referrer into a <see cref="ReferrerMedium"/> by host; built once, safe to share across threads.</summary>
/// <remarks>What is learnt about a host (its registrable domain, its medium as a referrer) is kept in a bounded LRU cache
/// keyed by the host as given: referrer and page hosts repeat on nearly every hit, and a host costs several
/// public-suffix and host-list lookups to classify.</remarks>
public sealed class ReferrerClassifier
{
    private const int HostCacheCapacity = 4096;
    private const int MaxHostLength = 253;

    private readonly PublicSuffixList _suffixes;
    private readonly HostList _email;
    private readonly HostList _social;
    private readonly HostList _search;
    private readonly Internal.LruCache<HostFacts> _hosts;
    private readonly Func<string, HostFacts> _learn;

    private ReferrerClassifier(PublicSuffixList suffixes, HostList email, HostList social, HostList search)
    {
        _suffixes = suffixes;
        _email = email;
        _social = social;
        _search = search;
        _hosts = new Internal.LruCache<HostFacts>(HostCacheCapacity);
        _learn = Learn;
    }

    /// <summary>A classifier using the host lists embedded in this assembly.</summary>
    public static ReferrerClassifier Create(PublicSuffixList suffixes)
    {
        ArgumentNullException.ThrowIfNull(suffixes);
        return new ReferrerClassifier(
            suffixes,
            HostList.FromResource("referrer-email.txt"),
            HostList.FromResource("referrer-social.txt"),
            HostList.FromResource("referrer-search.txt"));
    }

    /// <summary>A classifier using the given host lists (same line format as the embedded files).</summary>
    public static ReferrerClassifier Create(PublicSuffixList suffixes, IEnumerable<string> email, IEnumerable<string> social, IEnumerable<string> search)
    {
        ArgumentNullException.ThrowIfNull(suffixes);
        return new ReferrerClassifier(suffixes, new HostList(email), new HostList(social), new HostList(search));
    }

    /// <summary>The medium of a visit to <paramref name="pageHost"/> from <paramref name="referrer"/> (a URL or a bare host).</summary>
    public ReferrerMedium Classify(string? pageHost, string? referrer)
    {
        var referrerSpan = referrer.AsSpan().Trim();
        // CloudFront logs an absent header as "-".
        if (referrerSpan.IsEmpty || referrerSpan is "-")
        {
            return ReferrerMedium.Direct;
        }

        var host = HostOf(referrerSpan);
        if (host.IsEmpty)
        {
            return ReferrerMedium.Other;
        }

        var facts = Facts(host);
        if (!string.IsNullOrWhiteSpace(pageHost) && facts.SameSite(Facts(pageHost)))
        {
            return ReferrerMedium.Internal;
        }

        return facts.Medium;
    }

    // Names longer than DNS allows are never valid hosts; they are classified without filling the cache.
    private HostFacts Facts(ReadOnlySpan<char> host) => host.Length <= MaxHostLength ? _hosts.GetOrAdd(host, _learn) : Learn(host.ToString());

    private HostFacts Learn(string host)
    {
        var site = PublicSuffixList.TrimHost(host).ToString();
        var siteStart = site.Length == 0 ? -1 : _suffixes.RegistrableDomainStart(site);
        var registrableStart = _suffixes.RegistrableDomainStart(host);
        // Email first: webmail lives under search and portal domains (mail.google.com, mail.yahoo.com).
        var medium = _email.Matches(host, registrableStart) ? ReferrerMedium.Email
            : _social.Matches(host, registrableStart) ? ReferrerMedium.Social
            : _search.Matches(host, registrableStart) ? ReferrerMedium.Search
            : ReferrerMedium.Other;
        return new HostFacts(site, siteStart, medium);
    }

    /// <summary>The host of a URL ("https://user@Host:443/path" → "Host") or of a bare "host/path"; empty when there is none.</summary>
    internal static ReadOnlySpan<char> HostOf(ReadOnlySpan<char> referrer)
    {
        var scheme = referrer.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme >= 0 ? referrer[(scheme + 3)..] : referrer;
        var end = rest.IndexOfAny('/', '?', '#');
        return Enrichment.UrlParts.HostOfAuthority(end >= 0 ? rest[..end] : rest).Trim();
    }

    /// <summary>A host's site (trailing root dot removed), where its registrable domain starts in it, and its medium as a referrer.</summary>
    private sealed record HostFacts(string Site, int RegistrableStart, ReferrerMedium Medium)
    {
        // Same answer as PublicSuffixList.SameSite: registrable domains compared, or whole hosts when either has none.
        public bool SameSite(HostFacts other) =>
            Site.Length > 0 && other.Site.Length > 0
            && (RegistrableStart >= 0 && other.RegistrableStart >= 0
                ? Site.AsSpan(RegistrableStart).Equals(other.Site.AsSpan(other.RegistrableStart), StringComparison.OrdinalIgnoreCase)
                : Site.Equals(other.Site, StringComparison.OrdinalIgnoreCase));
    }
}
