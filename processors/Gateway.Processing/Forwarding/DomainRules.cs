using System.Globalization;

namespace Gateway.Processing.Forwarding;

/// <summary>What the domain rules say about a host.</summary>
public enum DomainVerdict
{
    /// <summary>Forwarded: not blocked, and allowed (or there is no allow list).</summary>
    Allowed,

    /// <summary>Matches a block rule.</summary>
    Blocked,

    /// <summary>An allow list exists and the host matches none of it.</summary>
    NotAllowed,
}

/// <summary>
/// Matches <c>page_host</c> against <see cref="DomainSettings"/>: exact host names, and <c>*.example.com</c> for every host
/// strictly below example.com. Case and a trailing dot do not matter; international names match in their ASCII (punycode)
/// form, so <c>bücher.example</c> and <c>xn--bcher-kva.example</c> are the same rule.
/// </summary>
public sealed class DomainRules
{
    private static readonly IdnMapping Idn = new();
    private readonly HashSet<string> _allowExact;
    private readonly string[] _allowSuffixes;
    private readonly HashSet<string> _blockExact;
    private readonly string[] _blockSuffixes;
    private readonly bool _hasAllowList;

    /// <summary>Compiles <paramref name="settings"/> (already validated by <see cref="ForwardSettingsJson"/>).</summary>
    public DomainRules(DomainSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        (_allowExact, _allowSuffixes) = Compile(settings.Allow);
        (_blockExact, _blockSuffixes) = Compile(settings.Block);
        _hasAllowList = settings.Allow.Count > 0;
    }

    /// <summary>The verdict for <paramref name="host"/>; a missing host (an email open, a server event) is allowed, since the rules are about websites.</summary>
    public DomainVerdict Judge(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return DomainVerdict.Allowed;
        }

        var normalized = TryNormalizeHost(host, out var ascii) ? ascii : host.ToLowerInvariant();
        if (Matches(normalized, _blockExact, _blockSuffixes))
        {
            return DomainVerdict.Blocked;
        }

        return !_hasAllowList || Matches(normalized, _allowExact, _allowSuffixes) ? DomainVerdict.Allowed : DomainVerdict.NotAllowed;
    }

    /// <summary>A rule as stored: lower-case ASCII host, or <c>*.</c> and one; false when <paramref name="rule"/> is not a host pattern.</summary>
    public static bool TryNormalizePattern(string rule, out string pattern)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var wildcard = rule.StartsWith("*.", StringComparison.Ordinal);
        if (TryNormalizeHost(wildcard ? rule[2..] : rule, out var host) && (!wildcard || host.Contains('.', StringComparison.Ordinal)))
        {
            pattern = wildcard ? "*." + host : host;
            return true;
        }

        pattern = "";
        return false;
    }

    private static bool TryNormalizeHost(string host, out string ascii)
    {
        ascii = "";
        var trimmed = host.EndsWith('.') ? host[..^1] : host;
        if (trimmed.Length is 0 or > 253)
        {
            return false;
        }

        try
        {
            ascii = Idn.GetAscii(trimmed.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return false;
        }

        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || label.AsSpan().ContainsAnyExcept(HostCharacters))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly System.Buffers.SearchValues<char> HostCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_");

    private static (HashSet<string> Exact, string[] Suffixes) Compile(IReadOnlyList<string> rules)
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var suffixes = new List<string>();
        foreach (var rule in rules)
        {
            if (!TryNormalizePattern(rule, out var pattern))
            {
                throw new ArgumentException($"'{rule}' is not a host pattern; validate the settings with ForwardSettingsJson first", nameof(rules));
            }

            if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                suffixes.Add(pattern[1..]);
            }
            else
            {
                exact.Add(pattern);
            }
        }

        return (exact, [.. suffixes]);
    }

    private static bool Matches(string host, HashSet<string> exact, string[] suffixes)
    {
        if (exact.Contains(host))
        {
            return true;
        }

        foreach (var suffix in suffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
