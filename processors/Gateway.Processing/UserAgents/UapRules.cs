using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Processing.UserAgents;

/// <summary>
/// The replacement rules shared by all three parser kinds, as the reference implementations apply them: every
/// <c>$1</c>…<c>$9</c> in a template becomes that group's text (empty when the group is absent or did not take
/// part), the result is trimmed, and an empty result means "not known" (null).
/// </summary>
/// <summary>One uap-core rule: its result when its regex matches the user agent, else null.</summary>
internal interface IUapRule<TResult>
    where TResult : class
{
    /// <summary>The rule's result for <paramref name="userAgent"/>; <paramref name="ascii"/> tells whether it is all ASCII.</summary>
    TResult? TryMatch(string userAgent, bool ascii);
}

/// <summary>
/// A rule's regex (interpreted or compiled, see <see cref="UserAgentRegexMode"/>). Before it runs, a text that lacks
/// what every match contains (<see cref="UapLiteral"/>) is turned away with a few substring searches.
/// </summary>
internal sealed class UapPattern
{
    private readonly string _pattern;
    private readonly UapLiteral? _literal;
    private readonly Regex _regex;

    /// <summary>Builds the regex; throws <see cref="ArgumentException"/> when the pattern is not valid .NET.</summary>
    public UapPattern(string pattern, RegexOptions options, bool compiled)
    {
        _pattern = pattern;
        _regex = new Regex(pattern, compiled ? options | RegexOptions.Compiled : options);
        _literal = UapLiteral.For(pattern, (options & RegexOptions.IgnoreCase) != 0);
    }

    /// <summary>What every match contains, or null when nothing is known.</summary>
    public UapLiteral? Required => _literal;

    /// <summary>True when the regex was compiled to IL.</summary>
    public bool IsCompiled => (_regex.Options & RegexOptions.Compiled) != 0;

    /// <summary>
    /// The regex's match, or <see cref="System.Text.RegularExpressions.Match.Empty"/> straight away when
    /// <paramref name="input"/> lacks what every match contains (<paramref name="ascii"/>: whether it is all ASCII).
    /// </summary>
    public Match Match(string input, bool ascii)
    {
        if (_literal is not null && !_literal.Allows(input, ascii))
        {
            return System.Text.RegularExpressions.Match.Empty;
        }

        return _regex.Match(input);
    }

    /// <summary>The regex's match, without the literal pre-check (for tests that hold the two equal).</summary>
    public Match MatchWithoutPrecheck(string input) => _regex.Match(input);

    public override string ToString() => _pattern;
}

internal static class UapTemplate
{
    /// <summary>Expands <paramref name="template"/> against <paramref name="match"/>.</summary>
    public static string? Expand(string template, Match match)
    {
        var dollar = template.IndexOf('$', StringComparison.Ordinal);
        if (dollar < 0)
        {
            return Normalize(template);
        }

        var builder = new StringBuilder(template.Length + 16);
        var start = 0;
        while (dollar >= 0)
        {
            if (dollar + 1 < template.Length && char.IsAsciiDigit(template[dollar + 1]))
            {
                builder.Append(template, start, dollar - start);
                // $0 is never a placeholder for the whole match in uap-core; it expands to nothing like any absent group.
                var index = template[dollar + 1] - '0';
                if (index > 0)
                {
                    builder.Append(Group(match, index));
                }

                start = dollar + 2;
            }

            dollar = template.IndexOf('$', dollar + 1);
        }

        builder.Append(template, start, template.Length - start);
        return Normalize(builder.ToString());
    }

    /// <summary>The group's text, or null when it is absent, did not take part or is empty; not trimmed.</summary>
    public static string? Raw(Match match, int index)
    {
        var group = match.Groups[index];
        return group.Success && group.Length > 0 ? group.Value : null;
    }

    private static string Group(Match match, int index)
    {
        var group = match.Groups[index];
        return group.Success ? group.Value : string.Empty;
    }

    private static string? Normalize(string value)
    {
        var trimmed = value.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }
}

/// <summary>One entry of user_agent_parsers.</summary>
internal sealed class BrowserRule(UapPattern regex, string? family, string? major, string? minor, string? patch, string? patchMinor) : IUapRule<BrowserInfo>
{
    public UapPattern Regex { get; } = regex;

    public BrowserInfo? TryMatch(string userAgent, bool ascii)
    {
        var match = Regex.Match(userAgent, ascii);
        if (!match.Success)
        {
            return null;
        }

        // Without a replacement the versions are the raw groups 2..5 (not trimmed), as the reference parsers do.
        return new BrowserInfo(
            UapTemplate.Expand(family ?? "$1", match) ?? UserAgentParser.Other,
            major is null ? UapTemplate.Raw(match, 2) : UapTemplate.Expand(major, match),
            minor is null ? UapTemplate.Raw(match, 3) : UapTemplate.Expand(minor, match),
            patch is null ? UapTemplate.Raw(match, 4) : UapTemplate.Expand(patch, match),
            patchMinor is null ? UapTemplate.Raw(match, 5) : UapTemplate.Expand(patchMinor, match));
    }
}

/// <summary>One entry of os_parsers.</summary>
internal sealed class OperatingSystemRule(UapPattern regex, string? family, string? major, string? minor, string? patch, string? patchMinor) : IUapRule<OperatingSystemInfo>
{
    public UapPattern Regex { get; } = regex;

    public OperatingSystemInfo? TryMatch(string userAgent, bool ascii)
    {
        var match = Regex.Match(userAgent, ascii);
        if (!match.Success)
        {
            return null;
        }

        return new OperatingSystemInfo(
            UapTemplate.Expand(family ?? "$1", match) ?? UserAgentParser.Other,
            UapTemplate.Expand(major ?? "$2", match),
            UapTemplate.Expand(minor ?? "$3", match),
            UapTemplate.Expand(patch ?? "$4", match),
            UapTemplate.Expand(patchMinor ?? "$5", match));
    }
}

/// <summary>One entry of device_parsers.</summary>
internal sealed class DeviceRule(UapPattern regex, string? family, string? brand, string? model) : IUapRule<DeviceInfo>
{
    public UapPattern Regex { get; } = regex;

    public DeviceInfo? TryMatch(string userAgent, bool ascii)
    {
        var match = Regex.Match(userAgent, ascii);
        if (!match.Success)
        {
            return null;
        }

        // Brand has no default group; model defaults to the first group like the family.
        return new DeviceInfo(
            UapTemplate.Expand(family ?? "$1", match) ?? UserAgentParser.Other,
            brand is null ? null : UapTemplate.Expand(brand, match),
            UapTemplate.Expand(model ?? "$1", match));
    }
}
