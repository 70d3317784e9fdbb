using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Lake;

/// <summary>
/// The Parquet schemas of the lake's tables and the mapping of a row onto them. The column list is the one
/// <see cref="EventRowJson"/> writes (same names, same order); the types are those of the catalog's <c>EventSchema</c>
/// (timestamp → INT64 TIMESTAMP(MILLIS, UTC), string → BYTE_ARRAY STRING, int → INT32, bigint → INT64, double → DOUBLE,
/// boolean → BOOLEAN; REQUIRED when not nullable), which a test holds equal. Partition keys are folders, not columns.
/// </summary>
public static class LakeTables
{
    private static readonly EventColumn[] EventColumns =
    [
        new(Timestamp("event_time"), static (w, i, r) => w.Write(i, r.EventTime)),
        new(Timestamp("received_time"), static (w, i, r) => w.Write(i, r.ReceivedTime)),
        new(Text("event_id", optional: false), static (w, i, r) => Write(w, i, r.EventId)),
        new(Text("pixel_id", optional: false), static (w, i, r) => Write(w, i, r.PixelId)),
        new(Text("event_name", optional: false), static (w, i, r) => Write(w, i, r.EventName)),
        new(Text("page_url"), static (w, i, r) => Write(w, i, r.PageUrl)),
        new(Text("page_host"), static (w, i, r) => Write(w, i, r.PageHost)),
        new(Text("page_path"), static (w, i, r) => Write(w, i, r.PagePath)),
        new(Text("referrer_url"), static (w, i, r) => Write(w, i, r.ReferrerUrl)),
        new(Text("referrer_host"), static (w, i, r) => Write(w, i, r.ReferrerHost)),
        new(Text("referrer_medium", optional: false), static (w, i, r) => Write(w, i, r.ReferrerMedium)),
        new(Text("utm_source"), static (w, i, r) => Write(w, i, r.UtmSource)),
        new(Text("utm_medium"), static (w, i, r) => Write(w, i, r.UtmMedium)),
        new(Text("utm_campaign"), static (w, i, r) => Write(w, i, r.UtmCampaign)),
        new(Text("utm_term"), static (w, i, r) => Write(w, i, r.UtmTerm)),
        new(Text("utm_content"), static (w, i, r) => Write(w, i, r.UtmContent)),
        new(Text("click_id"), static (w, i, r) => Write(w, i, r.ClickId)),
        new(Text("click_id_type"), static (w, i, r) => Write(w, i, r.ClickIdType)),
        new(Text("visitor_id", optional: false), static (w, i, r) => Write(w, i, r.VisitorId)),
        new(Text("user_id"), static (w, i, r) => Write(w, i, r.UserId)),
        new(Text("ip_prefix"), static (w, i, r) => Write(w, i, r.IpPrefix)),
        new(Text("country"), static (w, i, r) => Write(w, i, r.Country)),
        new(new ParquetColumn("asn", ParquetPhysicalType.Int64), static (w, i, r) => Write(w, i, r.Asn)),
        new(Text("ua_browser"), static (w, i, r) => Write(w, i, r.UaBrowser)),
        new(Text("ua_browser_version"), static (w, i, r) => Write(w, i, r.UaBrowserVersion)),
        new(Text("ua_os"), static (w, i, r) => Write(w, i, r.UaOs)),
        new(Text("ua_os_version"), static (w, i, r) => Write(w, i, r.UaOsVersion)),
        new(Text("ua_device"), static (w, i, r) => Write(w, i, r.UaDevice)),
        new(new ParquetColumn("is_bot", ParquetPhysicalType.Boolean, IsOptional: false), static (w, i, r) => w.Write(i, r.IsBot)),
        new(Text("bot_reason"), static (w, i, r) => Write(w, i, r.BotReason)),
        new(new ParquetColumn("is_machine_open", ParquetPhysicalType.Boolean, IsOptional: false), static (w, i, r) => w.Write(i, r.IsMachineOpen)),
        new(Text("machine_open_reason"), static (w, i, r) => Write(w, i, r.MachineOpenReason)),
        new(Text("channel", optional: false), static (w, i, r) => Write(w, i, r.Channel)),
        new(new ParquetColumn("value", ParquetPhysicalType.Double), static (w, i, r) => Write(w, i, r.Value)),
        new(Text("currency"), static (w, i, r) => Write(w, i, r.Currency)),
        new(Text("props"), static (w, i, r) => Write(w, i, r.Props)),
        new(Text("edge_location"), static (w, i, r) => Write(w, i, r.EdgeLocation)),
        new(new ParquetColumn("http_status", ParquetPhysicalType.Int32), static (w, i, r) => Write(w, i, r.HttpStatus)),
        new(new ParquetColumn("bytes_sent", ParquetPhysicalType.Int64), static (w, i, r) => Write(w, i, r.BytesSent)),
        new(new ParquetColumn("time_taken_ms", ParquetPhysicalType.Double), static (w, i, r) => Write(w, i, r.TimeTakenMs)),
        new(Text("notes"), static (w, i, r) => Write(w, i, r.Notes)),
    ];

    private static readonly BadRowColumn[] BadRowColumns =
    [
        new(Timestamp("time"), static (w, i, r) => w.Write(i, r.Time)),
        new(Text("stage", optional: false), static (w, i, r) => Write(w, i, r.Stage)),
        new(Text("reason", optional: false), static (w, i, r) => Write(w, i, r.Reason)),
        new(Text("message", optional: false), static (w, i, r) => Write(w, i, r.Message)),
        new(Text("raw", optional: false), static (w, i, r) => Write(w, i, r.Raw)),
    ];

    private delegate void WriteEvent(ParquetWriter writer, int column, EventRow row);

    private delegate void WriteBadRow(ParquetWriter writer, int column, BadRow row);

    /// <summary>The <c>events</c> table's file schema.</summary>
    public static ParquetSchema Events { get; } = Build(EventColumns.Select(c => c.Column), EventRowJson.Columns, "events");

    /// <summary>The <c>bad_rows</c> table's file schema.</summary>
    public static ParquetSchema BadRows { get; } = Build(BadRowColumns.Select(c => c.Column), EventRowJson.BadRowColumns, "bad_rows");

    /// <summary>The file schema of <paramref name="table"/>.</summary>
    public static ParquetSchema Schema(LakeTable table) => table switch
    {
        LakeTable.Events => Events,
        LakeTable.BadRows => BadRows,
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a lake table"),
    };

    /// <summary>The table's folder at the lake's root, which is also its Glue/DuckDB name: <c>events</c> or <c>bad_rows</c>.</summary>
    public static string FolderName(LakeTable table) => table switch
    {
        LakeTable.Events => "events",
        LakeTable.BadRows => "bad_rows",
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a lake table"),
    };

    /// <summary>Writes <paramref name="row"/> as one row of a writer created with <see cref="Events"/>, and ends the row.</summary>
    public static void WriteRow(ParquetWriter writer, EventRow row)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(row);
        var columns = EventColumns;
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i].Write(writer, i, row);
        }

        writer.EndRow();
    }

    /// <summary>Writes <paramref name="row"/> as one row of a writer created with <see cref="BadRows"/>, and ends the row.</summary>
    public static void WriteRow(ParquetWriter writer, BadRow row)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(row);
        var columns = BadRowColumns;
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i].Write(writer, i, row);
        }

        writer.EndRow();
    }

    // Both tables name their columns in EventRowJson's order; a column added there and not here (or the reverse)
    // must stop the lake at once rather than shift every later column.
    private static ParquetSchema Build(IEnumerable<ParquetColumn> columns, IReadOnlyList<string> jsonColumns, string table)
    {
        var list = columns.ToList();
        if (!list.Select(c => c.Name).SequenceEqual(jsonColumns, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"the Parquet columns of {table} ({string.Join(", ", list.Select(c => c.Name))}) differ from the JSON row's ({string.Join(", ", jsonColumns)}); add the column to LakeTables in the same place");
        }

        return new ParquetSchema(list);
    }

    private static ParquetColumn Timestamp(string name) => new(name, ParquetPhysicalType.Int64, ParquetLogicalType.TimestampMillis, IsOptional: false);

    private static ParquetColumn Text(string name, bool optional = true) => new(name, ParquetPhysicalType.ByteArray, ParquetLogicalType.String, optional);

    private static void Write(ParquetWriter writer, int column, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(column);
        }
        else
        {
            writer.Write(column, value);
        }
    }

    private static void Write(ParquetWriter writer, int column, long? value)
    {
        if (value is { } number)
        {
            writer.Write(column, number);
        }
        else
        {
            writer.WriteNull(column);
        }
    }

    private static void Write(ParquetWriter writer, int column, int? value)
    {
        if (value is { } number)
        {
            writer.Write(column, number);
        }
        else
        {
            writer.WriteNull(column);
        }
    }

    private static void Write(ParquetWriter writer, int column, double? value)
    {
        if (value is { } number)
        {
            writer.Write(column, number);
        }
        else
        {
            writer.WriteNull(column);
        }
    }

    private readonly record struct EventColumn(ParquetColumn Column, WriteEvent Write);

    private readonly record struct BadRowColumn(ParquetColumn Column, WriteBadRow Write);
}
