using System.Buffers;
using System.Text;

namespace Gateway.Processing.Internal;

/// <summary>Query parameters copied as UTF-8 into one pooled array, addressable by index; dispose to return the arrays.</summary>
internal struct ParameterBuffer : IDisposable
{
    private byte[] _bytes;
    private int[] _ranges;
    private int _length;

    public ParameterBuffer(int byteCapacity, int parameterCapacity)
    {
        _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(byteCapacity, 64));
        _ranges = ArrayPool<int>.Shared.Rent(Math.Max(parameterCapacity, 4) * 4);
    }

    public int Count { get; private set; }

    public readonly ReadOnlySpan<byte> Name(int index) => _bytes.AsSpan(_ranges[index * 4], _ranges[(index * 4) + 1]);

    public readonly ReadOnlySpan<byte> Value(int index) => _bytes.AsSpan(_ranges[(index * 4) + 2], _ranges[(index * 4) + 3]);

    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Reserve(name.Length + value.Length);
        var nameAt = Append(name);
        var valueAt = Append(value);
        SetRange(nameAt, name.Length, valueAt, value.Length);
    }

    /// <summary>Adds a string pair; lone surrogates become U+FFFD, as <see cref="Encoding.UTF8"/> writes them.</summary>
    public void Add(string name, string value)
    {
        Reserve(Encoding.UTF8.GetMaxByteCount(name.Length) + Encoding.UTF8.GetMaxByteCount(value.Length));
        var nameAt = _length;
        _length += Encoding.UTF8.GetBytes(name, _bytes.AsSpan(_length));
        var valueAt = _length;
        _length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(_length));
        SetRange(nameAt, valueAt - nameAt, valueAt, _length - valueAt);
    }

    public void Dispose()
    {
        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            ArrayPool<int>.Shared.Return(_ranges);
            _bytes = null!;
            _ranges = null!;
        }
    }

    private int Append(ReadOnlySpan<byte> bytes)
    {
        var at = _length;
        bytes.CopyTo(_bytes.AsSpan(at));
        _length += bytes.Length;
        return at;
    }

    private void SetRange(int nameAt, int nameLength, int valueAt, int valueLength)
    {
        if ((Count + 1) * 4 > _ranges.Length)
        {
            var larger = ArrayPool<int>.Shared.Rent(_ranges.Length * 2);
            _ranges.AsSpan(0, Count * 4).CopyTo(larger);
            ArrayPool<int>.Shared.Return(_ranges);
            _ranges = larger;
        }

        var at = Count * 4;
        _ranges[at] = nameAt;
        _ranges[at + 1] = nameLength;
        _ranges[at + 2] = valueAt;
        _ranges[at + 3] = valueLength;
        Count++;
    }

    private void Reserve(int more)
    {
        if (_length + more <= _bytes.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + more));
        _bytes.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = larger;
    }
}
