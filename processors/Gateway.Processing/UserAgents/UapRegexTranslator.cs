using System.Text;

namespace Gateway.Processing.UserAgents;

/// <summary>
/// Rewrites the few Python/PCRE spellings in regexes.yaml that .NET reads differently. Everything else in the file's
/// syntax means the same in both flavours, so the pattern is copied through unchanged.
/// </summary>
internal static class UapRegexTranslator
{
    /// <summary>Returns <paramref name="pattern"/> in .NET syntax.</summary>
    public static string Translate(string pattern)
    {
        StringBuilder? builder = null;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            string? replacement = null;
            var consumed = 1;
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                consumed = 2;
                // Python's \Z is end-of-string only; .NET's \Z also matches before a final newline, its \z is Python's \Z.
                if (next == 'Z' && !inClass)
                {
                    replacement = "\\z";
                }
            }
            else if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }
            }
            else if (c == '[')
            {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal in both flavours; step over it so it does not close the class.
                var j = i + 1;
                if (j < pattern.Length && pattern[j] == '^')
                {
                    j++;
                }

                if (j < pattern.Length && pattern[j] == ']')
                {
                    consumed = j - i + 1;
                }
            }
            else if (c == '(' && pattern.AsSpan(i).StartsWith("(?P<"))
            {
                // Python's named group; .NET drops the P.
                replacement = "(?<";
                consumed = 4;
            }
            else if (c == '(' && pattern.AsSpan(i).StartsWith("(?P="))
            {
                var close = pattern.IndexOf(')', i);
                if (close > 0)
                {
                    replacement = $"\\k<{pattern[(i + 4)..close]}>";
                    consumed = close - i + 1;
                }
            }
            else if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == ',')
            {
                // Python reads {,n} as {0,n}; .NET would read it as literal text.
                var close = pattern.IndexOf('}', i);
                if (close > i + 2 && pattern.AsSpan(i + 2, close - i - 2).IndexOfAnyExceptInRange('0', '9') < 0)
                {
                    replacement = "{0" + pattern[(i + 1)..(close + 1)];
                    consumed = close - i + 1;
                }
            }

            if (replacement is null)
            {
                builder?.Append(pattern, i, consumed);
            }
            else
            {
                builder ??= new StringBuilder(pattern, 0, i, pattern.Length + 8);
                builder.Append(replacement);
            }

            i += consumed - 1;
        }

        return builder?.ToString() ?? pattern;
    }
}
