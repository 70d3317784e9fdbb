using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

using Gateway.Processing.Internal;

namespace Gateway.Processing.Classification;

/// <summary>Flags bot traffic by user agent (crawler-user-agents, scripted clients, headless browsers) and datacenter ASN; built once, thread-safe.</summary>
public sealed class BotClassifier
{
    private const string PackageFile = "tools/node_modules/crawler-user-agents/crawler-user-agents.json";

    // Nearly all of the list's patterns are plain substrings: those go into one SearchValues scan (a multi-string search over
    // the UA), and only the few real regexes into one combined regex, so a browser UA costs two passes instead of ~1,500.
    private readonly SearchValues<string> _literalScan;
    private readonly CrawlerPattern[] _literals;
    private readonly Regex _combined;
    private readonly CrawlerPattern[] _regexes;
    private readonly (string Token, string Reason)[] _scripted;
    private readonly string[] _headless;
    private readonly FrozenDictionary<uint, string> _datacenterReasons;

    private BotClassifier(List<CrawlerPattern> crawlers, (string Token, string Reason)[] scripted, string[] headless, FrozenDictionary<uint, string> datacenter)
    {
        _literals = [.. crawlers.Where(p => p.Literal is not null)];
        _regexes = [.. crawlers.Where(p => p.Literal is null)];
        _literalScan = SearchValues.Create([.. _literals.Select(p => p.Literal!)], StringComparison.Ordinal);
        // NonBacktracking: the few regexes include "[\s\S]*" spans, and a UA is attacker-chosen text, so the scan stays linear.
        _combined = _regexes.Length == 0
            ? new Regex("(?!)", RegexOptions.CultureInvariant)
            : new Regex(
                string.Join('|', _regexes.Select(p => "(?:" + p.Regex!.ToString() + ")")),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
        CrawlerPatternCount = crawlers.Count;
        _scripted = scripted;
        _headless = headless;
        _datacenterReasons = datacenter;
    }

    /// <summary>Patterns from crawler-user-agents that compiled as .NET regexes.</summary>
    public int CrawlerPatternCount { get; }

    /// <summary>Patterns from crawler-user-agents that .NET could not compile and that are therefore not checked.</summary>
    public IReadOnlyList<string> SkippedPatterns { get; private init; } = [];

    /// <summary>Loads crawler-user-agents.json from <paramref name="path"/> or the tools/ install, with the embedded UA and ASN lists.</summary>
    public static BotClassifier Load(string? path = null)
    {
        path ??= FindDefaultPatternsPath();
        return FromCrawlerJson(File.ReadAllText(path));
    }

    /// <summary>Builds a classifier from the text of crawler-user-agents.json and the embedded UA and ASN lists.</summary>
    public static BotClassifier FromCrawlerJson(string json)
    {
        var crawlers = new List<CrawlerPattern>();
        var skipped = new List<string>();
        using (var document = JsonDocument.Parse(json))
        {
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (!entry.TryGetProperty("pattern", out var patternElement) || patternElement.GetString() is not { Length: > 0 } pattern)
                {
                    continue;
                }

                var reason = "ua:crawler-user-agents:" + NameOf(pattern);
                if (LiteralOf(pattern) is { } literal)
                {
                    crawlers.Add(new CrawlerPattern(literal, null, reason));
                    continue;
                }

                try
                {
                    // The list's patterns are case-sensitive, as its own reference usage applies them.
                    var regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
                    crawlers.Add(new CrawlerPattern(null, regex, reason));
                }
                catch (ArgumentException)
                {
                    skipped.Add(pattern);
                }
            }
        }

        var scripted = EmbeddedData.Pairs("scripted-clients.txt").Select(p => (p.Key, "ua:scripted:" + p.Value)).ToArray();
        var headless = EmbeddedData.Lines("headless-markers.txt").ToArray();
        var datacenter = EmbeddedData.Pairs("datacenter-asns.txt")
            .ToFrozenDictionary(p => uint.Parse(p.Key, System.Globalization.CultureInfo.InvariantCulture), p => "asn:datacenter:" + p.Key);
        return new BotClassifier(crawlers, scripted, headless, datacenter) { SkippedPatterns = skipped };
    }

    /// <summary>crawler-user-agents.json under the first folder above the binaries that holds Gateway.sln.</summary>
    public static string FindDefaultPatternsPath() => ToolsData.Find(PackageFile, "crawler-user-agents.json");

    /// <summary>Classifies one hit by its user agent and, when known, its ASN; user-agent rules are checked first.</summary>
    public BotVerdict Classify(string? userAgent, uint? asn = null)
    {
        var verdict = ClassifyUserAgent(userAgent);
        return verdict.IsBot || asn is not { } number ? verdict : ClassifyNetwork(number);
    }

    /// <summary>The user-agent rules alone (empty, headless, scripted, crawler list); cache the result per UA string.</summary>
    public BotVerdict ClassifyUserAgent(ReadOnlySpan<char> userAgent)
    {
        var ua = userAgent.Trim();
        // CloudFront logs an absent header as "-".
        if (ua.IsEmpty || ua is "-")
        {
            return new BotVerdict(true, "ua:empty");
        }

        foreach (var marker in _headless)
        {
            if (ua.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return new BotVerdict(true, "ua:headless");
            }
        }

        foreach (var (token, reason) in _scripted)
        {
            if (ua.Contains(token, StringComparison.OrdinalIgnoreCase))
            {
                return new BotVerdict(true, reason);
            }
        }

        return MatchCrawler(ua) is { } crawler ? new BotVerdict(true, crawler) : BotVerdict.Human;
    }

    /// <summary>The datacenter-ASN rule alone: a bot verdict when <paramref name="asn"/> belongs to a cloud or hosting provider.</summary>
    public BotVerdict ClassifyNetwork(uint asn) =>
        _datacenterReasons.TryGetValue(asn, out var reason) ? new BotVerdict(true, reason) : BotVerdict.Human;

    private string? MatchCrawler(ReadOnlySpan<char> ua)
    {
        if (ua.ContainsAny(_literalScan))
        {
            foreach (var pattern in _literals)
            {
                if (ua.Contains(pattern.Literal, StringComparison.Ordinal))
                {
                    return pattern.Reason;
                }
            }
        }

        if (_combined.IsMatch(ua))
        {
            foreach (var pattern in _regexes)
            {
                if (pattern.Regex!.IsMatch(ua))
                {
                    return pattern.Reason;
                }
            }
        }

        return null;
    }

    /// <summary>The text a pattern matches when it is a plain substring ("Googlebot\/" → "Googlebot/"), else null.</summary>
    private static string? LiteralOf(string pattern)
    {
        var builder = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || char.IsAsciiLetterOrDigit(pattern[i + 1]))
                {
                    return null;
                }

                builder.Append(pattern[++i]);
            }
            else if ("^$.|?*+()[]{}".Contains(c, StringComparison.Ordinal))
            {
                return null;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>A readable name for a pattern: its first run of name characters once escapes and anchors are dropped ("Googlebot\/" → "Googlebot").</summary>
    private static string NameOf(string pattern)
    {
        var builder = new StringBuilder(pattern.Length);
        var best = string.Empty;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                // An escaped letter is a class such as \d or \s and ends the name; an escaped symbol is literal.
                var next = pattern[++i];
                if (char.IsAsciiLetterOrDigit(next) || !IsNameChar(next))
                {
                    Flush();
                    continue;
                }

                builder.Append(next);
                continue;
            }

            if (IsNameChar(c))
            {
                builder.Append(c);
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return best.Length > 0 ? best : pattern;

        void Flush()
        {
            var candidate = builder.ToString().Trim(' ', '-', '.', '_', '/');
            if (best.Length == 0 && candidate.Length > 0)
            {
                best = candidate;
            }

            builder.Clear();
        }
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ' ' or '.' or '/';

    private sealed record CrawlerPattern(string? Literal, Regex? Regex, string Reason);
}
