using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Gateway.Parquet.Internal;

/// <summary>
/// The distinct values of a BYTE_ARRAY column chunk, kept in dictionary-page form (PLAIN: 4-byte length, bytes) with
/// an open-addressing hash index over them, so looking a value up allocates nothing.
/// </summary>
internal sealed class ByteArrayDictionary : IDisposable
{
    private readonly PooledBuffer<byte> _plain = new(16 * 1024);
    private readonly PooledBuffer<int> _starts = new();
    private readonly PooledBuffer<int> _hashes = new();
    private int[] _slots;
    private int _mask;

    public ByteArrayDictionary()
    {
        _slots = ArrayPool<int>.Shared.Rent(256);
        _mask = 255;
        _slots.AsSpan(0, 256).Clear();
    }

    public int Count => _starts.Length;

    /// <summary>The dictionary page body.</summary>
    public ReadOnlySpan<byte> Plain => _plain.Span;

    /// <summary>The bytes of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            var start = _starts[index];
            var plain = _plain.Span;
            return plain.Slice(start, BinaryPrimitives.ReadInt32LittleEndian(plain[(start - 4)..]));
        }
    }

    /// <summary>The PLAIN form (length prefix and bytes) of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> PlainOf(int index)
    {
        var start = _starts[index];
        var plain = _plain.Span;
        return plain.Slice(start - 4, 4 + BinaryPrimitives.ReadInt32LittleEndian(plain[(start - 4)..]));
    }

    /// <summary>The index of <paramref name="value"/>, added at the end when new.</summary>
    public int GetOrAdd(ReadOnlySpan<byte> value)
    {
        var hash = Hash(value);
        var slot = hash & _mask;
        while (true)
        {
            var entry = _slots[slot];
            if (entry == 0)
            {
                break;
            }

            if (_hashes[entry - 1] == hash && this[entry - 1].SequenceEqual(value))
            {
                return entry - 1;
            }

            slot = (slot + 1) & _mask;
        }

        var index = _starts.Length;
        var span = _plain.GetSpan(4 + value.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
        value.CopyTo(span[4..]);
        _plain.Advance(4 + value.Length);
        _starts.Add(_plain.Length - value.Length);
        _hashes.Add(hash);
        _slots[slot] = index + 1;
        if (2 * (index + 1) > _mask + 1)
        {
            Rehash();
        }

        return index;
    }

    /// <summary>Fills <paramref name="order"/> with the entry indices sorted unsigned byte-wise and <paramref name="ranks"/> with each entry's position in it.</summary>
    public void Rank(Span<int> order, Span<int> ranks)
    {
        for (var i = 0; i < Count; i++)
        {
            order[i] = i;
        }

        order[..Count].Sort(new EntryComparer(this));
        for (var i = 0; i < Count; i++)
        {
            ranks[order[i]] = i;
        }
    }

    public void Clear()
    {
        _plain.Clear();
        _starts.Clear();
        _hashes.Clear();
        _slots.AsSpan(0, _mask + 1).Clear();
    }

    public void Dispose()
    {
        _plain.Dispose();
        _starts.Dispose();
        _hashes.Dispose();
        var slots = _slots;
        _slots = [];
        if (slots.Length > 0)
        {
            ArrayPool<int>.Shared.Return(slots);
        }
    }

    /// <summary>A fast non-cryptographic hash (multiply-rotate over 8-byte words, murmur finalizer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> data)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        var hash = (ulong)data.Length * Multiplier;
        while (data.Length >= 8)
        {
            hash = BitOperations.RotateLeft((hash ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * Multiplier, 31);
            data = data[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        hash = (hash ^ tail) * Multiplier;
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        return (int)hash & int.MaxValue;
    }

    private void Rehash()
    {
        var capacity = (_mask + 1) * 2;
        var slots = ArrayPool<int>.Shared.Rent(capacity);
        slots.AsSpan(0, capacity).Clear();
        var mask = capacity - 1;
        var hashes = _hashes.Span;
        for (var i = 0; i < hashes.Length; i++)
        {
            var slot = hashes[i] & mask;
            while (slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            slots[slot] = i + 1;
        }

        ArrayPool<int>.Shared.Return(_slots);
        _slots = slots;
        _mask = mask;
    }

    private readonly struct EntryComparer(ByteArrayDictionary dictionary) : IComparer<int>
    {
        public int Compare(int x, int y) => dictionary[x].SequenceCompareTo(dictionary[y]);
    }
}
