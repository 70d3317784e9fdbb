using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gateway.Dashboards.Internal;

/// <summary>Appends the fields <see cref="ByteReader"/> reads back, into a growing buffer.</summary>
internal sealed class ByteWriter(int initialCapacity = 256)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(initialCapacity);

    /// <summary>Bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>What was written.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    /// <summary>One byte.</summary>
    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    /// <summary>Raw bytes.</summary>
    public void Bytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    /// <summary>An unsigned LEB128 varint.</summary>
    public void Varint(ulong value) => _buffer.Advance(Gateway.Processing.Varint.Write(_buffer.GetSpan(10), value));

    /// <summary>A non-negative value as a varint.</summary>
    public void Varint(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Varint((ulong)value);
    }

    /// <summary>A signed value as a zigzag varint (small magnitudes of either sign take few bytes).</summary>
    public void ZigZag(long value) => Varint((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>A little-endian 32-bit integer.</summary>
    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(sizeof(int)), value);
        _buffer.Advance(sizeof(int));
    }

    /// <summary>A little-endian 64-bit integer.</summary>
    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(sizeof(long)), value);
        _buffer.Advance(sizeof(long));
    }

    /// <summary>A little-endian IEEE 754 double.</summary>
    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(sizeof(double)), value);
        _buffer.Advance(sizeof(double));
    }

    /// <summary>The UTF-8 bytes of <paramref name="value"/>, no length.</summary>
    public void Utf8(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>A varint UTF-8 length, then the bytes (<see cref="ByteReader.ReadString"/>).</summary>
    public void String(string value)
    {
        Varint((ulong)Encoding.UTF8.GetByteCount(value));
        Utf8(value);
    }

    /// <summary>A copy of what was written.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
