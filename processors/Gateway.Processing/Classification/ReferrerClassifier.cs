namespace Gateway.Processing.Classification;

/// <summary>Classifies a hit's referrer into a <see cref="ReferrerMedium"/> by host; built once, safe to share across threads.</summary>
public sealed class ReferrerClassifier
{
    private readonly PublicSuffixList _suffixes;
    private readonly HostList _email;
    private readonly HostList _social;
    private readonly HostList _search;

    private ReferrerClassifier(PublicSuffixList suffixes, HostList email, HostList social, HostList search)
    {
        _suffixes = suffixes;
        _email = email;
        _social = social;
        _search = search;
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

        if (!string.IsNullOrWhiteSpace(pageHost) && _suffixes.SameSite(pageHost, host))
        {
            return ReferrerMedium.Internal;
        }

        var registrableStart = _suffixes.RegistrableDomainStart(host);
        // Email first: webmail lives under search and portal domains (mail.google.com, mail.yahoo.com).
        if (_email.Matches(host, registrableStart))
        {
            return ReferrerMedium.Email;
        }

        if (_social.Matches(host, registrableStart))
        {
            return ReferrerMedium.Social;
        }

        return _search.Matches(host, registrableStart) ? ReferrerMedium.Search : ReferrerMedium.Other;
    }

    /// <summary>The host of a URL ("https://user@Host:443/path" → "Host") or of a bare "host/path"; empty when there is none.</summary>
    internal static ReadOnlySpan<char> HostOf(ReadOnlySpan<char> referrer)
    {
        var scheme = referrer.IndexOf("://", StringComparison.Ordinal);
        var rest = scheme >= 0 ? referrer[(scheme + 3)..] : referrer;
        var end = rest.IndexOfAny('/', '?', '#');
        return Enrichment.UrlParts.HostOfAuthority(end >= 0 ? rest[..end] : rest).Trim();
    }
}
