using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Gateway.Processing.Forwarding;

namespace Gateway.Streams;

/// <summary>
/// Deliveries kept on disk: the dead-letter store (<c>data/dlq/</c>: rejected, waiting for a fix and <c>gateway dlq
/// replay</c>) and the spill store (<c>data/forward/spill/</c>: waiting out a destination's outage, resent automatically).
/// One JSON-lines file per stored batch, under a folder per destination.
/// </summary>
/// <remarks>
/// <para>Durability: a batch is written to a temporary file, flushed to disk and renamed into place before
/// <see cref="AddAsync"/> returns, so a crash leaves either the whole batch or nothing; the caller checkpoints only after.
/// Finishing a batch (<see cref="CompleteAsync"/>) replaces its file the same way, or deletes it when nothing is left.</para>
/// <para>Privacy: a Meta payload's <c>client_ip_address</c> is cut to its /24 or /48 prefix before it is written, so no
/// full address reaches the disk (locally the address already is a prefix).</para>
/// <para>Each line: <c>{"destination","target","pixel_id","event_name","event_id","event_time","attempts","error","stored_at","payload"}</c>.</para>
/// </remarks>
public sealed class FileDeliveryStore : IDeliveryStore
{
    private const string Extension = ".jsonl";
    private readonly TimeProvider _time;
    private long _sequence;

    /// <summary>A store rooted at <paramref name="directory"/> (created on first write).</summary>
    public FileDeliveryStore(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = System.IO.Path.GetFullPath(directory);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The root folder.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public string Location => Directory;

    /// <inheritdoc/>
    public Task<StoredBatch?> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        cancellationToken.ThrowIfCancellationRequested();
        if (deliveries.Count == 0)
        {
            return Task.FromResult<StoredBatch?>(null);
        }

        var destination = deliveries[0].Destination;
        var folder = FolderOf(destination);
        System.IO.Directory.CreateDirectory(folder);
        var now = _time.GetUtcNow();
        // Sortable by time, unique within the process by the counter and across processes by the random part.
        var name = $"{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{Interlocked.Increment(ref _sequence):D6}-{Guid.NewGuid():N}"[..48] + Extension;
        var path = System.IO.Path.Combine(folder, name);
        var bytes = Write(path, deliveries, now);
        return Task.FromResult<StoredBatch?>(new StoredBatch(name, destination, now, bytes, path));
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredBatch> List(string? destination = null)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var folders = destination is null
            ? System.IO.Directory.GetDirectories(Directory)
            : System.IO.Directory.Exists(FolderOf(destination)) ? [FolderOf(destination)] : [];
        var batches = new List<StoredBatch>();
        foreach (var folder in folders)
        {
            var name = System.IO.Path.GetFileName(folder);
            foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*" + Extension))
            {
                var info = new FileInfo(file);
                batches.Add(new StoredBatch(info.Name, name, CreatedOf(info), info.Length, file));
            }
        }

        batches.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id) is var byName && byName != 0 ? byName : string.CompareOrdinal(a.Destination, b.Destination));
        return batches;
    }

    /// <inheritdoc/>
    /// <remarks>A line that cannot be read stays on disk through <see cref="CompleteAsync"/>: it is never dropped silently.</remarks>
    public async Task<IReadOnlyList<Delivery>> ReadAsync(StoredBatch batch, List<string>? problems = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var deliveries = new List<Delivery>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(batch.Path, cancellationToken).ConfigureAwait(false))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            if (TryParse(line, out var delivery))
            {
                deliveries.Add(delivery);
            }
            else
            {
                problems?.Add($"{batch.Destination}/{batch.Id} line {number}: not a stored delivery");
            }
        }

        return deliveries;
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(StoredBatch batch, IReadOnlyList<Delivery> remaining, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(remaining);
        var unreadable = (await File.ReadAllLinesAsync(batch.Path, cancellationToken).ConfigureAwait(false)).Where(l => l.Length > 0 && !TryParse(l, out _)).ToList();
        if (remaining.Count == 0 && unreadable.Count == 0)
        {
            File.Delete(batch.Path);
            return;
        }

        Write(batch.Path, remaining, _time.GetUtcNow(), unreadable);
    }

    private string FolderOf(string destination)
    {
        // Destination names are validated ([a-z0-9_-]); this keeps a hand-edited name from leaving the store.
        if (destination.Length == 0 || destination.AsSpan().ContainsAnyExcept(NameCharacters))
        {
            throw new ArgumentException($"'{destination}' is not a destination name", nameof(destination));
        }

        return System.IO.Path.Combine(Directory, destination);
    }

    private static readonly SearchValues<char> NameCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_-");

    private static DateTimeOffset CreatedOf(FileInfo file) =>
        DateTimeOffset.TryParseExact(file.Name[..Math.Min(19, file.Name.Length)], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : new DateTimeOffset(file.LastWriteTimeUtc);

    private static long Write(string path, IReadOnlyList<Delivery> deliveries, DateTimeOffset now, IReadOnlyList<string>? extraLines = null)
    {
        var buffer = new ArrayBufferWriter<byte>(deliveries.Count * 1024 + 64);
        foreach (var delivery in deliveries)
        {
            WriteLine(buffer, delivery, now);
        }

        foreach (var line in extraLines ?? [])
        {
            buffer.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        }

        AtomicFile.Write(path, buffer.WrittenSpan);
        return buffer.WrittenCount;
    }

    private static void WriteLine(ArrayBufferWriter<byte> buffer, Delivery delivery, DateTimeOffset now)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("destination", delivery.Destination);
            writer.WriteString("target", delivery.Target);
            writer.WriteString("pixel_id", delivery.PixelId);
            writer.WriteString("event_name", delivery.EventName);
            writer.WriteString("event_id", delivery.EventId);
            writer.WriteString("event_time", delivery.EventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteNumber("attempts", delivery.Attempts);
            if (delivery.LastError is not null)
            {
                writer.WriteString("error", delivery.LastError);
            }

            writer.WriteString("stored_at", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WritePropertyName("payload");
            writer.WriteRawValue(DeliveryPayloads.Redact(delivery.Payload.Span), skipInputValidation: true);
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    private static bool TryParse(string line, out Delivery delivery)
    {
        delivery = null!;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            delivery = new Delivery(
                root.GetProperty("destination").GetString()!,
                root.GetProperty("target").GetString()!,
                root.GetProperty("pixel_id").GetString()!,
                root.GetProperty("event_name").GetString()!,
                root.GetProperty("event_id").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("event_time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                System.Text.Encoding.UTF8.GetBytes(root.GetProperty("payload").GetRawText()))
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
