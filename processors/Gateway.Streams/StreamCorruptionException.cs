namespace Gateway.Streams;

/// <summary>A record inside a segment file failed validation, so the shard cannot be read past it.</summary>
public sealed class StreamCorruptionException : IOException
{
    /// <summary>Creates the exception for the record at <paramref name="offset"/> of <paramref name="filePath"/>.</summary>
    public StreamCorruptionException(string filePath, long offset, string reason)
        : base($"The record at byte offset {offset} of segment file '{filePath}' is corrupt ({reason}). "
            + "Reads of this shard cannot continue past it: restore the file from a backup, or move the stream directory aside and start a new stream.")
    {
        FilePath = filePath;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The segment file holding the corrupt record.</summary>
    public string FilePath { get; }

    /// <summary>Byte offset of the corrupt record in <see cref="FilePath"/>.</summary>
    public long Offset { get; }

    /// <summary>What failed validation (checksum, length, sequence number, …).</summary>
    public string Reason { get; }
}
