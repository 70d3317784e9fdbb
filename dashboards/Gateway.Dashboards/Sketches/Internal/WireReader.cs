using System.Diagnostics.CodeAnalysis;

namespace Gateway.Dashboards.Sketches.Internal;

/// <summary>
/// Reads a sketch's serialized form front to back; every failure is a <see cref="FormatException"/> naming the format,
/// the field and the byte offset, so a corrupt rollup file says what is wrong with it.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _format;
    private int _position;

    /// <summary>A reader over <paramref name="data"/>; <paramref name="format"/> prefixes error messages.</summary>
    public WireReader(ReadOnlySpan<byte> data, string format)
    {
        _data = data;
        _format = format;
    }

    /// <summary>Offset of the next byte to read.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>One byte.</summary>
    public byte ReadByte(string field)
    {
        if (_position >= _data.Length)
        {
            Fail($"the data ends before the {field}");
        }

        return _data[_position++];
    }

    /// <summary>The next <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count > Remaining)
        {
            Fail($"the {field} needs {count} bytes but only {Remaining} remain");
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>A minimally encoded unsigned LEB128 varint of at most <paramref name="max"/>.</summary>
    public ulong ReadVarint(string field, ulong max = ulong.MaxValue)
    {
        var start = _position;
        var value = 0UL;
        for (var shift = 0; ; shift += 7)
        {
            if (_position >= _data.Length)
            {
                Fail($"the data ends inside the {field} (a varint starting at byte {start})");
            }

            var b = _data[_position++];
            // The tenth byte may only carry the top bit of a 64-bit value.
            if (shift == 63 && b > 1)
            {
                Fail($"the {field} at byte {start} does not fit in 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                // A zero final byte after a continuation byte is an overlong encoding; rejecting it keeps one byte form per value.
                if (b == 0 && shift > 0)
                {
                    Fail($"the {field} at byte {start} is not minimally encoded");
                }

                break;
            }
        }

        if (value > max)
        {
            Fail($"the {field} at byte {start} is {value}, above the maximum {max}");
        }

        return value;
    }

    /// <summary>Fails unless every byte was read.</summary>
    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            Fail($"{Remaining} unexpected bytes follow the end at byte {_position}");
        }
    }

    /// <summary>Throws the <see cref="FormatException"/> for <paramref name="problem"/>.</summary>
    [DoesNotReturn]
    public readonly void Fail(string problem) => throw new FormatException($"Not a valid {_format}: {problem}.");
}
