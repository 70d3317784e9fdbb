using System.Buffers;

namespace Gateway.Processing.Internal;

/// <summary>An append-only byte buffer on <see cref="ArrayPool{T}"/> arrays that keeps its capacity across <see cref="Clear"/>.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array;
    private int _length;

    public PooledBuffer(int initialCapacity) => _array = ArrayPool<byte>.Shared.Rent(initialCapacity);

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    /// <summary>A span of at least <paramref name="sizeHint"/> writable bytes after the written ones.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        if (_array.Length - _length < sizeHint)
        {
            Grow(sizeHint);
        }

        return _array.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Write(byte value)
    {
        GetSpan(1)[0] = value;
        _length++;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void WriteVarint(ulong value) => _length += KplWire.WriteVarint(GetSpan(10), value);

    public void Clear() => _length = 0;

    public void Dispose()
    {
        var array = _array;
        _array = [];
        _length = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private void Grow(int sizeHint)
    {
        // Doubling keeps appends amortised O(1); an aggregate stops growing once it reaches its target size.
        var needed = checked(_length + sizeHint);
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _length).CopyTo(next);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = next;
    }
}
