using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Catalog;
using Gateway.Catalog.Engines;
using Gateway.Catalog.Queries;
using Gateway.Parquet;

namespace Gateway.Bench;

/// <summary>
/// "query-scan LAKE START END ROUNDS" (bench/named-queries.sh): each named query over the window, as written (with
/// the partition predicates of its <c>{{window(…)}}</c>) and with those predicates removed (only the exact range on the
/// time column left), on DuckDB in this process. Per variant it prints the median time of ROUNDS runs after a warm-up;
/// the files the scans of the SQL read (those in the partition folders their predicates allow) of all the files they
/// could read; the files DuckDB opened by its own EXPLAIN ANALYZE count (more when its plan scans a table twice, as
/// a top-N that fetches the winning rows' other columns in a second pass does); and the bytes a column store bills
/// for the files read: the compressed column chunks of the columns the query names, plus each footer, from the files'
/// own footers.
/// </summary>
internal static partial class NamedQueryScan
{
    public static void Run(string lake, string start, string end, int rounds)
    {
        using var engine = new LocalQueryEngine(lake);
        var footers = new Dictionary<string, ParquetFileInfo>(StringComparer.Ordinal);
        Console.WriteLine($"{"query",-16} {"variant",-14} {"median s",9} {"files",11} {"opened",7} {"bytes scanned",15} {"rows",6}");
        foreach (var query in NamedQueries.Load())
        {
            var pruned = query.Render(new Dictionary<string, string> { ["start"] = start, ["end"] = end }, SqlDialect.DuckDb);
            var unpruned = PartitionPredicates().Replace(pruned, "");
            if (unpruned == pruned)
            {
                throw new InvalidOperationException($"{query.Name}: found no partition predicates to remove");
            }

            foreach (var (variant, sql) in new[] { ("partitions", pruned), ("time only", unpruned) })
            {
                var table = engine.Run(sql);
                var times = new List<double>();
                for (var round = 0; round < rounds; round++)
                {
                    var watch = Stopwatch.StartNew();
                    engine.Run(sql);
                    times.Add(watch.Elapsed.TotalSeconds);
                }

                times.Sort();
                var plan = (string)engine.Run("EXPLAIN ANALYZE " + sql).Rows.Single()[1]!;
                var opened = FilesRead().Matches(plan).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                var (files, total, bytes) = Billed(lake, sql, footers);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{query.Name,-16} {variant,-14} {times[times.Count / 2],9:0.000} {$"{files}/{total}",11} {opened,7} {bytes,15:N0} {table.Rows.Count,6}"));
            }
        }
    }

    // The files each scan reads and the bytes of the named columns' chunks in them (plus footers).
    private static (int Files, int Total, long Bytes) Billed(string lake, string sql, Dictionary<string, ParquetFileInfo> footers)
    {
        var body = Comment().Replace(sql, "");
        var (files, total, bytes) = (0, 0, 0L);
        foreach (Match scan in Scan().Matches(body))
        {
            var schema = EventSchema.Tables.Single(t => t.Name == scan.Groups["table"].Value);
            var columns = schema.Columns.Select(c => c.Name).Where(name => Regex.IsMatch(body, $@"\b{name}\b")).ToHashSet(StringComparer.Ordinal);
            var (first, last) = scan.Groups["first"].Success ? (scan.Groups["first"].Value, scan.Groups["last"].Value) : ("", "~");
            foreach (var path in Directory.EnumerateFiles(Path.Combine(lake, schema.Name), "*.parquet", SearchOption.AllDirectories))
            {
                total++;
                var hour = HourOf(path);
                if (string.CompareOrdinal(hour, first) < 0 || string.CompareOrdinal(hour, last) > 0)
                {
                    continue;
                }

                if (!footers.TryGetValue(path, out var footer))
                {
                    footer = footers[path] = ParquetFileInfo.Read(path);
                }

                files++;
                bytes += footer.FooterLength + 8 + footer.RowGroups.Sum(g => g.Columns.Where(c => columns.Contains(c.Path)).Sum(c => c.TotalCompressedSize));
            }
        }

        return (files, total, bytes);
    }

    // "yyyy-MM-dd HH" of a file in a Hive hour folder.
    private static string HourOf(string path)
    {
        var keys = HiveKeys().Match(path);
        return $"{keys.Groups[1].Value}-{keys.Groups[2].Value}-{keys.Groups[3].Value} {keys.Groups[4].Value}";
    }

    // What the window macro puts before the exact time range: the ranges on the partition keys.
    [GeneratedRegex(@"year BETWEEN '\d{4}' AND '\d{4}'(?: AND (?:month|day|hour) BETWEEN '\d\d' AND '\d\d')* AND concat\(year, '-', month, '-', day, ' ', hour\) BETWEEN '[^']*' AND '[^']*' AND ")]
    private static partial Regex PartitionPredicates();

    [GeneratedRegex(@"FROM (?<table>events|bad_rows)\s+WHERE (?:year BETWEEN [^\n]*?concat\(year, '-', month, '-', day, ' ', hour\) BETWEEN '(?<first>[^']*)' AND '(?<last>[^']*)')?")]
    private static partial Regex Scan();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@"year=(\d{4})/month=(\d\d)/day=(\d\d)/hour=(\d\d)/")]
    private static partial Regex HiveKeys();

    [GeneratedRegex(@"Total Files Read: (\d+)")]
    private static partial Regex FilesRead();
}
