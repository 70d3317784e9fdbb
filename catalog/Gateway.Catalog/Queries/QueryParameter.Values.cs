using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Catalog.Queries;

// Values: checking a value against the parameter's type and rendering it as a SQL literal.
public sealed partial class QueryParameter
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFF",
        "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF",
    ];

    /// <summary>
    /// The SQL literal for <paramref name="value"/>, with relative times (<c>now</c>, <c>today</c>) taken from
    /// <paramref name="now"/>; false with <paramref name="problem"/> (a clause starting "is …" or "has …") otherwise.
    /// </summary>
    internal bool TryRender(string value, DateTimeOffset now, out string sql, out string problem) => TryRender(value, now, out sql, out _, out problem);

    /// <summary>
    /// <see cref="TryRender(string, DateTimeOffset, out string, out string)"/>, also giving the value itself where a
    /// macro computes with it: the instant of a timestamp, the number of an integer, else null.
    /// </summary>
    internal bool TryRender(string value, DateTimeOffset now, out string sql, out object? typed, out string problem)
    {
        sql = "";
        typed = null;
        problem = "";
        switch (Kind)
        {
            case QueryParameterKind.Date:
                return TryRenderDate(value, now, out sql, out problem);
            case QueryParameterKind.Timestamp:
                var isTimestamp = TryRenderTimestamp(value, now, out sql, out var instant, out problem);
                typed = isTimestamp ? instant : null;
                return isTimestamp;
            case QueryParameterKind.Integer:
                var isInteger = TryRenderInteger(value, out sql, out var number, out problem);
                typed = isInteger ? number : null;
                return isInteger;
            case QueryParameterKind.Number:
                return TryRenderNumber(value, out sql, out problem);
            case QueryParameterKind.String:
                if (!IsPlainText(value, out problem))
                {
                    return false;
                }

                sql = SqlText.StringLiteral(value);
                return true;
            case QueryParameterKind.List:
                return TryRenderList(value, out sql, out problem);
            case QueryParameterKind.Choice:
                var choice = Choices.FirstOrDefault(c => string.Equals(c, value.Trim(), StringComparison.OrdinalIgnoreCase));
                if (choice is null)
                {
                    problem = $"is not one of {string.Join(", ", Choices)}";
                    return false;
                }

                sql = SqlText.StringLiteral(choice);
                return true;
            default:
                throw new InvalidOperationException($"unhandled parameter kind {Kind}");
        }
    }

    private static bool TryRenderDate(string value, DateTimeOffset now, out string sql, out string problem)
    {
        sql = "";
        problem = "is not a date: write YYYY-MM-DD, or today with an optional offset in days such as today-7d";
        var text = value.Trim();
        DateOnly date;
        if (RelativeTime().Match(text) is { Success: true } relative)
        {
            if (!relative.Groups["anchor"].Value.Equals("today", StringComparison.OrdinalIgnoreCase)
                || (relative.Groups["unit"].Success && !relative.Groups["unit"].Value.Equals("d", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            try
            {
                date = DateOnly.FromDateTime(now.UtcDateTime).AddDays((int)Offset(relative).TotalDays);
            }
            catch (ArgumentOutOfRangeException)
            {
                problem = "is outside years 1 to 9999";
                return false;
            }
        }
        else if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return false;
        }

        sql = $"DATE '{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        return true;
    }

    private static bool TryRenderTimestamp(string value, DateTimeOffset now, out string sql, out DateTimeOffset instant, out string problem)
    {
        sql = "";
        problem = "is not a timestamp: write YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS[.fff]] in UTC (a T instead of the space, and Z or an offset such as +02:00 at the end, are accepted), or now/today with an optional offset such as today-7d or now-6h";
        var text = value.Trim();
        instant = default;
        try
        {
            if (RelativeTime().Match(text) is { Success: true } relative)
            {
                var anchor = relative.Groups["anchor"].Value.Equals("today", StringComparison.OrdinalIgnoreCase)
                    ? new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero)
                    : new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
                instant = anchor + Offset(relative);
            }
            else if (!TryParseAbsolute(text, out instant, ref problem))
            {
                return false;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            problem = "is outside years 1 to 9999";
            return false;
        }

        var utc = instant.UtcDateTime;
        sql = TimestampLiteral(utc);
        return true;
    }

    /// <summary>A UTC instant as a TIMESTAMP literal both engines read, to the millisecond.</summary>
    internal static string TimestampLiteral(DateTime utc)
    {
        var format = utc.Millisecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.fff";
        return $"TIMESTAMP '{utc.ToString(format, CultureInfo.InvariantCulture)}'";
    }

    private static bool TryParseAbsolute(string text, out DateTimeOffset instant, ref string problem)
    {
        instant = default;
        var offset = TimeSpan.Zero;
        if (text.EndsWith('Z') || text.EndsWith('z'))
        {
            text = text[..^1];
        }
        else if (TrailingOffset().Match(text) is { Success: true } zone)
        {
            var hours = int.Parse(zone.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minutes = int.Parse(zone.Groups["m"].Value, CultureInfo.InvariantCulture);
            if (hours > 14 || minutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0) * (zone.Groups["sign"].Value == "-" ? -1 : 1);
            text = text[..zone.Index];
        }

        if (FractionTooLong().IsMatch(text))
        {
            problem = "has more than 3 fractional digits; timestamps are kept to the millisecond (as in Athena)";
            return false;
        }

        if (!DateTime.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        instant = new DateTimeOffset(local, offset).ToUniversalTime();
        return true;
    }

    private static TimeSpan Offset(Match relative)
    {
        if (!relative.Groups["n"].Success)
        {
            return TimeSpan.Zero;
        }

        var amount = int.Parse(relative.Groups["n"].Value, CultureInfo.InvariantCulture) * (relative.Groups["sign"].Value == "-" ? -1 : 1);
        return char.ToLowerInvariant(relative.Groups["unit"].Value[0]) switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromMinutes(amount),
        };
    }

    private bool TryRenderInteger(string value, out string sql, out long number, out string problem)
    {
        sql = "";
        number = 0;
        var text = value.Trim();
        if (!IntegerText().IsMatch(text) || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            problem = $"is not a whole number{RangeText()}";
            return false;
        }

        if (!InRange(number, out problem))
        {
            return false;
        }

        sql = number.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private bool TryRenderNumber(string value, out string sql, out string problem)
    {
        sql = "";
        var text = value.Trim();
        if (!NumberText().IsMatch(text)
            || !decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            problem = $"is not a decimal number such as 2.5 (a point, no exponent){RangeText()}";
            return false;
        }

        if (!InRange(number, out problem))
        {
            return false;
        }

        sql = $"CAST({number.ToString(CultureInfo.InvariantCulture)} AS DOUBLE)";
        return true;
    }

    private bool InRange(decimal number, out string problem)
    {
        problem = "";
        if ((Minimum is { } min && number < min) || (Maximum is { } max && number > max))
        {
            problem = $"is out of range{RangeText()}";
            return false;
        }

        return true;
    }

    private string RangeText() => (Minimum, Maximum) switch
    {
        ({ } min, { } max) => $" (from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})",
        ({ } min, null) => $" (at least {min.ToString(CultureInfo.InvariantCulture)})",
        (null, { } max) => $" (at most {max.ToString(CultureInfo.InvariantCulture)})",
        _ => "",
    };

    private static bool TryRenderList(string value, out string sql, out string problem)
    {
        sql = "";
        problem = "";
        if (value.Trim().Length == 0)
        {
            sql = "''";
            return true;
        }

        var items = value.Split(',').Select(item => item.Trim()).ToArray();
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Length == 0)
            {
                problem = $"has an empty item (number {i + 1}); separate items with single commas, e.g. a,b";
                return false;
            }
        }

        var joined = string.Join(',', items);
        if (!IsPlainText(joined, out problem))
        {
            return false;
        }

        sql = SqlText.StringLiteral(joined);
        return true;
    }

    // Control characters (newlines included) are refused: no parameter needs them, and a value then cannot end a
    // line comment in the SQL it is put into. Lone surrogates cannot be sent to either engine as UTF-8.
    private static bool IsPlainText(string value, out string problem)
    {
        problem = "";
        if (value.Length > MaxTextLength)
        {
            problem = $"is {value.Length} characters long; at most {MaxTextLength} are accepted";
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                problem = $"has a control character (U+{(int)c:X4}) at position {i + 1}; remove it";
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                problem = $"has an unpaired UTF-16 surrogate at position {i + 1}; it is not valid text";
                return false;
            }
        }

        return true;
    }

    /// <summary><paramref name="value"/> shortened and with control characters escaped, for messages.</summary>
    internal static string Shown(string value)
    {
        var text = new StringBuilder();
        foreach (var c in value.Length > 80 ? value[..77] + "..." : value)
        {
            text.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return text.ToString();
    }

    [GeneratedRegex(@"^(?<anchor>now|today)(?:\s*(?<sign>[+-])\s*(?<n>\d{1,6})\s*(?<unit>[dhm]))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RelativeTime();

    [GeneratedRegex(@"(?<sign>[+-])(?<h>\d\d):(?<m>\d\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingOffset();

    [GeneratedRegex(@"\.\d{4,}$", RegexOptions.CultureInvariant)]
    private static partial Regex FractionTooLong();

    [GeneratedRegex(@"^[+-]?\d{1,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[+-]?(?:\d{1,28}(?:\.\d{0,28})?|\.\d{1,28})$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberText();
}
