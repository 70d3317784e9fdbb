using System.Globalization;
using System.Text;
using Gateway.Catalog.Engines;
using Gateway.Catalog.Queries;
using Gateway.Dashboards.Rollups;

namespace Gateway.Dashboards.History;

/// <summary>One step of history read from the lake: exact counts, visitors counted distinct.</summary>
public sealed record HistoryPoint(DateTimeOffset Time, long Events, long Bots, long HumanOpens, long MachineOpens, long Conversions, long Visitors);

/// <summary>The lake's answer for a range: its points, and the top values per dimension over the whole range.</summary>
/// <param name="Points">Steps that have events, oldest first.</param>
/// <param name="Visitors">Distinct visitors over the whole range.</param>
/// <param name="Value">Conversion value by currency.</param>
/// <param name="Top">Dimension name (as in the API: eventNames, countries, …) → its top values, largest first.</param>
public sealed record HistoryResult(
    IReadOnlyList<HistoryPoint> Points,
    long Visitors,
    IReadOnlyDictionary<string, double> Value,
    IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, long>>> Top);

/// <summary>Where the dashboard reads history older than the rollups keep.</summary>
public interface IHistorySource
{
    /// <summary>The points of [<paramref name="from"/>, <paramref name="to"/>) at <paramref name="step"/> and the range's top values.</summary>
    Task<HistoryResult> ReadAsync(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step, int top, CancellationToken cancellationToken);
}

/// <summary>
/// History from the local lake through the query engine (DuckDB over the Parquet files, the same views analysts query).
/// The engine is opened on first use and kept; queries run one at a time.
/// </summary>
public sealed class LakeHistory(string lakeDirectory) : IHistorySource, IDisposable
{
    // Dimension name in the API → lake column.
    private static readonly (string Name, string Column)[] Dimensions =
    [
        ("eventNames", "event_name"), ("channels", "channel"), ("countries", "country"), ("referrerHosts", "referrer_host"),
        ("referrerMedia", "referrer_medium"), ("browsers", "ua_browser"), ("operatingSystems", "ua_os"), ("devices", "ua_device"),
        ("pages", "page_host || coalesce(page_path, '')"),
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private LocalQueryEngine? _engine;

    /// <inheritdoc />
    public async Task<HistoryResult> ReadAsync(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step, int top, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // DuckDB runs synchronously; off the request thread.
            return await Task.Run(() => Read(pixel, from, to, step, top), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _engine?.Dispose();
        _gate.Dispose();
    }

    private HistoryResult Read(string? pixel, DateTimeOffset from, DateTimeOffset to, RollupStep step, int top)
    {
        _engine ??= new LocalQueryEngine(lakeDirectory);
        var where = Where(pixel, from, to);
        var unit = step switch { RollupStep.Minute => "minute", RollupStep.Hour => "hour", _ => "day" };
        var conversions = string.Join(", ", RollupBucket.ConversionEvents.Order(StringComparer.Ordinal).Select(SqlText.StringLiteral));
        var points = _engine.Run($"""
            SELECT date_trunc('{unit}', event_time) AS t,
                   count(*) AS events,
                   count(*) FILTER (WHERE is_bot) AS bots,
                   count(*) FILTER (WHERE channel = 'email' AND NOT is_machine_open AND NOT is_bot) AS human_opens,
                   count(*) FILTER (WHERE channel = 'email' AND is_machine_open) AS machine_opens,
                   count(*) FILTER (WHERE NOT is_bot AND event_name IN ({conversions})) AS conversions,
                   count(DISTINCT nullif(visitor_id, '')) AS visitors
            FROM events WHERE {where}
            GROUP BY 1 ORDER BY 1
            """);
        var list = points.Rows.Select(r => new HistoryPoint(
            Time(r[0]), Long(r[1]), Long(r[2]), Long(r[3]), Long(r[4]), Long(r[5]), Long(r[6]))).ToList();

        var visitors = Long(_engine.Run($"SELECT count(DISTINCT nullif(visitor_id, '')) FROM events WHERE {where}").Rows.FirstOrDefault()?[0]);
        var value = _engine.Run($"""
            SELECT upper(currency), sum(value) FROM events
            WHERE {where} AND NOT is_bot AND event_name IN ({conversions}) AND value IS NOT NULL AND currency <> ''
            GROUP BY 1 ORDER BY 1
            """).Rows.ToDictionary(r => (string)r[0]!, r => Convert.ToDouble(r[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);

        var union = new StringBuilder();
        foreach (var (name, column) in Dimensions)
        {
            if (union.Length > 0)
            {
                union.Append(" UNION ALL ");
            }

            union.Append(CultureInfo.InvariantCulture, $"""
                (SELECT '{name}' AS d, coalesce(nullif({column}, ''), '{Tally.Unknown}') AS v, count(*) AS n FROM events WHERE {where}
                 GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT {top})
                """);
        }

        var tops = new Dictionary<string, IReadOnlyList<KeyValuePair<string, long>>>(StringComparer.Ordinal);
        foreach (var group in _engine.Run(union.ToString()).Rows.GroupBy(r => (string)r[0]!))
        {
            tops[group.Key] = [.. group.Select(r => KeyValuePair.Create((string)r[1]!, Long(r[2]))).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)];
        }

        return new HistoryResult(list, visitors, value, tops);
    }

    private static string Where(string? pixel, DateTimeOffset from, DateTimeOffset to)
    {
        var where = $"event_time >= TIMESTAMP {Stamp(from)} AND event_time < TIMESTAMP {Stamp(to)}";
        return pixel is null ? where : where + " AND pixel_id = " + SqlText.StringLiteral(pixel);
    }

    private static string Stamp(DateTimeOffset at) => SqlText.StringLiteral(at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture));

    private static long Long(object? cell) => cell is null ? 0 : Convert.ToInt64(cell, CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(object? cell) => cell switch
    {
        DateTimeOffset t => t.ToUniversalTime(),
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        _ => throw new InvalidDataException($"the lake returned {cell?.GetType().Name ?? "null"} for a time"),
    };
}
