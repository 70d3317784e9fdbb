namespace Gateway.Processing;

/// <summary>Where one field sits in a log line: a byte offset and length; length 0 for an empty (<c>-</c>) field.</summary>
public readonly record struct FieldRange(int Offset, int Length)
{
    /// <summary>Whether the field was <c>-</c> or blank.</summary>
    public bool IsEmpty => Length == 0;

    /// <summary>The field's still-encoded bytes in <paramref name="line"/>.</summary>
    public ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> line) => line.Slice(Offset, Length);
}
