namespace Gateway.Streams;

/// <summary>When <see cref="IRecordStream.AppendAsync"/> completes.</summary>
public enum Durability
{
    /// <summary>After the batch holding the record is fsynced: survives power loss.</summary>
    Fsync,

    /// <summary>After write(2) put the record in the OS page cache: survives <c>kill -9</c> of the process but not power loss; an fsync follows within <see cref="EmbeddedStreamOptions.FlushInterval"/>.</summary>
    Write,
}
