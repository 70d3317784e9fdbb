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
/// <para>Each file is one batch in <see cref="DeliveryBatchFormat"/>.</para>
/// </remarks>
public sealed class FileDeliveryStore : IDeliveryStore
{
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
        var name = DeliveryBatchFormat.NewBatchId(now, Interlocked.Increment(ref _sequence));
        var path = System.IO.Path.Combine(folder, name);
        var bytes = DeliveryBatchFormat.Write(deliveries, now);
        AtomicFile.Write(path, bytes);
        return Task.FromResult<StoredBatch?>(new StoredBatch(name, destination, now, bytes.Length, path));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredBatch>> ListAsync(string? destination = null, CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return Task.FromResult<IReadOnlyList<StoredBatch>>([]);
        }

        var folders = destination is null
            ? System.IO.Directory.GetDirectories(Directory)
            : System.IO.Directory.Exists(FolderOf(destination)) ? [FolderOf(destination)] : [];
        var batches = new List<StoredBatch>();
        foreach (var folder in folders)
        {
            var name = System.IO.Path.GetFileName(folder);
            foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*" + DeliveryBatchFormat.Extension))
            {
                var info = new FileInfo(file);
                batches.Add(new StoredBatch(info.Name, name, DeliveryBatchFormat.CreatedOf(info.Name, new DateTimeOffset(info.LastWriteTimeUtc)), info.Length, file));
            }
        }

        batches.Sort(DeliveryBatchFormat.Compare);
        return Task.FromResult<IReadOnlyList<StoredBatch>>(batches);
    }

    /// <inheritdoc/>
    /// <remarks>A line that cannot be read stays on disk through <see cref="CompleteAsync"/>: it is never dropped silently.</remarks>
    public async Task<IReadOnlyList<Delivery>> ReadAsync(StoredBatch batch, List<string>? problems = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var parsed = DeliveryBatchFormat.Read(await File.ReadAllBytesAsync(batch.Path, cancellationToken).ConfigureAwait(false));
        problems?.AddRange(parsed.Unreadable.Select(u => $"{batch.Destination}/{batch.Id} line {u.Number}: not a stored delivery"));
        return parsed.Deliveries;
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(StoredBatch batch, IReadOnlyList<Delivery> remaining, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(remaining);
        var unreadable = DeliveryBatchFormat.Read(await File.ReadAllBytesAsync(batch.Path, cancellationToken).ConfigureAwait(false)).Unreadable;
        if (remaining.Count == 0 && unreadable.Count == 0)
        {
            File.Delete(batch.Path);
            return;
        }

        AtomicFile.Write(batch.Path, DeliveryBatchFormat.Write(remaining, _time.GetUtcNow(), unreadable.Select(u => u.Text)));
    }

    private string FolderOf(string destination) => System.IO.Path.Combine(Directory, DeliveryBatchFormat.CheckDestination(destination));
}
