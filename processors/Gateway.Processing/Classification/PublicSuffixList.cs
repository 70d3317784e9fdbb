using System.Globalization;

using Gateway.Processing.Internal;

namespace Gateway.Processing.Classification;

/// <summary>Registrable domains (eTLD+1) by the Public Suffix List algorithm, built once from a rules file and safe to share across threads.</summary>
/// <remarks>
/// Hosts are accepted in Unicode or punycode (<c>xn--</c> labels, decoded with the BCL's <see cref="IdnMapping"/>, because the
/// list itself is stored in Unicode); the answer keeps the labels as they were given, lower-cased. ICANN and private rules are
/// applied alike, as the psl package's data file does not separate them.
/// </remarks>
public sealed class PublicSuffixList
{
    private const string PackageRulesFile = "tools/node_modules/psl/data/rules.js";

    // Thread-safe for concurrent calls: GetUnicode keeps no state between calls.
    private static readonly IdnMapping Idn = new();

    private readonly Dictionary<string, RuleFlags>.AlternateLookup<ReadOnlySpan<char>> _rules;

    private PublicSuffixList(Dictionary<string, RuleFlags> rules)
    {
        RuleCount = rules.Count;
        _rules = rules.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    [Flags]
    private enum RuleFlags : byte
    {
        None = 0,
        Exact = 1,
        // "*.name": every child of name is a public suffix.
        WildcardChildren = 2,
        // "!name": name is registrable even though a wildcard covers it.
        Exception = 4,
    }

    /// <summary>Distinct rule names loaded (a name with both a plain and a wildcard rule counts once).</summary>
    public int RuleCount { get; }

    /// <summary>Loads the rules from <paramref name="path"/> (psl's <c>rules.js</c> or a <c>public_suffix_list.dat</c>), or from the tools/ install.</summary>
    public static PublicSuffixList Load(string? path = null)
    {
        path ??= FindDefaultRulesPath();
        var text = File.ReadAllText(path);
        return path.EndsWith(".js", StringComparison.OrdinalIgnoreCase) ? FromRules(ReadQuotedStrings(text)) : FromRules(ReadDatLines(text));
    }

    /// <summary>Builds the list from rules written as in the PSL (<c>com</c>, <c>*.ck</c>, <c>!www.ck</c>).</summary>
    public static PublicSuffixList FromRules(IEnumerable<string> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var map = new Dictionary<string, RuleFlags>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in rules)
        {
            var rule = raw.Trim();
            if (rule.Length == 0)
            {
                continue;
            }

            var (name, flag) = rule switch
            {
                ['!', .. var rest] => (rest, RuleFlags.Exception),
                ['*', '.', .. var rest] => (rest, RuleFlags.WildcardChildren),
                _ => (rule, RuleFlags.Exact),
            };
            map[name] = map.GetValueOrDefault(name) | flag;
        }

        return new PublicSuffixList(map);
    }

    /// <summary>psl's rules file under the first folder above the binaries that holds Gateway.sln.</summary>
    public static string FindDefaultRulesPath() => ToolsData.Find(PackageRulesFile, "the public suffix rules");

    /// <summary>The registrable domain of <paramref name="host"/> in lower case, or null for a public suffix, an IP literal or a malformed host.</summary>
    public string? GetRegistrableDomain(string? host)
    {
        if (host is null)
        {
            return null;
        }

        var span = TrimHost(host);
        var start = RegistrableDomainStart(span);
        return start < 0 ? null : span[start..].ToString().ToLowerInvariant();
    }

    /// <summary>Whether two hosts share a registrable domain (hosts without one compare whole); allocation-free for ASCII hosts.</summary>
    public bool SameSite(ReadOnlySpan<char> hostA, ReadOnlySpan<char> hostB)
    {
        hostA = TrimHost(hostA);
        hostB = TrimHost(hostB);
        if (hostA.IsEmpty || hostB.IsEmpty)
        {
            return false;
        }

        var a = RegistrableDomainStart(hostA);
        var b = RegistrableDomainStart(hostB);
        return a >= 0 && b >= 0
            ? hostA[a..].Equals(hostB[b..], StringComparison.OrdinalIgnoreCase)
            : hostA.Equals(hostB, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Index in <paramref name="host"/> where its registrable domain starts, or -1 when it has none.</summary>
    internal int RegistrableDomainStart(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 253 || host[0] == '.' || host[^1] == '.' || host.IndexOf("..", StringComparison.Ordinal) >= 0)
        {
            return -1;
        }

        if (IsIpLiteral(host))
        {
            return -1;
        }

        var labels = host.Count('.') + 1;
        var lookup = host;
        // "--" first: it is rare in host names and an ordinal scan, where the case-insensitive search is not cheap.
        if (host.Contains("--", StringComparison.Ordinal) && host.Contains("xn--", StringComparison.OrdinalIgnoreCase))
        {
            // The list holds Unicode names, so punycode labels are decoded for matching; label counts stay the same.
            if (!TryDecodePunycode(host, out var unicode) || unicode.Count('.') + 1 != labels)
            {
                return -1;
            }

            lookup = unicode;
        }

        var suffixLabels = PublicSuffixLabels(lookup, labels);
        if (suffixLabels >= labels)
        {
            return -1;
        }

        return LabelStart(host, labels - suffixLabels - 1);
    }

    private int PublicSuffixLabels(ReadOnlySpan<char> host, int labels)
    {
        // One lookup per suffix ("a.b.c", "b.c", "c"), kept for both passes below.
        var flags = labels <= 32 ? stackalloc RuleFlags[32] : new RuleFlags[labels];
        var start = 0;
        for (var k = 0; k < labels; k++)
        {
            flags[k] = Flags(host[start..]);
            start += host[start..].IndexOf('.') + 1;
        }

        // An exception rule wins over every other rule; its suffix is the rule minus its leftmost label.
        for (var k = 0; k < labels; k++)
        {
            if (flags[k].HasFlag(RuleFlags.Exception))
            {
                return labels - k - 1;
            }
        }

        // Otherwise the rule with most labels wins: walk from the whole host towards its last label.
        for (var k = 0; k < labels; k++)
        {
            if (flags[k].HasFlag(RuleFlags.Exact) || (k + 1 < labels && flags[k + 1].HasFlag(RuleFlags.WildcardChildren)))
            {
                return labels - k;
            }
        }

        // The implicit rule "*": the last label alone.
        return 1;
    }

    private RuleFlags Flags(ReadOnlySpan<char> name) => _rules.TryGetValue(name, out var flags) ? flags : RuleFlags.None;

    private static int LabelStart(ReadOnlySpan<char> host, int label)
    {
        var index = 0;
        for (var i = 0; i < label; i++)
        {
            index += host[index..].IndexOf('.') + 1;
        }

        return index;
    }

    internal static ReadOnlySpan<char> TrimHost(ReadOnlySpan<char> host)
    {
        host = host.Trim();
        // A fully qualified name ("example.com.") names the same site as without its root dot.
        return host.Length > 1 && host[^1] == '.' && host[^2] != '.' ? host[..^1] : host;
    }

    private static bool IsIpLiteral(ReadOnlySpan<char> host) =>
        host.Contains(':') || host[0] == '[' || (char.IsAsciiDigit(host[^1]) && !host.ContainsAnyExcept("0123456789."));

    private static bool TryDecodePunycode(ReadOnlySpan<char> host, out string unicode)
    {
        try
        {
            unicode = Idn.GetUnicode(host.ToString());
            return true;
        }
        catch (ArgumentException)
        {
            unicode = string.Empty;
            return false;
        }
    }

    private static IEnumerable<string> ReadQuotedStrings(string text)
    {
        // psl's rules.js is an ES module exporting one array of double-quoted rule strings, one per line.
        foreach (var line in text.Split('\n'))
        {
            var open = line.IndexOf('"', StringComparison.Ordinal);
            var close = open < 0 ? -1 : line.IndexOf('"', open + 1);
            if (close > open + 1)
            {
                yield return line[(open + 1)..close];
            }
        }
    }

    private static IEnumerable<string> ReadDatLines(string text)
    {
        // public_suffix_list.dat: one rule per line, up to the first whitespace; "//" starts a comment line.
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            var space = trimmed.IndexOfAny([' ', '\t']);
            yield return space < 0 ? trimmed : trimmed[..space];
        }
    }
}
