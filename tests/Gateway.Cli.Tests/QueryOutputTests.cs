using System.Text.Json;
using Gateway.Catalog.Engines;

namespace Gateway.Cli.Tests;

public sealed class QueryOutputTests
{
    private static readonly QueryTable Sample = new(
        [new QueryColumn("name", "varchar"), new QueryColumn("n", "bigint"), new QueryColumn("share", "double"), new QueryColumn("at", "timestamp"), new QueryColumn("ok", "boolean")],
        [
            ["plain", 3L, 0.25, new DateTime(2025, 6, 1, 13, 5, 9, 7, DateTimeKind.Utc), true],
            ["comma, \"quoted\"\nline", null, double.NaN, null, false],
            [null, -1L, 1e-7, new DateTime(2025, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), null],
        ],
        new QueryStatistics(TimeSpan.FromMilliseconds(12), null, null));

    [Fact]
    public void Csv_quotes_only_fields_that_need_it_and_writes_null_as_an_empty_field()
    {
        var text = Render(QueryFormat.Csv);

        Assert.Equal(
            "name,n,share,at,ok\r\n"
            + "plain,3,0.25,2025-06-01 13:05:09.007,true\r\n"
            + "\"comma, \"\"quoted\"\"\nline\",,NaN,,false\r\n"
            + ",-1,1E-07,2025-12-31 23:59:59.999,\r\n",
            text);
    }

    [Fact]
    public void Json_is_an_array_of_objects_with_typed_values_null_and_non_finite_numbers_as_text()
    {
        using var json = JsonDocument.Parse(Render(QueryFormat.Json));
        var rows = json.RootElement.EnumerateArray().ToArray();

        Assert.Equal(3, rows.Length);
        Assert.Equal(3, rows[0].GetProperty("n").GetInt64());
        Assert.Equal(0.25, rows[0].GetProperty("share").GetDouble());
        Assert.Equal("2025-06-01T13:05:09.007Z", rows[0].GetProperty("at").GetString());
        Assert.True(rows[0].GetProperty("ok").GetBoolean());
        Assert.Equal("comma, \"quoted\"\nline", rows[1].GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("n").ValueKind);
        Assert.Equal("NaN", rows[1].GetProperty("share").GetString());
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("name").ValueKind);
        Assert.Equal(1e-7, rows[2].GetProperty("share").GetDouble());
    }

    [Fact]
    public void The_table_shows_every_header_and_cell_and_null_as_NULL()
    {
        var text = Render(QueryFormat.Table);

        Assert.All(new[] { "name", "share", "plain", "0.25", "2025-06-01 13:05:09.007", "NULL", "-1", "false" }, cell => Assert.Contains(cell, text, StringComparison.Ordinal));
    }

    private static string Render(QueryFormat format)
    {
        using var output = new StringWriter();
        QueryOutput.Write(Sample, format, output);
        return output.ToString();
    }
}
