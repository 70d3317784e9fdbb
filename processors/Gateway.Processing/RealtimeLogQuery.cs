using System.Buffers;
using System.Text;
using Gateway.Processing.Internal;

namespace Gateway.Processing;

/// <summary>
/// The parameters of a logged query string. CloudFront re-encodes the <c>%</c> of the client's own escapes, so
/// the field is decoded once here and each name and value a second time (with <c>+</c> as space) while
/// iterating — exactly twice, never more. Holds a pooled buffer: dispose it.
/// </summary>
public ref struct RealtimeLogQuery
{
    private byte[]? _rented;
    private readonly int _onceLength;

    internal RealtimeLogQuery(ReadOnlySpan<byte> raw, bool isStem)
    {
        if (raw.IsEmpty)
        {
            return;
        }

        // First half: the field decoded once; second half: scratch for the second decode at matching offsets,
        // so a parameter's bytes stay put while it is in use and enumerating again decodes from the same input.
        _rented = ArrayPool<byte>.Shared.Rent(raw.Length * 2);
        var once = PercentCoding.Decode(raw, _rented, plusIsSpace: false);
        var start = 0;
        if (isStem)
        {
            // In real-time logs cs-uri-stem is the whole request target; only what follows '?' is the query.
            var question = _rented.AsSpan(0, once).IndexOf((byte)'?');
            start = question < 0 ? once : question + 1;
        }

        QueryOffset = start;
        _onceLength = once;
        ScratchOffset = raw.Length;
    }

    /// <summary>The query as the client sent it (decoded once), without any leading path or <c>?</c>.</summary>
    public readonly ReadOnlySpan<byte> DecodedOnce => _rented is null ? [] : _rented.AsSpan(QueryOffset, _onceLength - QueryOffset);

    private int QueryOffset { get; }

    private int ScratchOffset { get; }

    /// <summary>Iterates the parameters in order; empty pieces (<c>a=1&amp;&amp;b=2</c>) are skipped.</summary>
    public readonly Enumerator GetEnumerator() => _rented is null
        ? default
        : new Enumerator(_rented.AsSpan(QueryOffset, _onceLength - QueryOffset), _rented.AsSpan(ScratchOffset + QueryOffset, _onceLength - QueryOffset));

    /// <summary>The first value of <paramref name="name"/> (UTF-8), decoded, or null when absent.</summary>
    public readonly string? GetFirst(ReadOnlySpan<byte> name)
    {
        foreach (var parameter in this)
        {
            if (parameter.Name.SequenceEqual(name))
            {
                return parameter.GetValue();
            }
        }

        return null;
    }

    /// <summary>Returns the pooled buffer; spans handed out before are invalid afterwards.</summary>
    public void Dispose()
    {
        var rented = _rented;
        _rented = null;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Walks <c>name=value</c> pairs, decoding each into scratch at the offset it had in the input.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _once;
        private readonly Span<byte> _scratch;
        private int _position;

        internal Enumerator(ReadOnlySpan<byte> once, Span<byte> scratch)
        {
            _once = once;
            _scratch = scratch;
        }

        /// <summary>The current parameter; its spans stay valid until the query is disposed.</summary>
        public QueryParameter Current { get; private set; }

        /// <summary>Moves to the next non-empty piece.</summary>
        public bool MoveNext()
        {
            while (_position < _once.Length)
            {
                var start = _position;
                var length = _once[start..].IndexOf((byte)'&');
                length = length < 0 ? _once.Length - start : length;
                _position = start + length + 1;
                if (length == 0)
                {
                    continue;
                }

                var piece = _once.Slice(start, length);
                var equals = piece.IndexOf((byte)'=');
                var nameLength = equals < 0 ? length : equals;
                var name = Decode(piece[..nameLength], start);
                var value = equals < 0 ? [] : Decode(piece[(equals + 1)..], start + equals + 1);
                Current = new QueryParameter(name, value, hasValue: equals >= 0);
                return true;
            }

            return false;
        }

        private readonly ReadOnlySpan<byte> Decode(ReadOnlySpan<byte> encoded, int offset)
        {
            if (!PercentCoding.NeedsDecoding(encoded, plusIsSpace: true))
            {
                return encoded;
            }

            var written = PercentCoding.Decode(encoded, _scratch[offset..], plusIsSpace: true);
            return _scratch.Slice(offset, written);
        }
    }
}

/// <summary>One query parameter, decoded twice, as UTF-8 bytes (validated when the line was parsed).</summary>
public readonly ref struct QueryParameter(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool hasValue)
{
    /// <summary>The decoded name.</summary>
    public ReadOnlySpan<byte> Name { get; } = name;

    /// <summary>The decoded value; empty for <c>a=</c> and for a bare <c>a</c>.</summary>
    public ReadOnlySpan<byte> Value { get; } = value;

    /// <summary>Whether the piece had an <c>=</c> (<c>a=</c> rather than <c>a</c>).</summary>
    public bool HasValue { get; } = hasValue;

    /// <summary>The name as a string.</summary>
    public string GetName() => Encoding.UTF8.GetString(Name);

    /// <summary>The value as a string.</summary>
    public string GetValue() => Encoding.UTF8.GetString(Value);

    /// <inheritdoc/>
    public override string ToString() => HasValue ? $"{GetName()}={GetValue()}" : GetName();
}
