using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Gateway.Parquet.Internal;

/// <summary>Thrift compact protocol type nibbles (thrift-compact-protocol.md).</summary>
internal static class ThriftType
{
    public const byte Stop = 0;
    public const byte BoolTrue = 1;
    public const byte BoolFalse = 2;
    public const byte I8 = 3;
    public const byte I16 = 4;
    public const byte I32 = 5;
    public const byte I64 = 6;
    public const byte Double = 7;
    public const byte Binary = 8;
    public const byte List = 9;
    public const byte Set = 10;
    public const byte Map = 11;
    public const byte Struct = 12;
    public const byte Uuid = 13;
}

/// <summary>Field ids of the nested structs the writer tracks; deep enough for FileMetaData's deepest path.</summary>
[InlineArray(16)]
internal struct FieldIdStack
{
    private short _element0;
}

/// <summary>
/// Writes Thrift compact protocol structs into a <see cref="PooledBuffer{T}"/>. Field ids must be written in ascending
/// order inside each struct to keep the one-byte field header (the long form is used otherwise, as the protocol allows).
/// </summary>
internal ref struct ThriftCompactWriter
{
    private readonly PooledBuffer<byte> _output;
    private FieldIdStack _stack;
    private int _depth;
    private short _lastField;

    public ThriftCompactWriter(PooledBuffer<byte> output)
    {
        _output = output;
    }

    public void WriteI32(short id, int value)
    {
        FieldHeader(id, ThriftType.I32);
        WriteVarint(ZigZag(value));
    }

    public void WriteI64(short id, long value)
    {
        FieldHeader(id, ThriftType.I64);
        WriteVarint(ZigZag(value));
    }

    public void WriteBool(short id, bool value) => FieldHeader(id, value ? ThriftType.BoolTrue : ThriftType.BoolFalse);

    public void WriteDouble(short id, double value)
    {
        FieldHeader(id, ThriftType.Double);
        BinaryPrimitives.WriteDoubleLittleEndian(_output.GetSpan(8), value);
        _output.Advance(8);
    }

    public void WriteBinary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, ThriftType.Binary);
        WriteBinaryElement(value);
    }

    public void WriteString(short id, string value)
    {
        FieldHeader(id, ThriftType.Binary);
        WriteStringElement(value);
    }

    /// <summary>Starts a struct-typed field; end it with <see cref="EndStruct"/>.</summary>
    public void BeginStruct(short id)
    {
        FieldHeader(id, ThriftType.Struct);
        Push();
    }

    /// <summary>Starts a struct that is a list element (no field header); end it with <see cref="EndStruct"/>.</summary>
    public void BeginStructElement() => Push();

    /// <summary>Writes the stop byte of the current struct and returns to the enclosing one.</summary>
    public void EndStruct()
    {
        _output.Add(ThriftType.Stop);
        if (_depth > 0)
        {
            _lastField = _stack[--_depth];
        }
    }

    public void BeginList(short id, byte elementType, int count)
    {
        FieldHeader(id, ThriftType.List);
        WriteListHeader(elementType, count);
    }

    public void WriteListHeader(byte elementType, int count)
    {
        if (count < 15)
        {
            _output.Add((byte)((count << 4) | elementType));
        }
        else
        {
            _output.Add((byte)(0xF0 | elementType));
            WriteVarint((uint)count);
        }
    }

    public void WriteI32Element(int value) => WriteVarint(ZigZag(value));

    public void WriteBinaryElement(ReadOnlySpan<byte> value)
    {
        WriteVarint((uint)value.Length);
        _output.AddRange(value);
    }

    public void WriteStringElement(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint((uint)length);
        Encoding.UTF8.GetBytes(value, _output.GetSpan(length));
        _output.Advance(length);
    }

    public void FieldHeader(short id, byte type)
    {
        var delta = id - _lastField;
        if (delta is > 0 and <= 15)
        {
            _output.Add((byte)((delta << 4) | type));
        }
        else
        {
            _output.Add(type);
            WriteVarint(ZigZag((int)id));
        }

        _lastField = id;
    }

    public void WriteVarint(uint value)
    {
        while (value >= 0x80)
        {
            _output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _output.Add((byte)value);
    }

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _output.Add((byte)value);
    }

    public static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private void Push()
    {
        if (_depth == 16)
        {
            ThrowHelper.ThrowThriftTooDeep();
        }

        _stack[_depth++] = _lastField;
        _lastField = 0;
    }
}
