using System.Buffers;
using System.Runtime.CompilerServices;

namespace Gateway.Parquet.Internal;

/// <summary>
/// A growable list of unmanaged values over arrays rented from <see cref="ArrayPool{T}.Shared"/>; the column buffers
/// of an open row group and the scratch space of page encoding. Not thread-safe; <see cref="Dispose"/> returns the array.
/// </summary>
internal sealed class PooledBuffer<T> : IDisposable
    where T : unmanaged
{
    private T[] _items;
    private int _length;

    public PooledBuffer(int initialCapacity = 256)
    {
        _items = ArrayPool<T>.Shared.Rent(Math.Max(16, initialCapacity));
    }

    public int Length => _length;

    public Span<T> Span => _items.AsSpan(0, _length);

    public ReadOnlyMemory<T> Memory => _items.AsMemory(0, _length);

    public ref T this[int index] => ref _items[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T item)
    {
        var items = _items;
        var length = _length;
        if ((uint)length < (uint)items.Length)
        {
            items[length] = item;
            _length = length + 1;
        }
        else
        {
            AddWithResize(item);
        }
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        items.CopyTo(GetSpan(items.Length));
        _length += items.Length;
    }

    /// <summary>A span of at least <paramref name="size"/> free items at the end; commit what was used with <see cref="Advance"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> GetSpan(int size)
    {
        if (_items.Length - _length < size)
        {
            Grow(size);
        }

        return _items.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Truncate(int length) => _length = length;

    public void Clear() => _length = 0;

    public void Dispose()
    {
        var items = _items;
        _items = [];
        _length = 0;
        if (items.Length > 0)
        {
            ArrayPool<T>.Shared.Return(items);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AddWithResize(T item)
    {
        Grow(1);
        _items[_length++] = item;
    }

    private void Grow(int extra)
    {
        var needed = (long)_length + extra;
        if (needed > Array.MaxLength)
        {
            ThrowHelper.ThrowBufferTooLarge(needed);
        }

        var capacity = (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(256L, 2L * _items.Length)));
        var next = ArrayPool<T>.Shared.Rent(capacity);
        _items.AsSpan(0, _length).CopyTo(next);
        var old = _items;
        _items = next;
        if (old.Length > 0)
        {
            ArrayPool<T>.Shared.Return(old);
        }
    }
}
