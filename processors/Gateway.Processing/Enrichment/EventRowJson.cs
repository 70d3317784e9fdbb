using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Processing.Enrichment;

/// <summary>
/// Event and bad rows as JSON objects with snake-case column names in column order: what the Firehose transformation
/// returns (record format conversion reads it with the Glue table's schema), what the local stages pass on, and what
/// `stream tail` prints. Timestamps are ISO-8601 UTC with milliseconds (<c>2024-05-01T12:00:00.123Z</c>), accepted by
/// Firehose's OpenX JSON SerDe, Athena and DuckDB; absent values are written as <c>null</c>.
/// </summary>
public static class EventRowJson
{
    private delegate void ReadValue(ref Utf8JsonReader reader, EventRow row);

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private static readonly (string Name, Action<Utf8JsonWriter, EventRow> Write, ReadValue Read)[] Table =
    [
        ("event_time", (w, r) => Time(w, r.EventTime), (ref Utf8JsonReader j, EventRow r) => r.EventTime = ReadTime(ref j)),
        ("received_time", (w, r) => Time(w, r.ReceivedTime), (ref Utf8JsonReader j, EventRow r) => r.ReceivedTime = ReadTime(ref j)),
        ("event_id", (w, r) => w.WriteStringValue(r.EventId), (ref Utf8JsonReader j, EventRow r) => r.EventId = j.GetString() ?? ""),
        ("pixel_id", (w, r) => w.WriteStringValue(r.PixelId), (ref Utf8JsonReader j, EventRow r) => r.PixelId = j.GetString() ?? ""),
        ("event_name", (w, r) => w.WriteStringValue(r.EventName), (ref Utf8JsonReader j, EventRow r) => r.EventName = j.GetString() ?? TagContract.DefaultEventName),
        ("page_url", (w, r) => Text(w, r.PageUrl), (ref Utf8JsonReader j, EventRow r) => r.PageUrl = j.GetString()),
        ("page_host", (w, r) => Text(w, r.PageHost), (ref Utf8JsonReader j, EventRow r) => r.PageHost = j.GetString()),
        ("page_path", (w, r) => Text(w, r.PagePath), (ref Utf8JsonReader j, EventRow r) => r.PagePath = j.GetString()),
        ("referrer_url", (w, r) => Text(w, r.ReferrerUrl), (ref Utf8JsonReader j, EventRow r) => r.ReferrerUrl = j.GetString()),
        ("referrer_host", (w, r) => Text(w, r.ReferrerHost), (ref Utf8JsonReader j, EventRow r) => r.ReferrerHost = j.GetString()),
        ("referrer_medium", (w, r) => w.WriteStringValue(r.ReferrerMedium), (ref Utf8JsonReader j, EventRow r) => r.ReferrerMedium = j.GetString() ?? "direct"),
        ("utm_source", (w, r) => Text(w, r.UtmSource), (ref Utf8JsonReader j, EventRow r) => r.UtmSource = j.GetString()),
        ("utm_medium", (w, r) => Text(w, r.UtmMedium), (ref Utf8JsonReader j, EventRow r) => r.UtmMedium = j.GetString()),
        ("utm_campaign", (w, r) => Text(w, r.UtmCampaign), (ref Utf8JsonReader j, EventRow r) => r.UtmCampaign = j.GetString()),
        ("utm_term", (w, r) => Text(w, r.UtmTerm), (ref Utf8JsonReader j, EventRow r) => r.UtmTerm = j.GetString()),
        ("utm_content", (w, r) => Text(w, r.UtmContent), (ref Utf8JsonReader j, EventRow r) => r.UtmContent = j.GetString()),
        ("click_id", (w, r) => Text(w, r.ClickId), (ref Utf8JsonReader j, EventRow r) => r.ClickId = j.GetString()),
        ("click_id_type", (w, r) => Text(w, r.ClickIdType), (ref Utf8JsonReader j, EventRow r) => r.ClickIdType = j.GetString()),
        ("visitor_id", (w, r) => w.WriteStringValue(r.VisitorId), (ref Utf8JsonReader j, EventRow r) => r.VisitorId = j.GetString() ?? ""),
        ("user_id", (w, r) => Text(w, r.UserId), (ref Utf8JsonReader j, EventRow r) => r.UserId = j.GetString()),
        ("ip_prefix", (w, r) => Text(w, r.IpPrefix), (ref Utf8JsonReader j, EventRow r) => r.IpPrefix = j.GetString()),
        ("country", (w, r) => Text(w, r.Country), (ref Utf8JsonReader j, EventRow r) => r.Country = j.GetString()),
        ("asn", (w, r) => Number(w, r.Asn), (ref Utf8JsonReader j, EventRow r) => r.Asn = j.TokenType == JsonTokenType.Null ? null : j.GetInt64()),
        ("ua_browser", (w, r) => Text(w, r.UaBrowser), (ref Utf8JsonReader j, EventRow r) => r.UaBrowser = j.GetString()),
        ("ua_browser_version", (w, r) => Text(w, r.UaBrowserVersion), (ref Utf8JsonReader j, EventRow r) => r.UaBrowserVersion = j.GetString()),
        ("ua_os", (w, r) => Text(w, r.UaOs), (ref Utf8JsonReader j, EventRow r) => r.UaOs = j.GetString()),
        ("ua_os_version", (w, r) => Text(w, r.UaOsVersion), (ref Utf8JsonReader j, EventRow r) => r.UaOsVersion = j.GetString()),
        ("ua_device", (w, r) => Text(w, r.UaDevice), (ref Utf8JsonReader j, EventRow r) => r.UaDevice = j.GetString()),
        ("is_bot", (w, r) => w.WriteBooleanValue(r.IsBot), (ref Utf8JsonReader j, EventRow r) => r.IsBot = j.GetBoolean()),
        ("bot_reason", (w, r) => Text(w, r.BotReason), (ref Utf8JsonReader j, EventRow r) => r.BotReason = j.GetString()),
        ("is_machine_open", (w, r) => w.WriteBooleanValue(r.IsMachineOpen), (ref Utf8JsonReader j, EventRow r) => r.IsMachineOpen = j.GetBoolean()),
        ("machine_open_reason", (w, r) => Text(w, r.MachineOpenReason), (ref Utf8JsonReader j, EventRow r) => r.MachineOpenReason = j.GetString()),
        ("channel", (w, r) => w.WriteStringValue(r.Channel), (ref Utf8JsonReader j, EventRow r) => r.Channel = j.GetString() ?? TagContract.DefaultChannel),
        ("value", (w, r) => Number(w, r.Value), (ref Utf8JsonReader j, EventRow r) => r.Value = j.TokenType == JsonTokenType.Null ? null : j.GetDouble()),
        ("currency", (w, r) => Text(w, r.Currency), (ref Utf8JsonReader j, EventRow r) => r.Currency = j.GetString()),
        ("props", (w, r) => Text(w, r.Props), (ref Utf8JsonReader j, EventRow r) => r.Props = j.GetString()),
        ("edge_location", (w, r) => Text(w, r.EdgeLocation), (ref Utf8JsonReader j, EventRow r) => r.EdgeLocation = j.GetString()),
        ("http_status", (w, r) => Number(w, r.HttpStatus), (ref Utf8JsonReader j, EventRow r) => r.HttpStatus = j.TokenType == JsonTokenType.Null ? null : j.GetInt32()),
        ("bytes_sent", (w, r) => Number(w, r.BytesSent), (ref Utf8JsonReader j, EventRow r) => r.BytesSent = j.TokenType == JsonTokenType.Null ? null : j.GetInt64()),
        ("time_taken_ms", (w, r) => Number(w, r.TimeTakenMs), (ref Utf8JsonReader j, EventRow r) => r.TimeTakenMs = j.TokenType == JsonTokenType.Null ? null : j.GetDouble()),
        ("notes", (w, r) => Text(w, r.Notes), (ref Utf8JsonReader j, EventRow r) => r.Notes = j.GetString()),
    ];

    private static readonly JsonEncodedText[] EncodedNames = [.. Table.Select(c => JsonEncodedText.Encode(c.Name))];

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ColumnIndex =
        Table.Select((c, i) => (c.Name, i)).ToDictionary(c => c.Name, c => c.i, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    [ThreadStatic]
    private static Utf8JsonWriter? cachedWriter;

    /// <summary>The event columns in order, snake case, exactly as written.</summary>
    public static IReadOnlyList<string> Columns { get; } = [.. Table.Select(c => c.Name)];

    /// <summary>The bad-row columns in order.</summary>
    public static IReadOnlyList<string> BadRowColumns { get; } = ["time", "stage", "reason", "message", "raw"];

    /// <summary>Writes <paramref name="row"/> as one JSON object (no newline) to <paramref name="output"/>.</summary>
    public static void Write(EventRow row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        var writer = Writer(output);
        writer.WriteStartObject();
        for (var i = 0; i < Table.Length; i++)
        {
            writer.WritePropertyName(EncodedNames[i]);
            Table[i].Write(writer, row);
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Writes <paramref name="row"/> as one JSON object (no newline) to <paramref name="output"/>.</summary>
    public static void Write(BadRow row, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(row);
        var writer = Writer(output);
        writer.WriteStartObject();
        writer.WritePropertyName("time");
        Time(writer, row.Time);
        writer.WriteString("stage", row.Stage);
        writer.WriteString("reason", row.Reason);
        writer.WriteString("message", row.Message);
        writer.WriteString("raw", row.Raw);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>One event row as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(EventRow row)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(row, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One bad row as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(BadRow row)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(row, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an event row written by <see cref="Write(EventRow, IBufferWriter{byte})"/>; unknown members are skipped, so rows from newer writers still read.</summary>
    /// <exception cref="JsonException">The bytes are not a JSON object with values of the columns' types.</exception>
    public static EventRow Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an event row is a JSON object");
        }

        var row = new EventRow();
        Span<char> name = stackalloc char[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var length = reader.CopyString(name);
            reader.Read();
            if (ColumnIndex.TryGetValue(name[..length], out var index))
            {
                try
                {
                    Table[index].Read(ref reader, row);
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException)
                {
                    throw new JsonException($"column {Table[index].Name}: {e.Message}", e);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        row.Partition = PartitionKeys.From(row.EventTime);
        return row;
    }

    /// <summary>Reads a bad row written by <see cref="Write(BadRow, IBufferWriter{byte})"/>; unknown members are skipped.</summary>
    /// <exception cref="JsonException">The bytes are not a JSON object with a <c>time</c> and string columns.</exception>
    public static BadRow ReadBadRow(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a bad row is a JSON object");
        }

        var row = new BadRow();
        var hasTime = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            reader.Read();
            try
            {
                if (!escaped && name.SequenceEqual("time"u8))
                {
                    row.Time = ReadTime(ref reader);
                    hasTime = true;
                }
                else if (!escaped && name.SequenceEqual("stage"u8))
                {
                    row.Stage = reader.GetString() ?? "";
                }
                else if (!escaped && name.SequenceEqual("reason"u8))
                {
                    row.Reason = reader.GetString() ?? "";
                }
                else if (!escaped && name.SequenceEqual("message"u8))
                {
                    row.Message = reader.GetString() ?? "";
                }
                else if (!escaped && name.SequenceEqual("raw"u8))
                {
                    row.Raw = reader.GetString() ?? "";
                }
                else
                {
                    reader.Skip();
                }
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentNullException)
            {
                throw new JsonException($"bad-row member {System.Text.Encoding.UTF8.GetString(name)}: {e.Message}", e);
            }
        }

        if (!hasTime)
        {
            throw new JsonException("a bad row needs its time");
        }

        row.Partition = PartitionKeys.From(row.Time);
        return row;
    }

    private static Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var writer = cachedWriter;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, WriterOptions);
            cachedWriter = writer;
        }
        else
        {
            writer.Reset(output);
        }

        return writer;
    }

    private static void Time(Utf8JsonWriter writer, DateTimeOffset time)
    {
        Span<byte> text = stackalloc byte[32];
        time.UtcDateTime.TryFormat(text, out var length, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        writer.WriteStringValue(text[..length]);
    }

    private static DateTimeOffset ReadTime(ref Utf8JsonReader reader) =>
        DateTimeOffset.ParseExact(reader.GetString()!, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static void Text(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    private static void Number(Utf8JsonWriter writer, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void Number(Utf8JsonWriter writer, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
