using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gateway.Processing.Forwarding;

/// <summary>A stored batch read back: the deliveries, and the lines that are not deliveries (kept, never dropped silently).</summary>
/// <param name="Deliveries">The readable deliveries, in stored order.</param>
/// <param name="Unreadable">The other non-empty lines, with their 1-based line numbers.</param>
public sealed record ParsedBatch(IReadOnlyList<Delivery> Deliveries, IReadOnlyList<(int Number, string Text)> Unreadable);

/// <summary>
/// How a batch of deliveries is stored, whatever the store (local files or S3 objects): one JSON object per line,
/// <c>{"destination","target","pixel_id","event_name","event_id","event_time","attempts","error","stored_at","payload"}</c>,
/// named by an id that sorts by creation time and folders named by destination.
/// </summary>
/// <remarks>A Meta payload's <c>client_ip_address</c> is cut to its /24 or /48 prefix as the line is written
/// (<see cref="DeliveryPayloads.Redact"/>), so no store ever holds a full address.</remarks>
public static class DeliveryBatchFormat
{
    /// <summary>The name ending of a stored batch.</summary>
    public const string Extension = ".jsonl";

    private const string IdTimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_-");

    /// <summary>
    /// A new batch's name: creation time to the millisecond (so names sort oldest first), <paramref name="sequence"/> (unique
    /// within the process) and a random part (unique across processes and Lambda instances), then <see cref="Extension"/>.
    /// </summary>
    public static string NewBatchId(DateTimeOffset created, long sequence) =>
        $"{created.UtcDateTime.ToString(IdTimeFormat, CultureInfo.InvariantCulture)}-{sequence % 1_000_000:D6}-{Guid.NewGuid():N}"[..48] + Extension;

    /// <summary>When the batch named <paramref name="id"/> was created; <paramref name="fallback"/> for a name not made by <see cref="NewBatchId"/>.</summary>
    public static DateTimeOffset CreatedOf(string id, DateTimeOffset fallback)
    {
        ArgumentNullException.ThrowIfNull(id);
        return DateTimeOffset.TryParseExact(id[..Math.Min(19, id.Length)], IdTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : fallback;
    }

    /// <summary>Whether <paramref name="destination"/> can name a store folder: validated destination names only (<c>[a-z0-9_-]+</c>).</summary>
    /// <exception cref="ArgumentException">It cannot; a hand-edited name never leaves the store's root.</exception>
    public static string CheckDestination(string destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Length == 0 || destination.AsSpan().ContainsAnyExcept(NameCharacters))
        {
            throw new ArgumentException($"'{destination}' is not a destination name", nameof(destination));
        }

        return destination;
    }

    /// <summary>Orders batches oldest first (by id, then destination).</summary>
    public static int Compare(StoredBatch a, StoredBatch b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byId = string.CompareOrdinal(a.Id, b.Id);
        return byId != 0 ? byId : string.CompareOrdinal(a.Destination, b.Destination);
    }

    /// <summary>The stored form of <paramref name="deliveries"/>, stamped <paramref name="storedAt"/>, followed by <paramref name="unreadable"/> lines as they were.</summary>
    public static byte[] Write(IReadOnlyList<Delivery> deliveries, DateTimeOffset storedAt, IEnumerable<string>? unreadable = null)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var buffer = new ArrayBufferWriter<byte>(deliveries.Count * 1024 + 64);
        foreach (var delivery in deliveries)
        {
            WriteLine(buffer, delivery, storedAt);
        }

        foreach (var line in unreadable ?? [])
        {
            buffer.Write(Encoding.UTF8.GetBytes(line));
            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a stored batch; blank lines are skipped.</summary>
    public static ParsedBatch Read(ReadOnlySpan<byte> stored)
    {
        var deliveries = new List<Delivery>();
        var unreadable = new List<(int, string)>();
        var number = 0;
        while (!stored.IsEmpty)
        {
            number++;
            var end = stored.IndexOf((byte)'\n');
            var line = end < 0 ? stored : stored[..end];
            stored = end < 0 ? [] : stored[(end + 1)..];
            if (line is [.., (byte)'\r'])
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            if (TryParse(line, out var delivery))
            {
                deliveries.Add(delivery);
            }
            else
            {
                unreadable.Add((number, Encoding.UTF8.GetString(line)));
            }
        }

        return new ParsedBatch(deliveries, unreadable);
    }

    private static void WriteLine(ArrayBufferWriter<byte> buffer, Delivery delivery, DateTimeOffset storedAt)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("destination", delivery.Destination);
            writer.WriteString("target", delivery.Target);
            writer.WriteString("pixel_id", delivery.PixelId);
            writer.WriteString("event_name", delivery.EventName);
            writer.WriteString("event_id", delivery.EventId);
            writer.WriteString("event_time", delivery.EventTime.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
            writer.WriteNumber("attempts", delivery.Attempts);
            if (delivery.LastError is not null)
            {
                writer.WriteString("error", delivery.LastError);
            }

            writer.WriteString("stored_at", storedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
            writer.WritePropertyName("payload");
            writer.WriteRawValue(DeliveryPayloads.Redact(delivery.Payload.Span), skipInputValidation: true);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    private static bool TryParse(ReadOnlySpan<byte> line, out Delivery delivery)
    {
        delivery = null!;
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            delivery = new Delivery(
                root.GetProperty("destination").GetString()!,
                root.GetProperty("target").GetString()!,
                root.GetProperty("pixel_id").GetString()!,
                root.GetProperty("event_name").GetString()!,
                root.GetProperty("event_id").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("event_time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Encoding.UTF8.GetBytes(root.GetProperty("payload").GetRawText()))
            {
                Attempts = root.GetProperty("attempts").GetInt32(),
                LastError = root.TryGetProperty("error", out var error) ? error.GetString() : null,
            };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentNullException)
        {
            return false;
        }
    }
}
