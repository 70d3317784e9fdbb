using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Catalog.DuckDb;
using Gateway.Catalog.Queries;

namespace Gateway.Catalog.Tests.Queries;

/// <summary>The <c>{{window(…)}}</c> macro: its expansion, the header rules around it, and on DuckDB the exact set it keeps.</summary>
public sealed class TimeWindowTests
{
    private const string Header = """
        -- Rows of the window.
        --
        -- @param start timestamp required First instant.
        -- @param end timestamp required End, exclusive.
        -- @param back integer(0..720) default=0 Hours before the hour of start.
        -- @engines athena duckdb

        """;

    private static readonly NamedQuery Window = NamedQuery.Parse("w", Header + "SELECT * FROM events WHERE {{window(event_time, lookback=back)}}");

    [Fact]
    public void A_window_within_one_day_ranges_every_partition_key_and_ends_on_the_hour_before_an_exclusive_end()
    {
        var sql = Render(Window, "2024-12-31 00:30", "2024-12-31 06:00");

        Assert.Equal(
            "SELECT * FROM events WHERE year BETWEEN '2024' AND '2024' AND month BETWEEN '12' AND '12' AND day BETWEEN '31' AND '31'"
            + " AND hour BETWEEN '00' AND '05' AND concat(year, '-', month, '-', day, ' ', hour) BETWEEN '2024-12-31 00' AND '2024-12-31 05'"
            + " AND event_time >= TIMESTAMP '2024-12-31 00:30:00' AND event_time < TIMESTAMP '2024-12-31 06:00:00'",
            sql);
    }

    [Theory]
    // Across days of one month: hour is left to the concatenated key.
    [InlineData("2025-06-01 22:00", "2025-06-03 01:00:00.001", "year BETWEEN '2025' AND '2025' AND month BETWEEN '06' AND '06' AND day BETWEEN '01' AND '03' AND concat(year, '-', month, '-', day, ' ', hour) BETWEEN '2025-06-01 22' AND '2025-06-03 01'")]
    // Across months: day is left out too.
    [InlineData("2025-06-30 23:00", "2025-07-01 01:00", "year BETWEEN '2025' AND '2025' AND month BETWEEN '06' AND '07' AND concat(year, '-', month, '-', day, ' ', hour) BETWEEN '2025-06-30 23' AND '2025-07-01 00'")]
    // Across the new year: only year.
    [InlineData("2024-12-31 23:59:59.999", "2025-01-01 00:00:00.001", "year BETWEEN '2024' AND '2025' AND concat(year, '-', month, '-', day, ' ', hour) BETWEEN '2024-12-31 23' AND '2025-01-01 00'")]
    public void Keys_after_the_first_that_differs_are_left_to_the_concatenated_key(string start, string end, string partitions)
    {
        var sql = Render(Window, start, end);

        Assert.StartsWith("SELECT * FROM events WHERE " + partitions + " AND event_time >= TIMESTAMP ", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lookback_opens_the_window_whole_hours_before_the_hour_of_start()
    {
        var sql = Render(Window, "2025-01-01 02:15", "2025-01-01 03:00", back: "3");

        Assert.Contains("year BETWEEN '2024' AND '2025' AND concat(year, '-', month, '-', day, ' ', hour) BETWEEN '2024-12-31 23' AND '2025-01-01 02'", sql, StringComparison.Ordinal);
        Assert.Contains("event_time >= TIMESTAMP '2024-12-31 23:00:00' AND event_time < TIMESTAMP '2025-01-01 03:00:00'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_instant_there_is_neither_crashes_nor_wraps()
    {
        var sql = Render(Window, "0001-01-01 00:30", "0001-01-01 00:00", back: "720");

        Assert.Contains("year BETWEEN '0001' AND '0001'", sql, StringComparison.Ordinal);
        Assert.Contains("event_time >= TIMESTAMP '0001-01-01 00:00:00' AND event_time < TIMESTAMP '0001-01-01 00:00:00'", sql, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-- @param end timestamp required E.\n", "{{window(event_time)}}", "needs a timestamp parameter 'start'")]
    [InlineData("-- @param start date required S.\n-- @param end timestamp required E.\n", "{{window(event_time)}}", "needs a timestamp parameter 'start'")]
    [InlineData("-- @param start timestamp required S.\n-- @param end timestamp required E.\n-- @param back string default=x B.\n", "{{window(event_time, lookback=back)}} AND {{back}} = 'x'", "needs an integer parameter 'back' of at least 0 hours")]
    [InlineData("-- @param start timestamp required S.\n-- @param end timestamp required E.\n-- @param back integer default=1 B.\n", "{{window(event_time, lookback=back)}}", "needs an integer parameter 'back' of at least 0 hours")]
    [InlineData("-- @param start timestamp required S.\n-- @param end timestamp required E.\n", "{{window(event_time, since=start)}}", "malformed placeholder")]
    public void A_window_without_its_parameters_is_a_header_error_naming_the_fix(string parameters, string where, string expected)
    {
        var text = $"-- Q.\n--\n{parameters}-- @engines athena duckdb\nSELECT 1 FROM events WHERE {where}";

        var error = Assert.Throws<NamedQueryFormatException>(() => NamedQuery.Parse("q", text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_window_uses_its_parameters_so_they_need_no_placeholder_of_their_own()
    {
        var query = NamedQuery.Parse("w", Header + "SELECT * FROM bad_rows WHERE {{window(time, lookback=back)}}");

        Assert.Contains("time >= TIMESTAMP", Render(query, "2025-01-01", "2025-01-02"), StringComparison.Ordinal);
    }

    // What DuckDB keeps of random instants, given their partition keys as the lake writes them, is exactly the
    // instants in [hour(start) - lookback, end) (or [start, end) without a lookback): no row of the window is lost
    // to a partition range, and none outside it is kept.
    [Fact]
    public void On_duckdb_the_predicate_keeps_exactly_the_instants_of_the_window()
    {
        using var database = DuckDbDatabase.Open();
        using var connection = database.Connect();
        var origin = new DateTime(2024, 12, 1, 0, 0, 0, DateTimeKind.Utc);
        var instant = Gen.Choose(0, 24 * 62 * 4).Select(quarters => origin.AddMinutes(quarters * 15L).AddMilliseconds(quarters % 3 == 0 ? 0 : -1));
        var window = from start in instant from end in instant from back in Gen.Elements(0, 0, 1, 5, 30) select (Start: start, End: end, Back: back);
        var cases = window.ArrayOf(40);

        // Every quarter hour of two months that span a new year, and the millisecond before each.
        var probes = Enumerable.Range(0, 24 * 62 * 4 * 2).Select(q => origin.AddMinutes(q / 2 * 15L).AddMilliseconds(-(q % 2))).ToArray();
        var values = string.Join(", ", probes.Select(p => string.Create(
            CultureInfo.InvariantCulture,
            $"('{p:yyyy}', '{p:MM}', '{p:dd}', '{p:HH}', TIMESTAMP '{p:yyyy-MM-dd HH:mm:ss.fff}')")));

        Prop.ForAll(cases.ToArbitrary(), batch =>
        {
            var sql = new StringBuilder();
            foreach (var (index, (start, end, back)) in batch.Index())
            {
                var where = Render(Window, Text(start), Text(end), back.ToString(CultureInfo.InvariantCulture)).Split(" WHERE ", 2)[1];
                sql.Append(CultureInfo.InvariantCulture, $"{(index == 0 ? "" : " UNION ALL ")}SELECT {index} AS i, count(*) AS n FROM probes WHERE {where}");
            }

            using var result = connection.Query($"WITH probes(year, month, day, hour, event_time) AS (VALUES {values}) {sql} ORDER BY i");
            foreach (var (index, (start, end, back)) in batch.Index())
            {
                var from = back == 0 ? start : new DateTime(start.Ticks - (start.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc).AddHours(-back);
                var expected = probes.LongCount(p => p >= from && p < end);
                Assert.Equal(expected, Convert.ToInt64(result.GetValue(1, index), CultureInfo.InvariantCulture));
            }
        }).QuickCheckThrowOnFailure();
    }

    private static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string Render(NamedQuery query, string start, string end, string back = "0") =>
        query.Render(new Dictionary<string, string> { ["start"] = start, ["end"] = end, ["back"] = back }, SqlDialect.DuckDb)
            .Split('\n', 2)[1].TrimEnd('\n');
}
