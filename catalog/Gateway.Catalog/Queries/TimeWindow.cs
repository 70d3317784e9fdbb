using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Catalog.Queries;

/// <summary>
/// The <c>{{window(column)}}</c> macro of named queries: the query's <c>start</c>–<c>end</c> window as a predicate on
/// a lake table, <c>{{window(column, lookback=parameter)}}</c> with the window opened that many whole hours before the
/// hour of <c>start</c>. It expands, with the bounds computed here as literals, to
/// <list type="number">
/// <item>plain ranges on the partition keys — <c>year BETWEEN</c>, and <c>month</c>, <c>day</c>, <c>hour BETWEEN</c>
/// while the bounds share the keys before — which every engine turns into a partition filter, Athena's partition
/// projection included;</item>
/// <item>the range of the concatenated key <c>yyyy-MM-dd HH</c>, which prunes the hours of a multi-day window on
/// engines that evaluate expressions over partition values (DuckDB, Trino);</item>
/// <item>the exact window on <c>column</c>: <c>&gt;= start AND &lt; end</c>.</item>
/// </list>
/// The last hour folder is that of the last instant before <c>end</c>, so an end on the hour reads no extra folder.
/// </summary>
internal static partial class TimeWindow
{
    /// <summary>The parameter holding the inclusive start of the window.</summary>
    public const string StartParameter = "start";

    /// <summary>The parameter holding the exclusive end of the window.</summary>
    public const string EndParameter = "end";

    /// <summary>The predicate for <paramref name="column"/> between <paramref name="start"/> (less <paramref name="lookbackHours"/> hours from its hour) and <paramref name="end"/>.</summary>
    public static string Predicate(string column, DateTimeOffset start, DateTimeOffset end, long lookbackHours)
    {
        var from = start.UtcDateTime;
        if (lookbackHours != 0)
        {
            var hours = Hour(from).Ticks / TimeSpan.TicksPerHour;
            from = lookbackHours >= hours ? DateTime.MinValue : new DateTime((hours - lookbackHours) * TimeSpan.TicksPerHour, DateTimeKind.Utc);
        }

        var to = end.UtcDateTime;
        var firstHour = Hour(from);
        var lastHour = Hour(to.Ticks == 0 ? to : to.AddTicks(-1));
        var sql = new StringBuilder(400);
        sql.Append(CultureInfo.InvariantCulture, $"year BETWEEN '{firstHour:yyyy}' AND '{lastHour:yyyy}'");
        if (firstHour.Year == lastHour.Year)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND month BETWEEN '{firstHour:MM}' AND '{lastHour:MM}'");
            if (firstHour.Month == lastHour.Month)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND day BETWEEN '{firstHour:dd}' AND '{lastHour:dd}'");
                if (firstHour.Day == lastHour.Day)
                {
                    sql.Append(CultureInfo.InvariantCulture, $" AND hour BETWEEN '{firstHour:HH}' AND '{lastHour:HH}'");
                }
            }
        }

        sql.Append(CultureInfo.InvariantCulture, $" AND concat(year, '-', month, '-', day, ' ', hour) BETWEEN '{firstHour:yyyy-MM-dd HH}' AND '{lastHour:yyyy-MM-dd HH}'");
        sql.Append(CultureInfo.InvariantCulture, $" AND {column} >= {QueryParameter.TimestampLiteral(from)} AND {column} < {QueryParameter.TimestampLiteral(to)}");
        return sql.ToString();
    }

    // The start of the UTC hour of an instant (year 1 stays year 1: a window cannot start before it).
    private static DateTime Hour(DateTime utc) =>
        utc.Ticks < TimeSpan.TicksPerHour ? DateTime.MinValue : new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);

    /// <summary><c>{{window(column)}}</c> or <c>{{window(column, lookback=parameter)}}</c>.</summary>
    [GeneratedRegex(@"\{\{\s*window\(\s*(?<column>[a-z_][a-z0-9_]*)\s*(?:,\s*lookback\s*=\s*(?<lookback>[a-z][a-z0-9_]*)\s*)?\)\s*\}\}", RegexOptions.CultureInvariant)]
    public static partial Regex Macro();
}
