using System.Text;

namespace Gateway.Catalog.Queries;

/// <summary>SQL literals and a lexical scan shared by Athena (Trino) and DuckDB, whose string and comment syntax agree.</summary>
public static class SqlText
{
    /// <summary>
    /// <paramref name="value"/> as a standard SQL string literal: quotes doubled, nothing else escaped. Neither engine
    /// reads backslash escapes in <c>'…'</c> (Trino only in <c>U&amp;'…'</c>, DuckDB only in <c>E'…'</c>), so this is the
    /// whole rule; control characters are refused by the callers before they get here.
    /// </summary>
    public static string StringLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A double-quoted identifier (quotes doubled), valid on both engines.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Replaces every function call <c>name(</c> whose name <paramref name="rename"/> maps (case-insensitive), outside
    /// string literals, quoted identifiers and comments; qualified names (<c>x.name(</c>) are left alone.
    /// </summary>
    public static string RenameFunctions(string sql, IReadOnlyDictionary<string, string> rename)
    {
        if (rename.Count == 0)
        {
            return sql;
        }

        var text = new StringBuilder(sql.Length + 16);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var end = c switch
            {
                '\'' => SkipQuoted(sql, i, '\''),
                '"' => SkipQuoted(sql, i, '"'),
                '-' when At(sql, i + 1) == '-' => SkipLine(sql, i),
                '/' when At(sql, i + 1) == '*' => SkipBlock(sql, i),
                _ when IsIdentifierStart(c) => SkipIdentifier(sql, i),
                _ => i + 1,
            };

            if (IsIdentifierStart(c)
                && (i == 0 || sql[i - 1] != '.')
                && rename.TryGetValue(sql[i..end], out var replacement)
                && NextNonSpace(sql, end) == '(')
            {
                text.Append(replacement);
            }
            else
            {
                text.Append(sql, i, end - i);
            }

            i = end;
        }

        return text.ToString();
    }

    private static char At(string sql, int index) => index < sql.Length ? sql[index] : '\0';

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // An unterminated literal runs to the end of the text; the engine reports it.
    private static int SkipQuoted(string sql, int start, char quote)
    {
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == quote)
            {
                if (At(sql, i + 1) != quote)
                {
                    return i + 1;
                }

                i++;
            }

            i++;
        }

        return sql.Length;
    }

    private static int SkipLine(string sql, int start)
    {
        var newline = sql.IndexOf('\n', start);
        return newline < 0 ? sql.Length : newline;
    }

    private static int SkipBlock(string sql, int start)
    {
        var close = sql.IndexOf("*/", start + 2, StringComparison.Ordinal);
        return close < 0 ? sql.Length : close + 2;
    }

    private static int SkipIdentifier(string sql, int start)
    {
        var i = start + 1;
        while (i < sql.Length && IsIdentifierPart(sql[i]))
        {
            i++;
        }

        return i;
    }

    private static char NextNonSpace(string sql, int start)
    {
        var i = start;
        while (i < sql.Length && char.IsWhiteSpace(sql[i]))
        {
            i++;
        }

        return At(sql, i);
    }
}
