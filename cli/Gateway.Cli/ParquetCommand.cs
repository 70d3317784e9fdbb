using System.CommandLine;
using System.Globalization;
using System.Text;
using Gateway.Parquet;

namespace Gateway.Cli;

/// <summary><c>gateway parquet inspect FILE</c>: a Parquet file's footer as readable tables (schema, row groups, codecs, statistics).</summary>
internal static class ParquetCommand
{
    // Longer statistics are cut: a min/max is there to recognise a range, not to read a whole URL.
    private const int MaxValueChars = 40;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A Parquet file, e.g. one under data/lake/events/year=…/" };
        var pages = new Option<bool>("--pages") { Description = "Also list every page header (type, encoding, sizes, values)" };
        var inspect = new Command("inspect", "Print a Parquet file's schema, row count, row groups and, per column chunk, its codec, encodings, sizes, nulls and min/max.") { file, pages };
        inspect.SetAction(result => Inspect(result.GetValue(file)!, result.GetValue(pages), Console.Out, Console.Error));
        return new Command("parquet", "Look inside Parquet files (the lake's, or anyone's).") { inspect };
    }

    /// <summary>Prints the footer of <paramref name="path"/>; returns the exit code (1 when it is not a readable Parquet file).</summary>
    public static int Inspect(string path, bool pages, TextWriter output, TextWriter error)
    {
        ParquetFileInfo info;
        long length;
        try
        {
            length = new FileInfo(path).Length;
            info = ParquetFileInfo.Read(path, includePages: pages);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"gateway parquet inspect: cannot read '{path}': {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or ArgumentException or EndOfStreamException or NotSupportedException)
        {
            error.WriteLine($"gateway parquet inspect: '{path}' is not a Parquet file this tool can read: {ex.Message}; a file being written is staged under a hidden name and only readable once committed");
            return 1;
        }

        output.WriteLine($"file        {path}");
        output.WriteLine($"size        {length.ToString("N0", CultureInfo.InvariantCulture)} bytes (footer {info.FooterLength.ToString("N0", CultureInfo.InvariantCulture)})");
        output.WriteLine($"created by  {info.CreatedBy ?? "(not recorded)"}");
        output.WriteLine($"version     {info.Version}");
        output.WriteLine($"rows        {info.NumRows.ToString("N0", CultureInfo.InvariantCulture)} in {info.RowGroups.Count} row group(s)");
        foreach (var (key, value) in info.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"metadata    {key} = {Shorten(value ?? "(no value)", 120)}");
        }

        output.WriteLine();
        output.WriteLine($"schema: {info.Columns.Count} column(s)");
        var schema = new TextTable("#", "column", "physical", "logical", "repetition");
        for (var i = 0; i < info.Columns.Count; i++)
        {
            var column = info.Columns[i];
            schema.Add(i.ToString(CultureInfo.InvariantCulture), column.Name, PhysicalName(column.Type), LogicalName(column.Logical), column.IsOptional ? "OPTIONAL" : "REQUIRED");
        }

        schema.WriteTo(output);
        var logical = info.Columns.ToDictionary(c => c.Name, c => c.Logical, StringComparer.Ordinal);
        for (var g = 0; g < info.RowGroups.Count; g++)
        {
            var group = info.RowGroups[g];
            output.WriteLine();
            output.WriteLine($"row group {g}: {group.NumRows.ToString("N0", CultureInfo.InvariantCulture)} rows, {group.TotalByteSize.ToString("N0", CultureInfo.InvariantCulture)} bytes uncompressed");
            var chunks = new TextTable("column", "codec", "encodings", "values", "nulls", "compressed", "uncompressed", "min", "max");
            foreach (var chunk in group.Columns)
            {
                var kind = logical.GetValueOrDefault(chunk.Path);
                chunks.Add(
                    chunk.Path,
                    chunk.Codec is { } codec ? CodecName(codec) : $"code {chunk.CodecCode}",
                    string.Join(",", chunk.Encodings.Select(EncodingName)),
                    Number(chunk.NumValues),
                    chunk.Statistics?.NullCount is { } nulls ? Number(nulls) : "-",
                    Number(chunk.TotalCompressedSize),
                    Number(chunk.TotalUncompressedSize),
                    Value(chunk.Statistics?.Min, kind),
                    Value(chunk.Statistics?.Max, kind));
            }

            chunks.WriteTo(output);
            if (pages)
            {
                var table = new TextTable("column", "page", "offset", "encoding", "values", "compressed", "uncompressed");
                foreach (var chunk in group.Columns)
                {
                    foreach (var page in chunk.Pages)
                    {
                        table.Add(chunk.Path, page.Type.ToString(), Number(page.Offset), EncodingName(page.Encoding), Number(page.NumValues), Number(page.CompressedSize), Number(page.UncompressedSize));
                    }
                }

                output.WriteLine();
                table.WriteTo(output);
            }
        }

        return 0;
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string PhysicalName(ParquetPhysicalType type) => type switch
    {
        ParquetPhysicalType.ByteArray => "BYTE_ARRAY",
        _ => type.ToString().ToUpperInvariant(),
    };

    private static string LogicalName(ParquetLogicalType type) => type switch
    {
        ParquetLogicalType.None => "-",
        ParquetLogicalType.String => "STRING",
        ParquetLogicalType.TimestampMillis => "TIMESTAMP(MILLIS,UTC)",
        ParquetLogicalType.Date => "DATE",
        _ => type.ToString(),
    };

    private static string CodecName(ParquetCodec codec) => codec switch
    {
        ParquetCodec.Uncompressed => "UNCOMPRESSED",
        _ => codec.ToString().ToUpperInvariant(),
    };

    private static string EncodingName(ParquetEncoding encoding) => encoding switch
    {
        ParquetEncoding.Plain => "PLAIN",
        ParquetEncoding.PlainDictionary => "PLAIN_DICTIONARY",
        ParquetEncoding.Rle => "RLE",
        ParquetEncoding.BitPacked => "BIT_PACKED",
        ParquetEncoding.RleDictionary => "RLE_DICTIONARY",
        ParquetEncoding.DeltaBinaryPacked => "DELTA_BINARY_PACKED",
        ParquetEncoding.DeltaLengthByteArray => "DELTA_LENGTH_BYTE_ARRAY",
        ParquetEncoding.DeltaByteArray => "DELTA_BYTE_ARRAY",
        ParquetEncoding.ByteStreamSplit => "BYTE_STREAM_SPLIT",
        _ => ((int)encoding).ToString(CultureInfo.InvariantCulture),
    };

    private static string Value(object? value, ParquetLogicalType logical) => value switch
    {
        null => "-",
        long millis when logical == ParquetLogicalType.TimestampMillis => DateTimeOffset.FromUnixTimeMilliseconds(millis).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        int days when logical == ParquetLogicalType.Date => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        string text => Shorten(text, MaxValueChars),
        byte[] bytes => "0x" + Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, MaxValueChars / 2))) + (bytes.Length > MaxValueChars / 2 ? "…" : ""),
        _ => value.ToString() ?? "-",
    };

    // One line per value: control characters are shown escaped, long text is cut.
    private static string Shorten(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max) + 1);
        foreach (var rune in text.EnumerateRunes())
        {
            if (builder.Length >= max)
            {
                builder.Append('…');
                break;
            }

            if (Rune.IsControl(rune))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:X2}");
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>Left-aligned text columns, numbers right-aligned, separated by two spaces.</summary>
    private sealed class TextTable(params string[] headers)
    {
        private readonly List<string[]> _rows = [];

        public void Add(params string[] cells) => _rows.Add(cells);

        public void WriteTo(TextWriter output)
        {
            var all = _rows.Prepend(headers).ToList();
            var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
            var numeric = headers.Select((_, i) => _rows.Count > 0 && _rows.All(r => r[i] == "-" || (r[i].Length > 0 && r[i].All(c => char.IsAsciiDigit(c) || c == ',')))).ToArray();
            foreach (var row in all)
            {
                var line = new StringBuilder();
                for (var i = 0; i < row.Length; i++)
                {
                    if (i > 0)
                    {
                        line.Append("  ");
                    }

                    line.Append(numeric[i] ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]));
                }

                output.WriteLine("  " + line.ToString().TrimEnd());
            }
        }
    }
}
