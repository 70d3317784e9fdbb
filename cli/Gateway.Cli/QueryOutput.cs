using System.Globalization;
using System.Text.Json;
using Gateway.Catalog.Engines;
using Spectre.Console;

namespace Gateway.Cli;

/// <summary>Output formats of <c>gateway query</c>.</summary>
internal enum QueryFormat
{
    /// <summary>A boxed table on the terminal (Spectre.Console).</summary>
    Table,

    /// <summary>RFC 4180 CSV with a header row; NULL is an empty field.</summary>
    Csv,

    /// <summary>A JSON array of objects, one per row, keyed by column; NULL is null.</summary>
    Json,
}

/// <summary>Writes a <see cref="QueryTable"/> in one of the <see cref="QueryFormat"/>s.</summary>
internal static class QueryOutput
{
    /// <summary>Timestamps as Athena prints them: UTC wall time with milliseconds.</summary>
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff";

    /// <summary>Writes <paramref name="table"/> to <paramref name="output"/> in <paramref name="format"/>.</summary>
    public static void Write(QueryTable table, QueryFormat format, TextWriter output)
    {
        switch (format)
        {
            case QueryFormat.Csv:
                WriteCsv(table, output);
                break;
            case QueryFormat.Json:
                WriteJson(table, output);
                break;
            default:
                WriteTable(table, output);
                break;
        }
    }

    /// <summary>One cell as text: invariant numbers, <see cref="TimestampFormat"/> timestamps, ISO dates; null for NULL.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        DateTime t => t.ToString(TimestampFormat, CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static void WriteTable(QueryTable table, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var grid = new Table().Border(TableBorder.Rounded);
        for (var c = 0; c < table.Columns.Count; c++)
        {
            var header = new TableColumn(Markup.Escape(table.Columns[c].Name));
            if (IsNumeric(table, c))
            {
                header.RightAligned();
            }

            grid.AddColumn(header);
        }

        foreach (var row in table.Rows)
        {
            grid.AddRow(row.Select(cell => cell is null ? new Markup("[dim]NULL[/]") : new Markup(Markup.Escape(Text(cell)!))).ToArray<Spectre.Console.Rendering.IRenderable>());
        }

        console.Write(grid);
    }

    // Numbers line up on the right when every value in the column is one.
    private static bool IsNumeric(QueryTable table, int column) =>
        table.Rows.Count > 0 && table.Rows.All(r => r[column] is null or long or double or decimal);

    private static void WriteCsv(QueryTable table, TextWriter output)
    {
        output.Write(string.Join(',', table.Columns.Select(c => Csv(c.Name))));
        output.Write("\r\n");
        foreach (var row in table.Rows)
        {
            output.Write(string.Join(',', row.Select(cell => cell is null ? "" : Csv(Text(cell)!))));
            output.Write("\r\n");
        }
    }

    // RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
    private static string Csv(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void WriteJson(QueryTable table, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var row in table.Rows)
            {
                json.WriteStartObject();
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    json.WritePropertyName(table.Columns[c].Name);
                    WriteJsonValue(json, row[c]);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.WriteLine();
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            // JSON has no NaN or infinity: those stay text, as Athena prints them.
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case DateTime t:
                json.WriteStringValue(t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(Text(value));
                break;
        }
    }
}
