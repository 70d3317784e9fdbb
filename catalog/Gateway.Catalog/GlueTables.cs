using System.Globalization;
using Gateway.Aws.Glue;

namespace Gateway.Catalog;

/// <summary>
/// The Glue table of each lake table, generated from <see cref="EventSchema"/>: external Parquet, Hive partition keys
/// year/month/day/hour as strings, and partition projection, so no crawler runs and a new hour is queryable as soon as
/// its first file lands (spec 06, sections 6.1 to 6.3).
/// </summary>
/// <remarks>
/// <para>Projection: each key is an <c>integer</c> projection with the zero padding the lake's folders use (month and day
/// two digits, hour two digits from 00), and <c>storage.location.template</c> names the folders exactly as the lake
/// writes them. Athena enumerates the projected values and keeps those the query's predicates allow, so a query that
/// filters on year, month and day reads that day's 24 folders only; impossible dates (February 30) are empty folders and
/// cost nothing.</para>
/// <para>Years: projection needs a fixed range. It runs from <see cref="GlueTableOptions.FirstYear"/> for
/// <see cref="GlueTableOptions.Years"/> years; widen it with an UpdateTable (<c>gateway catalog apply</c> or a CDK deploy)
/// before the last year ends.</para>
/// </remarks>
public static class GlueTables
{
    /// <summary>Hive's Parquet SerDe.</summary>
    public const string ParquetSerDe = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

    /// <summary>Hive's Parquet input format.</summary>
    public const string ParquetInputFormat = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";

    /// <summary>Hive's Parquet output format.</summary>
    public const string ParquetOutputFormat = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";

    /// <summary>The Glue table of <paramref name="table"/> under <paramref name="lakeLocation"/>.</summary>
    /// <param name="table">One of <see cref="EventSchema.Tables"/>.</param>
    /// <param name="lakeLocation">The lake's root, <c>s3://bucket/prefix/</c>; the table lives in its folder named after the table.</param>
    /// <param name="options">Projection settings; defaults when null.</param>
    /// <exception cref="ArgumentException">The location is not an <c>s3://bucket/…</c> URI, or a partition key has no projection rule.</exception>
    public static GlueTableInput For(TableSchema table, string lakeLocation, GlueTableOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(lakeLocation);
        options ??= new GlueTableOptions();
        if (options.FirstYear is < 1970 or > 9999 || options.Years < 1 || options.FirstYear + options.Years - 1 > 9999)
        {
            throw new ArgumentException($"projected years {options.FirstYear} + {options.Years}: the first year must be 1970 to 9999 and at least one year must be projected, ending by 9999", nameof(options));
        }

        if (!lakeLocation.StartsWith("s3://", StringComparison.Ordinal) || lakeLocation.Length <= "s3://".Length || lakeLocation[5] == '/')
        {
            throw new ArgumentException($"the lake location '{lakeLocation}' is not an s3://bucket/prefix/ URI", nameof(lakeLocation));
        }

        var location = $"{lakeLocation.TrimEnd('/')}/{table.Name}/";
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["EXTERNAL"] = "TRUE",
            ["classification"] = "parquet",
            ["parquet.compression"] = "SNAPPY",
            ["projection.enabled"] = "true",
            ["storage.location.template"] = location + string.Concat(table.PartitionKeys.Select(k => $"{k.Name}=${{{k.Name}}}/")),
        };
        foreach (var key in table.PartitionKeys)
        {
            var (first, last, digits) = Projection(key.Name, options);
            parameters[$"projection.{key.Name}.type"] = "integer";
            var format = "D" + digits.ToString(CultureInfo.InvariantCulture);
            parameters[$"projection.{key.Name}.range"] = first.ToString(format, CultureInfo.InvariantCulture) + "," + last.ToString(format, CultureInfo.InvariantCulture);
            parameters[$"projection.{key.Name}.digits"] = digits.ToString(CultureInfo.InvariantCulture);
        }

        return new GlueTableInput(
            table.Name,
            table.Description,
            "EXTERNAL_TABLE",
            parameters,
            [.. table.PartitionKeys.Select(Column)],
            new GlueStorageDescriptor(
                [.. table.Columns.Select(Column)],
                location,
                ParquetInputFormat,
                ParquetOutputFormat,
                Compressed: false,
                new GlueSerDeInfo(ParquetSerDe, new SortedDictionary<string, string>(StringComparer.Ordinal) { ["serialization.format"] = "1" })));
    }

    private static GlueColumn Column(Column column) => new(column.Name, column.Type.GlueName(), column.Description);

    private static (int First, int Last, int Digits) Projection(string key, GlueTableOptions options) => key switch
    {
        "year" => (options.FirstYear, options.FirstYear + options.Years - 1, 4),
        "month" => (1, 12, 2),
        "day" => (1, 31, 2),
        "hour" => (0, 23, 2),
        _ => throw new ArgumentException($"partition key '{key}' has no projection rule; add one to GlueTables.Projection", nameof(key)),
    };
}

/// <summary>Settings of the Glue tables' partition projection.</summary>
public sealed record GlueTableOptions
{
    /// <summary>First projected year; events dated before it are in the lake but not visible to Athena.</summary>
    public int FirstYear { get; init; } = 2024;

    /// <summary>How many years are projected from <see cref="FirstYear"/>.</summary>
    public int Years { get; init; } = 16;
}
