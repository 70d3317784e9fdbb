using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Gateway.Parquet.Internal;

/// <summary>
/// Reads Thrift compact protocol values from a span. Malformed input (truncation, overlong varints, impossible lengths,
/// nesting deeper than <see cref="MaxDepth"/>) throws <see cref="InvalidDataException"/> naming the byte position.
/// </summary>
internal ref struct ThriftCompactReader
{
    public const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ThriftCompactReader(ReadOnlySpan<byte> data)
    {
        _data = data;
    }

    public readonly int Position => _position;

    /// <summary>Reads the next field header of the current struct; false at its stop byte.</summary>
    public bool ReadFieldHeader(ref short lastField, out short id, out byte type)
    {
        var header = ReadByte();
        if (header == ThriftType.Stop)
        {
            id = 0;
            type = ThriftType.Stop;
            return false;
        }

        type = (byte)(header & 0x0F);
        var delta = header >> 4;
        if (delta != 0)
        {
            id = (short)(lastField + delta);
        }
        else
        {
            var value = ReadZigZag32();
            if (value is < short.MinValue or > short.MaxValue)
            {
                ThrowHelper.ThrowThrift("field id out of range", _position);
            }

            id = (short)value;
        }

        lastField = id;
        return true;
    }

    public byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            ThrowHelper.ThrowThrift("unexpected end of data", _position);
        }

        return _data[_position++];
    }

    public int ReadI32() => ReadZigZag32();

    public long ReadI64()
    {
        var raw = ReadVarint64();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public double ReadDouble()
    {
        if (_data.Length - _position < 8)
        {
            ThrowHelper.ThrowThrift("unexpected end of data", _position);
        }

        var value = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBinary()
    {
        var length = ReadVarint64();
        if (length > (ulong)(_data.Length - _position))
        {
            ThrowHelper.ThrowThrift($"binary length {length} runs past the end", _position);
        }

        var value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    public string ReadString()
    {
        var start = _position;
        var bytes = ReadBinary();
        if (!Utf8.IsValid(bytes))
        {
            ThrowHelper.ThrowThrift("string is not valid UTF-8", start);
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads a list (or set) header; the element count is checked against the bytes left.</summary>
    public int ReadListHeader(out byte elementType)
    {
        var header = ReadByte();
        elementType = (byte)(header & 0x0F);
        var count = (ulong)(header >> 4);
        if (count == 15)
        {
            count = ReadVarint64();
        }

        // Every element takes at least one byte, so a larger count is corrupt (and must not size an allocation).
        if (count > (ulong)(_data.Length - _position))
        {
            ThrowHelper.ThrowThrift($"list of {count} elements runs past the end", _position);
        }

        return (int)count;
    }

    /// <summary>Reads a bool list element: Java and C++ write 1 for true, others 0/2; anything but 1 is false.</summary>
    public bool ReadBoolElement() => ReadByte() == 1;

    /// <summary>Skips a value of the given type, including nested structs and containers.</summary>
    public void Skip(byte type, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            ThrowHelper.ThrowThrift("nesting too deep", _position);
        }

        switch (type)
        {
            case ThriftType.BoolTrue:
            case ThriftType.BoolFalse:
                return;
            case ThriftType.I8:
                ReadByte();
                return;
            case ThriftType.I16:
            case ThriftType.I32:
            case ThriftType.I64:
                ReadVarint64();
                return;
            case ThriftType.Double:
                ReadDouble();
                return;
            case ThriftType.Binary:
                ReadBinary();
                return;
            case ThriftType.Uuid:
                if (_data.Length - _position < 16)
                {
                    ThrowHelper.ThrowThrift("unexpected end of data", _position);
                }

                _position += 16;
                return;
            case ThriftType.List:
            case ThriftType.Set:
                {
                    var count = ReadListHeader(out var elementType);
                    for (var i = 0; i < count; i++)
                    {
                        SkipElement(elementType, depth + 1);
                    }

                    return;
                }

            case ThriftType.Map:
                {
                    var count = ReadVarint64();
                    if (count == 0)
                    {
                        return;
                    }

                    if (count > (ulong)(_data.Length - _position))
                    {
                        ThrowHelper.ThrowThrift($"map of {count} entries runs past the end", _position);
                    }

                    var types = ReadByte();
                    for (var i = 0UL; i < count; i++)
                    {
                        SkipElement((byte)(types >> 4), depth + 1);
                        SkipElement((byte)(types & 0x0F), depth + 1);
                    }

                    return;
                }

            case ThriftType.Struct:
                {
                    short last = 0;
                    while (ReadFieldHeader(ref last, out _, out var fieldType))
                    {
                        Skip(fieldType, depth + 1);
                    }

                    return;
                }

            default:
                ThrowHelper.ThrowThrift($"unknown type {type}", _position);
                return;
        }
    }

    private void SkipElement(byte elementType, int depth)
    {
        // Container elements of type bool are one byte each, unlike bool fields.
        if (elementType is ThriftType.BoolTrue or ThriftType.BoolFalse)
        {
            ReadByte();
        }
        else
        {
            Skip(elementType, depth);
        }
    }

    private int ReadZigZag32()
    {
        var raw = ReadVarint64();
        if (raw > uint.MaxValue)
        {
            ThrowHelper.ThrowThrift("32-bit varint out of range", _position);
        }

        var value = (uint)raw;
        return (int)(value >> 1) ^ -(int)(value & 1);
    }

    private ulong ReadVarint64()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                if (shift == 63 && b > 1)
                {
                    ThrowHelper.ThrowThrift("varint overflows 64 bits", _position);
                }

                return result;
            }
        }

        ThrowHelper.ThrowThrift("varint longer than 10 bytes", _position);
        return 0;
    }
}
