using System.Globalization;
using System.Text.Json;

namespace Gateway.Processing.Forwarding;

/// <content>
/// Persistence as versioned JSON: <c>{"version":1,"hours":[{"hour":"…Z","keys":[{"pixel","event","received","forwarded",
/// "failed","dropped","lastSeen","droppedByReason","forwardedByDestination","failedByDestination"}]}]}</c>. Zero counters,
/// empty maps and a missing lastSeen are left out on writing and read as zero or none.
/// </content>
public sealed partial class ForwardMetrics
{
    /// <summary>The version of the JSON format <see cref="WriteTo"/> writes and <see cref="ReadFrom"/> reads.</summary>
    public const int FormatVersion = 1;

    // Flushing per hour keeps the writer's buffer small; past this many pending bytes it is worth a write.
    private const int FlushThreshold = 64 * 1024;

    private static readonly string[] TopProperties = ["version", "hours"];
    private static readonly string[] HourProperties = ["hour", "keys"];
    private static readonly string[] KeyProperties =
        ["pixel", "event", "received", "forwarded", "failed", "dropped", "lastSeen", "droppedByReason", "forwardedByDestination", "failedByDestination"];

    /// <summary>Writes every retained hour as UTF-8 JSON (format <see cref="FormatVersion"/>).</summary>
    public void WriteTo(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var writer = new Utf8JsonWriter(utf8Json);
        WriteStart(writer);
        foreach (var bucket in Snapshot(long.MinValue, long.MaxValue))
        {
            WriteHour(writer, bucket);
            if (writer.BytesPending > FlushThreshold)
            {
                writer.Flush();
            }
        }

        WriteEnd(writer);
        writer.Flush();
    }

    /// <summary>Reads a store written by <see cref="WriteTo"/>, dropping hours past retention; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static ForwardMetrics ReadFrom(Stream utf8Json, TimeProvider? time = null, ForwardMetricsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        var metrics = new ForwardMetrics(time, options);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException ex)
        {
            // The parser's message ends with zero-based positions; people count lines from one.
            var reason = ex.Message;
            var at = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = at > 0 ? reason[..at] : reason;
            throw new InvalidDataException($"forward metrics: not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {reason}", ex);
        }

        using (document)
        {
            metrics.Load(document.RootElement);
        }

        return metrics;
    }

    private static void WriteStart(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", FormatVersion);
        writer.WriteStartArray("hours");
    }

    private static void WriteEnd(Utf8JsonWriter writer)
    {
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteHour(Utf8JsonWriter writer, Bucket bucket)
    {
        writer.WriteStartObject();
        writer.WriteString("hour", new DateTime(bucket.Hour, DateTimeKind.Utc));
        writer.WriteStartArray("keys");
        foreach (var (key, counters) in bucket.Keys)
        {
            writer.WriteStartObject();
            writer.WriteString("pixel", key.Pixel);
            writer.WriteString("event", key.Event);
            WriteCount(writer, "received", counters.Received);
            WriteCount(writer, "forwarded", counters.Forwarded);
            WriteCount(writer, "failed", counters.Failed);
            WriteCount(writer, "dropped", counters.Dropped);
            if (counters.LastSeen != 0)
            {
                writer.WriteString("lastSeen", new DateTime(counters.LastSeen, DateTimeKind.Utc));
            }

            WriteTally(writer, "droppedByReason", counters.DroppedByReason);
            WriteTally(writer, "forwardedByDestination", counters.ForwardedByDestination);
            WriteTally(writer, "failedByDestination", counters.FailedByDestination);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCount(Utf8JsonWriter writer, string name, long count)
    {
        if (count != 0)
        {
            writer.WriteNumber(name, count);
        }
    }

    private static void WriteTally(Utf8JsonWriter writer, string name, Tally? tally)
    {
        if (tally is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        for (var i = 0; i < tally.Length; i++)
        {
            writer.WriteNumber(tally.NameAt(i), tally.CountAt(i));
        }

        writer.WriteEndObject();
    }

    private void Load(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("$", $"expected an object with version and hours; got {Describe(root)}");
        }

        // The version first: a newer file is reported as such, not as a list of properties this build does not know.
        if (!root.TryGetProperty("version", out var version))
        {
            throw Invalid("version", "missing; a forward metrics file starts with \"version\": 1");
        }

        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != FormatVersion)
        {
            throw Invalid("version", $"{version.GetRawText()} is not supported; this build reads version {FormatVersion}");
        }

        CheckProperties(root, "", TopProperties);
        var hours = Required(root, "hours", "", JsonValueKind.Array);
        var loaded = new SortedDictionary<long, Bucket>();
        var h = 0;
        foreach (var hour in hours.EnumerateArray())
        {
            var path = $"hours[{h++}]";
            if (hour.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(path, $"expected an object with hour and keys; got {Describe(hour)}");
            }

            CheckProperties(hour, path + ".", HourProperties);
            var start = Time(Required(hour, "hour", path + ".", JsonValueKind.String), $"{path}.hour");
            if (start.UtcTicks % TimeSpan.TicksPerHour != 0)
            {
                throw Invalid($"{path}.hour", $"{start:O} is not the start of an hour");
            }

            if (!loaded.TryGetValue(start.UtcTicks, out var bucket))
            {
                bucket = new Bucket(start.UtcTicks, _limits);
                loaded.Add(start.UtcTicks, bucket);
            }

            var k = 0;
            foreach (var key in Required(hour, "keys", path + ".", JsonValueKind.Array).EnumerateArray())
            {
                LoadKey(bucket, key, $"{path}.keys[{k++}]");
            }
        }

        _buckets.AddRange(loaded.Values);
        _newest = _buckets.Count > 0 ? _buckets[^1] : null;
        Prune(_time.GetUtcNow().UtcTicks);
    }

    private void LoadKey(Bucket bucket, JsonElement key, string path)
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"expected an object with pixel, event and counts; got {Describe(key)}");
        }

        CheckProperties(key, path + ".", KeyProperties);
        var pixel = Required(key, "pixel", path + ".", JsonValueKind.String).GetString()!;
        var eventName = Required(key, "event", path + ".", JsonValueKind.String).GetString()!;
        // Through the same cap as live counting, so a file written with larger limits still loads within these.
        var counters = bucket.Get(pixel, eventName);
        counters.Received += OptionalCount(key, "received", path);
        counters.Forwarded += OptionalCount(key, "forwarded", path);
        counters.Failed += OptionalCount(key, "failed", path);
        counters.Dropped += OptionalCount(key, "dropped", path);
        if (key.TryGetProperty("lastSeen", out var lastSeen) && lastSeen.ValueKind != JsonValueKind.Null)
        {
            counters.LastSeen = Math.Max(counters.LastSeen, Time(lastSeen, $"{path}.lastSeen").UtcTicks);
        }

        LoadTally(key, "droppedByReason", path, ref counters.DroppedByReason);
        LoadTally(key, "forwardedByDestination", path, ref counters.ForwardedByDestination);
        LoadTally(key, "failedByDestination", path, ref counters.FailedByDestination);
    }

    private void LoadTally(JsonElement key, string name, string path, ref Tally? tally)
    {
        if (!key.TryGetProperty(name, out var counts))
        {
            return;
        }

        if (counts.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path}.{name}", $"expected an object of names and counts; got {Describe(counts)}");
        }

        foreach (var entry in counts.EnumerateObject())
        {
            (tally ??= new Tally()).Add(entry.Name, Count(entry.Value, $"{path}.{name}.{entry.Name}"), _limits);
        }
    }

    private static long OptionalCount(JsonElement parent, string name, string path) =>
        parent.TryGetProperty(name, out var value) ? Count(value, $"{path}.{name}") : 0;

    private static long Count(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) && count >= 0
            ? count
            : throw Invalid(path, $"expected a count (a whole number, 0 or more); got {Describe(value)}");

    private static DateTimeOffset Time(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : throw Invalid(path, $"expected an ISO 8601 time such as \"2025-01-01T10:00:00Z\"; got {Describe(value)}");

    private static JsonElement Required(JsonElement parent, string name, string prefix, JsonValueKind kind)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            throw Invalid(prefix + name, "missing");
        }

        return value.ValueKind == kind
            ? value
            : throw Invalid(prefix + name, $"expected {(kind == JsonValueKind.Array ? "an array" : "a string")}; got {Describe(value)}");
    }

    private static void CheckProperties(JsonElement element, string prefix, string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                throw Invalid(prefix + property.Name, $"unknown property; expected one of {string.Join(", ", known)}");
            }
        }
    }

    private static string Describe(JsonElement value)
    {
        var text = value.GetRawText();
        var shown = text.Length > 40 ? string.Concat(text.AsSpan(0, 40), "…") : text;
        return string.Create(CultureInfo.InvariantCulture, $"{value.ValueKind.ToString().ToLowerInvariant()} {shown}");
    }

    private static InvalidDataException Invalid(string path, string message) => new($"forward metrics: {path}: {message}");
}
