namespace Gateway.Processing.Internal;

/// <summary>
/// Forward-only protobuf reader over a span. Every method returns false on malformed input instead of throwing;
/// the limits follow protobuf-java (what the KCL parses with), so both accept and reject the same bytes.
/// </summary>
internal ref struct ProtoReader
{
    // protobuf-java's default recursion limit, applied to nested unknown groups.
    private const int MaxGroupDepth = 100;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly bool End => _position >= _buffer.Length;

    public readonly int Position => _position;

    /// <summary>Reads a varint of up to 10 bytes; bits beyond 64 are dropped, as protobuf-java does.</summary>
    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                return false;
            }

            var b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a tag; a zero field number is malformed.</summary>
    public bool TryReadTag(out int fieldNumber, out int wireType)
    {
        fieldNumber = 0;
        wireType = 0;
        if (!TryReadVarint(out var raw))
        {
            return false;
        }

        // protobuf-java reads tags as 32-bit varints and keeps the low 32 bits.
        var tag = (uint)raw;
        fieldNumber = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return fieldNumber != 0;
    }

    public bool TryReadLengthDelimited(out ReadOnlySpan<byte> payload)
    {
        payload = default;
        if (!TryReadVarint(out var raw))
        {
            return false;
        }

        // Lengths are 32-bit signed in protobuf-java; a negative one is malformed.
        var length = (int)(uint)raw;
        if (length < 0 || length > _buffer.Length - _position)
        {
            return false;
        }

        payload = _buffer.Slice(_position, length);
        _position += length;
        return true;
    }

    /// <summary>Skips the value of a field this parser does not use, by its wire type.</summary>
    public bool TrySkip(int fieldNumber, int wireType) => TrySkip(fieldNumber, wireType, 0);

    private bool TrySkip(int fieldNumber, int wireType, int depth)
    {
        switch (wireType)
        {
            case KplWire.WireVarint:
                return TryReadVarint(out _);
            case KplWire.WireFixed64:
                return TryAdvance(8);
            case KplWire.WireLengthDelimited:
                return TryReadLengthDelimited(out _);
            case KplWire.WireFixed32:
                return TryAdvance(4);
            case KplWire.WireStartGroup:
                if (depth >= MaxGroupDepth)
                {
                    return false;
                }

                while (TryReadTag(out var innerField, out var innerWire))
                {
                    if (innerWire == KplWire.WireEndGroup)
                    {
                        return innerField == fieldNumber;
                    }

                    if (!TrySkip(innerField, innerWire, depth + 1))
                    {
                        return false;
                    }
                }

                return false;
            default:
                // An end-group tag with no open group, or wire type 6/7.
                return false;
        }
    }

    private bool TryAdvance(int count)
    {
        if (count > _buffer.Length - _position)
        {
            return false;
        }

        _position += count;
        return true;
    }
}
