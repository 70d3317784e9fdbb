using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Gateway.Dashboards.Internal;

/// <summary>
/// Reads a saved form front to back (sketches, the detector state, the rollup snapshot). Every failure is a
/// <see cref="FormatException"/> naming the format, the field and, inside a larger file, the byte offset and the part
/// being read, so a corrupt file says what is wrong with it.
/// </summary>
internal ref struct ByteReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _subject;
    private int _position;

    /// <summary>A reader over <paramref name="data"/>; <paramref name="subject"/> (e.g. "HyperLogLog sketch") names it in error messages.</summary>
    public ByteReader(ReadOnlySpan<byte> data, string subject)
    {
        _data = data;
        _subject = subject;
    }

    /// <summary>What is being read, for error messages (e.g. "series 3 of 40"); null leaves it out.</summary>
    public string? Context { get; set; }

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
        if (count < 0 || count > Remaining)
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

    /// <summary>A varint of at most <paramref name="max"/> as a <see cref="long"/>.</summary>
    public long ReadVarint(string field, long max) => (long)ReadVarint(field, (ulong)max);

    /// <summary>A signed value written by <see cref="ByteWriter.ZigZag"/>.</summary>
    public long ReadZigZag(string field)
    {
        var raw = ReadVarint(field);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A count of items that each take at least <paramref name="smallestItem"/> bytes, so a damaged count cannot make the caller allocate for items that are not there.</summary>
    public int ReadCount(string field, int smallestItem, int max = int.MaxValue)
    {
        var start = _position;
        var count = ReadVarint(field, (ulong)max);
        if (count * (ulong)smallestItem > (ulong)Remaining)
        {
            Fail($"the {field} at byte {start} is {count}, which does not fit in the {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>A little-endian 32-bit integer.</summary>
    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(sizeof(int), field));

    /// <summary>A little-endian 64-bit integer.</summary>
    public long ReadInt64(string field) => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(sizeof(long), field));

    /// <summary>A little-endian IEEE 754 double.</summary>
    public double ReadDouble(string field) => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(sizeof(double), field));

    /// <summary><paramref name="length"/> bytes of strict UTF-8; a failure names <paramref name="field"/> and, when given, the byte where its encoding starts.</summary>
    public string ReadUtf8(int length, string field, int? startsAt = null)
    {
        var bytes = ReadBytes(length, field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            Fail(startsAt is { } start ? $"the {field} at byte {start} is not valid UTF-8" : $"the {field} is not valid UTF-8");
            throw;
        }
    }

    /// <summary>A string written by <see cref="ByteWriter.String"/>: a varint length, then UTF-8, at most <paramref name="maxBytes"/> bytes.</summary>
    public string ReadString(string field, int maxBytes = int.MaxValue)
    {
        var start = _position;
        return ReadUtf8((int)ReadVarint(field + " length", (ulong)maxBytes), field, start);
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
    public readonly void Fail(string problem) => throw new FormatException(
        Context is null ? $"Not a valid {_subject}: {problem}." : $"Not a valid {_subject} at byte {_position} ({Context}): {problem}.");
}
