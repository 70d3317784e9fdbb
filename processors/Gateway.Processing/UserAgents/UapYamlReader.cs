using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Gateway.Processing.UserAgents;

/// <summary>One list item of a regexes.yaml section: its keys and the line it starts on.</summary>
internal sealed record UapYamlEntry(int Line, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// Reads the small YAML subset regexes.yaml uses: top-level keys whose values are lists of flat maps of scalars.
/// A full YAML library would be a dependency Gateway.Processing may not take, and anything outside the subset is
/// rejected with its line so a new upstream construct fails loudly instead of being misread.
/// </summary>
internal static class UapYamlReader
{
    /// <summary>Parses <paramref name="text"/> into sections keyed by top-level name; <paramref name="source"/> names the input in errors.</summary>
    public static Dictionary<string, List<UapYamlEntry>> Read(string text, string source)
    {
        var sections = new Dictionary<string, List<UapYamlEntry>>(StringComparer.Ordinal);
        List<UapYamlEntry>? section = null;
        Dictionary<string, string>? current = null;
        var itemIndent = -1;
        var keyIndent = -1;
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            var indent = CountIndent(line, source, lineNumber);
            if (indent == line.Length || line[indent] == '#')
            {
                continue;
            }

            if (line == "---" && sections.Count == 0)
            {
                continue;
            }

            if (indent == 0)
            {
                var (key, rest) = SplitKey(line, 0, source, lineNumber);
                if (!IsBlankOrComment(rest, 0))
                {
                    Fail(source, lineNumber, $"top-level key '{key}' must be followed by a list on the next lines");
                }

                if (sections.ContainsKey(key))
                {
                    Fail(source, lineNumber, $"top-level key '{key}' appears twice");
                }

                section = [];
                sections.Add(key, section);
                current = null;
                itemIndent = -1;
                continue;
            }

            if (section is null)
            {
                Fail(source, lineNumber, "indented content before any top-level key");
            }

            if (line[indent] == '-' && (indent + 1 == line.Length || line[indent + 1] == ' '))
            {
                if (itemIndent >= 0 && indent != itemIndent)
                {
                    Fail(source, lineNumber, $"list item indented by {indent} spaces where the list uses {itemIndent}");
                }

                itemIndent = indent;
                var keyStart = indent + 1;
                while (keyStart < line.Length && line[keyStart] == ' ')
                {
                    keyStart++;
                }

                if (keyStart == line.Length || line[keyStart] == '#')
                {
                    Fail(source, lineNumber, "a list item must start with 'key: value' on the same line");
                }

                keyIndent = keyStart;
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                section.Add(new UapYamlEntry(lineNumber, current));
                AddPair(current, line, keyStart, source, lineNumber);
                continue;
            }

            if (current is null || indent != keyIndent)
            {
                Fail(source, lineNumber, current is null
                    ? "a mapping key outside a list item"
                    : $"key indented by {indent} spaces where this item's keys use {keyIndent}");
            }

            AddPair(current, line, indent, source, lineNumber);
        }

        return sections;
    }

    private static int CountIndent(string line, string source, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        if (i < line.Length && line[i] == '\t')
        {
            Fail(source, lineNumber, "tab in indentation (YAML allows spaces only)");
        }

        return i;
    }

    private static void AddPair(Dictionary<string, string> map, string line, int start, string source, int lineNumber)
    {
        var (key, rest) = SplitKey(line, start, source, lineNumber);
        var value = ParseScalar(line, line.Length - rest.Length, source, lineNumber);
        if (!map.TryAdd(key, value))
        {
            Fail(source, lineNumber, $"key '{key}' appears twice in one item");
        }
    }

    private static (string Key, string Remainder) SplitKey(string line, int start, string source, int lineNumber)
    {
        var end = start;
        while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_'))
        {
            end++;
        }

        if (end == start || end == line.Length || line[end] != ':' || (end + 1 < line.Length && line[end + 1] != ' '))
        {
            Fail(source, lineNumber, $"expected 'key:' (letters, digits, '_') at column {start + 1}");
        }

        return (line[start..end], line[(end + 1)..]);
    }

    private static string ParseScalar(string line, int start, string source, int lineNumber)
    {
        var i = start;
        while (i < line.Length && line[i] == ' ')
        {
            i++;
        }

        if (i == line.Length || line[i] == '#')
        {
            Fail(source, lineNumber, "empty value (null values are not part of the regexes.yaml subset)");
        }

        int end;
        string value;
        switch (line[i])
        {
            case '\'':
                value = ReadSingleQuoted(line, i, source, lineNumber, out end);
                break;
            case '"':
                value = ReadDoubleQuoted(line, i, source, lineNumber, out end);
                break;
            default:
                value = ReadPlain(line, i, source, lineNumber, out end);
                break;
        }

        if (!IsBlankOrComment(line[end..], 0))
        {
            Fail(source, lineNumber, $"unexpected text after the value at column {end + 1}");
        }

        return value;
    }

    private static string ReadSingleQuoted(string line, int open, string source, int lineNumber, out int end)
    {
        var builder = new StringBuilder();
        for (var i = open + 1; i < line.Length; i++)
        {
            if (line[i] != '\'')
            {
                builder.Append(line[i]);
                continue;
            }

            // Inside single quotes the only escape is a doubled quote.
            if (i + 1 < line.Length && line[i + 1] == '\'')
            {
                builder.Append('\'');
                i++;
                continue;
            }

            end = i + 1;
            return builder.ToString();
        }

        Fail(source, lineNumber, "single-quoted value is not closed on the same line (multi-line scalars are not supported)");
        end = 0;
        return string.Empty;
    }

    private static string ReadDoubleQuoted(string line, int open, string source, int lineNumber, out int end)
    {
        var builder = new StringBuilder();
        for (var i = open + 1; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '"')
            {
                end = i + 1;
                return builder.ToString();
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (++i == line.Length)
            {
                break;
            }

            switch (line[i])
            {
                case '0': builder.Append('\0'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 't': builder.Append('\t'); break;
                case 'n': builder.Append('\n'); break;
                case 'v': builder.Append('\v'); break;
                case 'f': builder.Append('\f'); break;
                case 'r': builder.Append('\r'); break;
                case 'e': builder.Append('\u001b'); break;
                case ' ': builder.Append(' '); break;
                case '"': builder.Append('"'); break;
                case '/': builder.Append('/'); break;
                case '\\': builder.Append('\\'); break;
                case 'N': builder.Append('\u0085'); break;
                case '_': builder.Append('\u00a0'); break;
                case 'L': builder.Append('\u2028'); break;
                case 'P': builder.Append('\u2029'); break;
                case 'x': i = AppendHex(builder, line, i, 2, source, lineNumber); break;
                case 'u': i = AppendHex(builder, line, i, 4, source, lineNumber); break;
                case 'U': i = AppendHex(builder, line, i, 8, source, lineNumber); break;
                default:
                    Fail(source, lineNumber, $"unknown escape '\\{line[i]}' in a double-quoted value at column {i}");
                    break;
            }
        }

        Fail(source, lineNumber, "double-quoted value is not closed on the same line (multi-line scalars are not supported)");
        end = 0;
        return string.Empty;
    }

    private static int AppendHex(StringBuilder builder, string line, int escapeAt, int digits, string source, int lineNumber)
    {
        var code = -1;
        if (escapeAt + digits >= line.Length
            || !int.TryParse(line.AsSpan(escapeAt + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code)
            || code > 0x10FFFF
            || code is >= 0xD800 and <= 0xDFFF)
        {
            Fail(source, lineNumber, $"'\\{line[escapeAt]}' needs {digits} hex digits at column {escapeAt}");
        }

        builder.Append(char.ConvertFromUtf32(code));
        return escapeAt + digits;
    }

    private static string ReadPlain(string line, int start, string source, int lineNumber, out int end)
    {
        // Plain scalars start with an indicator in these cases, and YAML gives them meanings we do not implement.
        if ("[]{}&*!|>%@`,?:-".Contains(line[start], StringComparison.Ordinal))
        {
            Fail(source, lineNumber, $"'{line[start]}' starts a YAML construct outside the regexes.yaml subset; quote the value");
        }

        end = line.Length;
        var comment = line.IndexOf(" #", start, StringComparison.Ordinal);
        if (comment >= 0)
        {
            end = comment;
        }

        var value = line[start..end].TrimEnd(' ');
        if (value.Contains(": ", StringComparison.Ordinal))
        {
            Fail(source, lineNumber, "': ' inside an unquoted value (nested maps are not supported); quote the value");
        }

        return value;
    }

    private static bool IsBlankOrComment(string rest, int start)
    {
        for (var i = start; i < rest.Length; i++)
        {
            if (rest[i] == '#')
            {
                return i == 0 || rest[i - 1] == ' ';
            }

            if (rest[i] != ' ')
            {
                return false;
            }
        }

        return true;
    }

    [DoesNotReturn]
    private static void Fail(string source, int lineNumber, string reason) =>
        throw new FormatException($"{source}: line {lineNumber}: {reason}.");
}
