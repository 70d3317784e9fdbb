using Gateway.Processing.Enrichment;

namespace Gateway.Parquet.Lake.Internal;

/// <summary>One file of one partition: open (taking rows), sealed (full or due), closed in staging, then committed.</summary>
internal sealed class PartitionFile(LakeTable table, PartitionKeys keys, string stagedPath, FileStream stream, ParquetWriter writer, long firstPosition, DateTimeOffset openedAt)
{
    public LakeTable Table { get; } = table;

    public PartitionKeys Keys { get; } = keys;

    public string StagedPath { get; } = stagedPath;

    public ParquetWriter Writer { get; } = writer;

    /// <summary>The source position of the first row; positions only grow, so it is the smallest in the file.</summary>
    public long FirstPosition { get; } = firstPosition;

    /// <summary>When the first row arrived; the buffer interval counts from here, as in Firehose.</summary>
    public DateTimeOffset OpenedAt { get; } = openedAt;

    public long Rows { get; set; }

    /// <summary>The source position of the latest row, for finishing the partition written least recently.</summary>
    public long LastPosition { get; set; }

    /// <summary>The file's bytes so far: written row groups plus what the Parquet writer holds.</summary>
    public long Size => Writer.BytesWritten + Writer.BufferedBytes;

    /// <summary>The key it is committed under, fixed when the file is closed so a retried commit names the same file.</summary>
    public string? Key { get; private set; }

    /// <summary>Its size once closed.</summary>
    public long Bytes { get; private set; }

    /// <summary>The background close started by <see cref="StartClose"/>; null while the file is open.</summary>
    public Task? Closing { get; private set; }

    /// <summary>
    /// Starts <see cref="CloseAsync"/> on the thread pool: encoding, compressing and writing the row group overlap with
    /// the rows that keep arriving for other files. Nothing else touches this file's writer once it is sealed.
    /// </summary>
    public void StartClose(string key) => Closing = Task.Run(() => CloseAsync(key, CancellationToken.None).AsTask());

    /// <summary>Writes the footer and closes the staged file under <paramref name="key"/>; durability is the store's job.</summary>
    public async ValueTask CloseAsync(string key, CancellationToken cancellationToken)
    {
        await Writer.CloseAsync(cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        Bytes = stream.Length;
        await stream.DisposeAsync().ConfigureAwait(false);
        Key = key;
    }

    /// <summary>Drops the file (its rows were never committed, so they stay behind the durable position).</summary>
    public void Abandon()
    {
        try
        {
            stream.Dispose();
        }
        catch (IOException)
        {
        }

        try
        {
            Writer.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The stream is already gone; a writer that wants to finish the file on dispose cannot, which is the point.
        }

        StagedFiles.TryDelete(StagedPath);
    }
}
