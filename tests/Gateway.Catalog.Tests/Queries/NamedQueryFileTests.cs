using System.Text.RegularExpressions;
using Gateway.Catalog.Queries;
using Gateway.Tests.Shared;

namespace Gateway.Catalog.Tests.Queries;

/// <summary>The files in catalog/queries: the set, their headers, their partition predicates, and the build's copies.</summary>
[Collection(LakeCollection.Name)]
public sealed partial class NamedQueryFileTests(LakeFixture lake)
{
    private static readonly string RepositoryQueries = Path.Combine(RepositoryRoot.Path, "catalog", "queries");

    private static readonly string[] QueryNames =
    [
        "abnormal_events", "conversions", "email_opens", "events_by_pixel", "events_per_hour",
        "recent_events", "top_referrers", "top_user_agents", "visitors",
    ];

    public static TheoryData<string> Names => [.. QueryNames];

    [Fact]
    public void The_checkout_holds_the_documented_queries()
    {
        Assert.Equal(QueryNames, lake.Queries.Select(q => q.Name));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_query_has_a_complete_header(string name)
    {
        var query = lake.Query(name);

        Assert.True(query.Summary.Length >= 40, $"{name}: the first paragraph should say what the query answers: '{query.Summary}'");
        Assert.Contains("Columns:", query.Description, StringComparison.Ordinal);
        Assert.Equal([SqlDialect.Athena, SqlDialect.DuckDb], query.Engines);
        Assert.All(query.Parameters, p => Assert.True(p.Description.EndsWith('.') && p.Description.Length > 10, $"{name}.{p.Name}: '{p.Description}'"));
        Assert.All(query.Parameters, p => Assert.False(p.IsRequired, $"{name}.{p.Name} should have a default so that the query runs without arguments"));
        Assert.Contains(query.Parameters, p => p is { Name: "start", Kind: QueryParameterKind.Timestamp });
        Assert.Contains(query.Parameters, p => p is { Name: "end", Kind: QueryParameterKind.Timestamp });
    }

    // Each scan of a lake table is restricted to the window by the {{window(…)}} macro, whose partition-key ranges
    // let Athena's partition projection enumerate only the window's folders (TimeWindowTests shows the expansion).
    [Theory]
    [MemberData(nameof(Names))]
    public void Every_scan_of_the_lake_is_restricted_to_the_window(string name)
    {
        var sql = lake.Query(name).Sql;
        var scans = LakeScan().Matches(sql);

        Assert.NotEmpty(scans);
        foreach (Match scan in scans)
        {
            var column = scan.Groups["table"].Value == "bad_rows" ? "time" : "event_time";
            Assert.Matches(@"^\s*WHERE \{\{window\(" + column + @"(, lookback=baseline_hours)?\)\}\}", scan.Groups["where"].Value);
        }
    }

    // The same, measured: on DuckDB a six-hour window reads only the files of its hours (the hour of the exclusive
    // end included: its folder is read, its rows filtered out), and abnormal_events those of its baseline too.
    [Theory]
    [MemberData(nameof(Names))]
    public void Every_query_reads_only_the_files_of_its_window(string name)
    {
        using var session = new LakeSession(lake.Directory);
        var values = new Dictionary<string, string> { ["start"] = "2024-12-31 00:00", ["end"] = "2024-12-31 06:00" };
        var folders = 7;
        if (name == "abnormal_events")
        {
            values["baseline_hours"] = "2";
            folders += 2;
        }

        var plan = (string)session.Query("EXPLAIN ANALYZE " + lake.Query(name).Render(values, SqlDialect.DuckDb)).Rows.Single()[1]!;

        var scans = DuckDbViewsTests.ScannedFiles(plan);
        Assert.NotEmpty(scans);
        Assert.All(scans, scan => Assert.True(scan.Scanned <= folders && scan.Total >= 50, $"{name} scanned {scan.Scanned} of {scan.Total} files:\n{plan}"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_query_renders_with_its_defaults_for_both_engines(string name)
    {
        var query = lake.Query(name);
        var clock = new FixedClock(new DateTimeOffset(2025, 6, 15, 13, 45, 30, TimeSpan.Zero));

        var athena = query.Render(new Dictionary<string, string>(), SqlDialect.Athena, clock);
        var duckdb = query.Render(new Dictionary<string, string>(), SqlDialect.DuckDb, clock);

        Assert.StartsWith($"-- {name}\n", athena, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", athena, StringComparison.Ordinal);
        Assert.DoesNotContain("generate_series", athena, StringComparison.Ordinal);
        Assert.DoesNotContain("sequence(", duckdb, StringComparison.Ordinal);
        Assert.Contains("TIMESTAMP '2025-06-1", athena, StringComparison.Ordinal);
    }

    [Fact]
    public void The_build_copies_the_queries_beside_the_binaries()
    {
        var directory = NamedQueries.DefaultDirectory();

        Assert.StartsWith(AppContext.BaseDirectory, directory, StringComparison.Ordinal);
        var copies = Directory.GetFiles(directory, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        var sources = Directory.GetFiles(RepositoryQueries, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(sources, copies);
        Assert.All(sources, file => Assert.Equal(File.ReadAllText(Path.Combine(RepositoryQueries, file!)), File.ReadAllText(Path.Combine(directory, file!))));
        Assert.Equal(lake.Queries.Select(q => q.Name), NamedQueries.Load().Select(q => q.Name));
    }

    [Fact]
    public void Without_copies_the_queries_are_found_in_the_repository()
    {
        Assert.Equal(RepositoryQueries, NamedQueries.FindDirectory(Path.Combine(RepositoryRoot.Path, "tests")));
    }

    [Fact]
    public void Outside_a_repository_and_without_copies_the_error_says_how_to_fix_it()
    {
        using var folder = new DuckDb.TempFolder();

        var error = Assert.Throws<DirectoryNotFoundException>(() => NamedQueries.FindDirectory(folder.Path));

        Assert.Contains(Path.Combine(folder.Path, "catalog/queries"), error.Message, StringComparison.Ordinal);
        Assert.Contains("NamedQueries.Load", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("events_per_hour")]
    [InlineData("EVENTS_PER_HOUR")]
    [InlineData("events_per_hour.sql")]
    public void Find_takes_the_name_in_any_case_with_or_without_the_extension(string name)
    {
        Assert.Equal("events_per_hour", NamedQueries.Find(lake.Queries, name).Name);
    }

    [Fact]
    public void Find_lists_the_names_when_there_is_no_such_query()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => NamedQueries.Find(lake.Queries, "events_per_minute"));

        Assert.Contains("'events_per_minute'", error.Message, StringComparison.Ordinal);
        Assert.All(QueryNames, name => Assert.Contains(name, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_reports_the_file_and_line_of_a_malformed_query()
    {
        using var folder = new DuckDb.TempFolder();
        File.WriteAllText(folder.File("good.sql"), "-- A query that is fine.\n-- Columns: x.\n-- @engines duckdb\nSELECT 1 AS x\n");
        File.WriteAllText(folder.File("bad.sql"), "-- A query with a typo.\n-- @param start timestamp defualt=today The start.\n-- @engines duckdb\nSELECT {{start}}\n");

        var error = Assert.Throws<NamedQueryFormatException>(() => NamedQueries.Load(folder.Path));

        Assert.Equal(folder.File("bad.sql"), error.File);
        Assert.Equal(2, error.Line);
        Assert.StartsWith($"{folder.File("bad.sql")}:2: malformed @param", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"FROM (?<table>events|bad_rows)\b(?<where>.*?)(?=GROUP BY|ORDER BY|LIMIT|\z)", RegexOptions.Singleline)]
    private static partial Regex LakeScan();
}
