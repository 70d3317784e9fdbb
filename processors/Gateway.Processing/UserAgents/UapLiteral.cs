using System.Buffers;
using System.Text;

namespace Gateway.Processing.UserAgents;

/// <summary>
/// What every match of a pattern must contain — runs of literal text, and for alternations "one of these runs" — so a
/// rule can be skipped with a few vectorized substring searches instead of a regex run. A user agent that misses the
/// cache is tried against ~1,200 rules and matches at most a few, so turning the hopeless ones away is most of the work.
/// </summary>
/// <remarks>
/// Conservative by construction: anything not understood ends the current run or gives up on the whole pattern, so
/// the requirements may be weaker than possible, but never something a match could lack. Understood: literal characters
/// and escaped punctuation; a two-letter class of one ASCII letter in both cases (<c>[Bb]</c>, a case-insensitive
/// character); groups (capturing, <c>(?:</c>, named), whose text joins the surrounding run when the group is nothing but
/// text; alternations, which require one of their alternatives' longest runs when every alternative has one;
/// quantifiers (<c>?</c>, <c>*</c>, <c>{0,m}</c> make their atom optional, <c>+</c> and <c>{n,m}</c> with n ≥ 1 keep it
/// once and end the run). Lookarounds and inline options (<c>(?i)</c>) give no requirement at all.
/// </remarks>
internal sealed class UapLiteral
{
    private readonly string[] _exact;
    private readonly string[] _anyCase;
    private readonly SearchValues<string>[] _oneOfExact;
    private readonly SearchValues<string>[] _oneOfAnyCase;

    private UapLiteral(List<Requirement> requirements)
    {
        Requirements = requirements;
        _exact = [.. requirements.Where(r => r.Options.Length == 1 && !r.IgnoreCase).Select(r => r.Options[0])];
        _anyCase = [.. requirements.Where(r => r.Options.Length == 1 && r.IgnoreCase).Select(r => r.Options[0])];
        _oneOfExact = [.. requirements.Where(r => r.Options.Length > 1 && !r.IgnoreCase).Select(r => SearchValues.Create(r.Options, StringComparison.Ordinal))];
        _oneOfAnyCase = [.. requirements.Where(r => r.Options.Length > 1 && r.IgnoreCase).Select(r => SearchValues.Create(r.Options, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>What a match needs: each entry is one of its options (one option: that text), compared with or without case.</summary>
    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>
    /// The requirements of <paramref name="pattern"/> (.NET syntax), read case-insensitively when
    /// <paramref name="ignoreCase"/>; null when nothing is known to be required.
    /// </summary>
    public static UapLiteral? For(string pattern, bool ignoreCase)
    {
        var position = 0;
        var parsed = Sequence(pattern, ref position);
        if (parsed is null || position != pattern.Length)
        {
            return null;
        }

        var requirements = parsed.Value.Requirements
            .Select(r => ignoreCase ? r with { IgnoreCase = true } : r)
            // The regex engine folds a few non-ASCII letters onto ASCII ones (the Kelvin sign onto k); an ordinal
            // comparison without case does not, so such texts are only used with case.
            .Where(r => !r.IgnoreCase || r.Options.All(o => Ascii.IsValid(o)))
            .DistinctBy(r => (string.Join('\0', r.Options), r.IgnoreCase))
            .ToList();
        return requirements.Count == 0 ? null : new UapLiteral(requirements);
    }

    /// <summary>
    /// False when <paramref name="input"/> lacks a requirement, so the regex cannot match. Case-insensitive
    /// requirements are only checked on ASCII input (<paramref name="ascii"/>), for the folding reason above.
    /// </summary>
    public bool Allows(string input, bool ascii) =>
        HasAll(input, _exact, _oneOfExact, StringComparison.Ordinal)
        && (!ascii || HasAll(input, _anyCase, _oneOfAnyCase, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => string.Join(" & ", Requirements.Select(r => (r.IgnoreCase ? "i" : "") + "(" + string.Join("|", r.Options.Select(o => $"'{o}'")) + ")"));

    // Every text (compared as given) and one of each set (whose comparison is built in).
    private static bool HasAll(string input, string[] texts, SearchValues<string>[] oneOf, StringComparison comparison)
    {
        foreach (var text in texts)
        {
            if (!input.Contains(text, comparison))
            {
                return false;
            }
        }

        foreach (var values in oneOf)
        {
            if (!input.AsSpan().ContainsAny(values))
            {
                return false;
            }
        }

        return true;
    }

    // Reads alternatives up to ')' or the end. Null: give up on the pattern.
    private static Parsed? Sequence(string pattern, ref int i)
    {
        var alternatives = new List<Parsed>();
        while (true)
        {
            var alternative = Alternative(pattern, ref i);
            if (alternative is null)
            {
                return null;
            }

            alternatives.Add(alternative.Value);
            if (i < pattern.Length && pattern[i] == '|')
            {
                i++;
                continue;
            }

            break;
        }

        if (alternatives.Count == 1)
        {
            return alternatives[0];
        }

        // One of them: each alternative's longest run, when every alternative has one.
        var longest = alternatives.Select(a => a.Requirements.Where(r => r.Options.Length == 1).MaxBy(r => r.Options[0].Length)).ToList();
        if (longest.Any(r => r is null))
        {
            return new Parsed([], null);
        }

        var options = longest.Select(r => r!.Options[0]).Distinct(StringComparer.Ordinal).ToArray();
        return new Parsed([new Requirement(options, longest.Any(r => r!.IgnoreCase))], null);
    }

    // Reads atoms up to '|', ')' or the end.
    private static Parsed? Alternative(string pattern, ref int i)
    {
        var requirements = new List<Requirement>();
        var run = new StringBuilder();
        var runIgnoreCase = false;
        var textOnly = true;

        void Flush()
        {
            if (run.Length > 0)
            {
                requirements.Add(new Requirement([run.ToString()], runIgnoreCase));
            }

            run.Clear();
            runIgnoreCase = false;
        }

        while (i < pattern.Length && pattern[i] is not ('|' or ')'))
        {
            var c = pattern[i];
            if (c == '(')
            {
                var group = Group(pattern, ref i);
                if (group is null)
                {
                    return null;
                }

                var (optional, repeats, valid) = Quantifier(pattern, ref i);
                if (!valid)
                {
                    return null;
                }

                if (optional)
                {
                    Flush();
                    textOnly = false;
                    continue;
                }

                if (group.Value.Text is { } text)
                {
                    // Nothing but text: it continues the run (and ends it when it may repeat).
                    run.Append(text.Value);
                    runIgnoreCase |= text.IgnoreCase;
                    if (repeats)
                    {
                        Flush();
                        textOnly = false;
                    }

                    continue;
                }

                Flush();
                textOnly = false;
                requirements.AddRange(group.Value.Requirements);
                continue;
            }

            (char Char, bool IgnoreCase)? literal;
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    return null;
                }

                literal = EscapedLiteral(pattern[i + 1]) is { } escaped ? (escaped, false) : null;
                i += 2;
            }
            else if (c == '[')
            {
                var start = i;
                if (!SkipClass(pattern, ref i))
                {
                    return null;
                }

                literal = CaseInsensitiveLetter(pattern.AsSpan(start, i - start));
            }
            else if (c is '.' or '^' or '$')
            {
                literal = null;
                i++;
            }
            else if (c is '*' or '+' or '?' or '{')
            {
                // A quantifier with nothing to apply to: not a pattern this reads.
                return null;
            }
            else
            {
                literal = (c, false);
                i++;
            }

            var (charOptional, charRepeats, ok) = Quantifier(pattern, ref i);
            if (!ok)
            {
                return null;
            }

            if (literal is not { } one || charOptional)
            {
                Flush();
                textOnly = false;
                continue;
            }

            run.Append(one.Char);
            runIgnoreCase |= one.IgnoreCase;
            if (charRepeats)
            {
                Flush();
                textOnly = false;
            }
        }

        if (textOnly)
        {
            var text = new Text(run.ToString(), runIgnoreCase);
            Flush();
            return new Parsed(requirements, text);
        }

        Flush();
        return new Parsed(requirements, null);
    }

    // At '(': reads the whole group including ')'. Capturing, (?: and named groups are read; anything else gives up.
    private static Parsed? Group(string pattern, ref int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '?')
        {
            if (i + 1 < pattern.Length && pattern[i + 1] == ':')
            {
                i += 2;
            }
            else if (i + 2 < pattern.Length && pattern[i + 1] == '<' && pattern[i + 2] is not ('=' or '!'))
            {
                var close = pattern.IndexOf('>', i);
                if (close < 0)
                {
                    return null;
                }

                i = close + 1;
            }
            else
            {
                // Lookarounds, inline options, atomic and conditional groups.
                return null;
            }
        }

        var inner = Sequence(pattern, ref i);
        if (inner is null || i >= pattern.Length || pattern[i] != ')')
        {
            return null;
        }

        i++;
        return inner;
    }

    // At '[': skips the class including its ']' (a ']' right after '[' or '[^' is a member).
    private static bool SkipClass(string pattern, ref int i)
    {
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++;
        }

        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == '[')
            {
                // Subtraction or a nested class: not read here.
                return false;
            }

            i++;
            if (c == ']')
            {
                return true;
            }
        }

        return false;
    }

    // "[Bb]": one ASCII letter in either case.
    private static (char, bool)? CaseInsensitiveLetter(ReadOnlySpan<char> @class) =>
        @class.Length == 4 && char.IsAsciiLetter(@class[1]) && @class[1] != @class[2] && char.ToLowerInvariant(@class[1]) == char.ToLowerInvariant(@class[2])
            ? (char.ToLowerInvariant(@class[1]), true)
            : null;

    // Reads an optional quantifier (and its lazy '?'): optional = may match zero times, repeats = may match more than once.
    private static (bool Optional, bool Repeats, bool Valid) Quantifier(string pattern, ref int i)
    {
        if (i >= pattern.Length)
        {
            return (false, false, true);
        }

        (bool, bool, bool) result;
        switch (pattern[i])
        {
            case '?':
                result = (true, false, true);
                i++;
                break;
            case '*':
                result = (true, true, true);
                i++;
                break;
            case '+':
                result = (false, true, true);
                i++;
                break;
            case '{':
                var close = pattern.IndexOf('}', i);
                var parts = close < 0 ? [] : pattern[(i + 1)..close].Split(',');
                if (parts.Length is < 1 or > 2 || !int.TryParse(parts[0], out var min) || (parts.Length == 2 && parts[1].Length > 0 && !int.TryParse(parts[1], out _)))
                {
                    // .NET would read a '{' that is no quantifier as a literal; this reader does not guess.
                    return (false, false, false);
                }

                var max = parts.Length == 1 ? min : parts[1].Length == 0 ? int.MaxValue : int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                result = (min == 0, max > 1, true);
                i = close + 1;
                break;
            default:
                return (false, false, true);
        }

        if (i < pattern.Length && pattern[i] == '?')
        {
            i++;
        }

        return result;
    }

    // The character an escape stands for when it is a plain literal; null for classes, anchors, references and codes.
    private static char? EscapedLiteral(char c) =>
        c is '.' or '-' or '/' or '\\' or '(' or ')' or '[' or ']' or '{' or '}' or '+' or '*' or '?' or '|' or '^' or '$' or ' ' or ':' or ';' or '_' or ',' or '!' or '=' or '&' or '#' or '@' or '%' or '\'' or '"' or '~' or '<' or '>'
            ? c
            : null;

    /// <summary>One requirement: the input contains one of <paramref name="Options"/>.</summary>
    internal sealed record Requirement(string[] Options, bool IgnoreCase);

    private readonly record struct Text(string Value, bool IgnoreCase);

    // Requirements found, and the whole text when the part read was nothing but literal characters.
    private readonly record struct Parsed(List<Requirement> Requirements, Text? Text);
}
