using Gateway.Processing.Internal;

namespace Gateway.Processing.Enrichment;

/// <summary>The host and path of a page or referrer URL, as the lake stores them.</summary>
/// <remarks>
/// <para>Host: lower case, without user info, port or trailing dot; IPv6 literals keep their brackets. Path: up to the
/// first <c>?</c> or <c>#</c>, <c>/</c> when the URL has a host but no path. A bare <c>host/path</c> (no scheme) is
/// read as host and path when the part before the first <c>/</c> looks like a host name (has a dot, only host
/// characters); a value starting with <c>/</c> is a path without host. Anything else has neither.</para>
/// <para><see cref="WithoutUserInfo"/> drops <c>user:password@</c> from a URL so credentials never reach the lake.</para>
/// </remarks>
public readonly record struct UrlParts(string? Host, string? Path)
{
    /// <summary>Splits <paramref name="url"/>; null or blank input gives neither part.</summary>
    public static UrlParts Parse(string? url) => Parse(url, null);

    /// <summary>The URL without the user-info part of its authority; the same instance when there is none.</summary>
    public static string? WithoutUserInfo(string? url)
    {
        if (url is null)
        {
            return null;
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var authorityStart = scheme + 3;
        var authorityEnd = url.AsSpan(authorityStart).IndexOfAny('/', '?', '#');
        var authority = authorityEnd < 0 ? url.AsSpan(authorityStart) : url.AsSpan(authorityStart, authorityEnd);
        var at = authority.LastIndexOf('@');
        return at < 0 ? url : string.Concat(url.AsSpan(0, authorityStart), url.AsSpan(authorityStart + at + 1));
    }

    internal static UrlParts Parse(string? url, StringPool? pool)
    {
        if (!TrySplit(url, out var host, out var path))
        {
            return default;
        }

        return new UrlParts(host.IsEmpty ? null : Lower(host, pool), path.IsEmpty ? null : path is "/" ? "/" : path.ToString());
    }

    /// <summary>Whether two URLs name the same page: same host (ignoring case) and same path; query and fragment are ignored.</summary>
    internal static bool SamePage(ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
        TrySplit(a, out var hostA, out var pathA) && TrySplit(b, out var hostB, out var pathB)
        && hostA.Equals(hostB, StringComparison.OrdinalIgnoreCase) && pathA.SequenceEqual(pathB);

    /// <summary>The host and path spans of <paramref name="url"/> by the rules in the remarks; false when it has neither.</summary>
    internal static bool TrySplit(ReadOnlySpan<char> url, out ReadOnlySpan<char> host, out ReadOnlySpan<char> path)
    {
        var text = url.Trim();
        host = [];
        path = [];
        if (text.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<char> rest;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && IsScheme(text[..scheme]))
        {
            var afterScheme = text[(scheme + 3)..];
            var end = afterScheme.IndexOfAny('/', '?', '#');
            host = HostOfAuthority(end < 0 ? afterScheme : afterScheme[..end]);
            rest = end < 0 ? [] : afterScheme[end..];
        }
        else if (text[0] == '/')
        {
            rest = text;
        }
        else
        {
            var end = text.IndexOfAny('/', '?', '#');
            var candidate = end < 0 ? text : text[..end];
            if (!candidate.Contains('.') || candidate.IndexOfAnyExcept(HostCharacters) >= 0)
            {
                return false;
            }

            host = HostOfAuthority(candidate);
            rest = end < 0 ? [] : text[end..];
        }

        var pathEnd = rest.IndexOfAny('?', '#');
        path = pathEnd < 0 ? rest : rest[..pathEnd];
        if (path.IsEmpty && !host.IsEmpty)
        {
            path = "/";
        }

        return !host.IsEmpty || !path.IsEmpty;
    }

    private static readonly System.Buffers.SearchValues<char> HostCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:@[]");

    private static bool IsScheme(ReadOnlySpan<char> scheme) =>
        char.IsAsciiLetter(scheme[0]) && scheme.IndexOfAnyExcept(SchemeCharacters) < 0;

    private static readonly System.Buffers.SearchValues<char> SchemeCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    /// <summary>The host of a URL authority: user info and port dropped, IPv6 brackets kept, trailing dots trimmed.</summary>
    internal static ReadOnlySpan<char> HostOfAuthority(ReadOnlySpan<char> authority)
    {
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']');
            return close > 0 ? authority[..(close + 1)] : [];
        }

        var colon = authority.IndexOf(':');
        return (colon >= 0 ? authority[..colon] : authority).TrimEnd('.');
    }

    private static string Lower(ReadOnlySpan<char> host, StringPool? pool)
    {
        if (host.Length > 256)
        {
            return host.ToString().ToLowerInvariant();
        }

        Span<char> lower = stackalloc char[host.Length];
        host.ToLowerInvariant(lower);
        return pool is null ? new string(lower) : pool.Get(lower);
    }
}
