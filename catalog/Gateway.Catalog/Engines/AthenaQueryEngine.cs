using System.Diagnostics;
using System.Globalization;
using Gateway.Aws;
using Gateway.Aws.Athena;

namespace Gateway.Catalog.Engines;

/// <summary>Where and how <see cref="AthenaQueryEngine"/> runs a query.</summary>
/// <param name="Database">Glue database of the tables.</param>
/// <param name="WorkGroup">Athena workgroup.</param>
/// <param name="OutputLocation">s3:// prefix for result files; null when the workgroup sets one.</param>
/// <param name="Client">Region, endpoint and polling of the Athena client.</param>
public sealed record AthenaEngineSettings(string Database, string WorkGroup, string? OutputLocation, AthenaClientOptions Client);

/// <summary>A query the engine refused or could not finish; the message carries the engine's own words.</summary>
public sealed class QueryFailedException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Runs SQL on Athena and returns the rows typed like the local engine's (<see cref="QueryTable"/>).</summary>
public static class AthenaQueryEngine
{
    /// <summary>Runs <paramref name="sql"/> with <paramref name="settings"/>, polling until it ends.</summary>
    /// <exception cref="QueryFailedException">Athena refused the request, or the query failed or was cancelled.</exception>
    public static async Task<QueryTable> RunAsync(AthenaEngineSettings settings, string sql, CancellationToken cancellationToken, IAwsCredentialsProvider? credentials = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var watch = Stopwatch.StartNew();
        using var client = new AthenaClient(settings.Client, credentials: credentials);
        try
        {
            var result = await client.RunQueryAsync(new AthenaQuery { Sql = sql, Database = settings.Database, WorkGroup = settings.WorkGroup, OutputLocation = settings.OutputLocation }, cancellationToken).ConfigureAwait(false);
            return ToTable(result, watch.Elapsed);
        }
        catch (AthenaQueryException ex)
        {
            throw new QueryFailedException(ex.Message, ex);
        }
        catch (AwsServiceException ex)
        {
            throw new QueryFailedException(ex.Message, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new QueryFailedException($"Athena could not be reached at {settings.Client.ServiceUrl?.ToString() ?? settings.Client.Region}: {ex.Message}", ex);
        }
    }

    /// <summary>Athena's text cells as the typed values the output formats expect, by each column's Athena type.</summary>
    public static QueryTable ToTable(AthenaQueryResult result, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(result);
        var columns = result.Columns.Select(c => new QueryColumn(c.Name, c.Type.ToLowerInvariant())).ToArray();
        var rows = new List<object?[]>(result.Rows.Count);
        foreach (var cells in result.Rows)
        {
            var row = new object?[columns.Length];
            for (var c = 0; c < row.Length && c < cells.Length; c++)
            {
                row[c] = Parse(columns[c].Type, cells[c]);
            }

            rows.Add(row);
        }

        return new QueryTable(columns, rows, new QueryStatistics(elapsed, result.Statistics.DataScannedInBytes, result.QueryExecutionId));
    }

    // A value Athena printed in a form this type does not parse stays text rather than failing the whole result.
    private static object? Parse(string type, string? text)
    {
        if (text is null)
        {
            return null;
        }

        var invariant = CultureInfo.InvariantCulture;
        return type switch
        {
            "tinyint" or "smallint" or "integer" or "int" or "bigint" when long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var l) => l,
            "double" or "float" or "real" when double.TryParse(text, NumberStyles.Float, invariant, out var d) => d,
            "double" or "float" or "real" when text is "NaN" => double.NaN,
            "double" or "float" or "real" when text is "Infinity" => double.PositiveInfinity,
            "double" or "float" or "real" when text is "-Infinity" => double.NegativeInfinity,
            "boolean" when bool.TryParse(text, out var b) => b,
            "date" when DateOnly.TryParseExact(text, "yyyy-MM-dd", invariant, DateTimeStyles.None, out var day) => day,
            "timestamp" when DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"], invariant, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) => DateTime.SpecifyKind(at, DateTimeKind.Utc),
            _ when type.StartsWith("decimal", StringComparison.Ordinal) && decimal.TryParse(text, NumberStyles.Number, invariant, out var m) => m,
            _ => text,
        };
    }
}
