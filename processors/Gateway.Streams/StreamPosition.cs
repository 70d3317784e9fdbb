namespace Gateway.Streams;

/// <summary>A position in a shard: just after <see cref="SequenceNumber"/>, or before the oldest record when it is null.</summary>
public readonly record struct StreamPosition(string? SequenceNumber)
{
    /// <summary>Before the oldest record still retained (Kinesis <c>TRIM_HORIZON</c>).</summary>
    public static StreamPosition TrimHorizon => default;

    /// <summary>Just after the record with <paramref name="sequenceNumber"/> (Kinesis <c>AFTER_SEQUENCE_NUMBER</c>).</summary>
    public static StreamPosition After(string sequenceNumber)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequenceNumber);
        return new StreamPosition(sequenceNumber);
    }

    /// <summary>True for <see cref="TrimHorizon"/>.</summary>
    public bool IsTrimHorizon => SequenceNumber is null;

    /// <inheritdoc/>
    public override string ToString() => SequenceNumber is null ? "TRIM_HORIZON" : $"AFTER_SEQUENCE_NUMBER {SequenceNumber}";
}
