using System.Text;

namespace Gateway.Processing.Internal;

/// <summary>
/// Hands out one shared string per distinct short UTF-8 value (pixel ids, event names, countries, edge locations), so
/// values that repeat on every hit cost no allocation. Bounded: once full, new values are returned as fresh strings.
/// Thread-safe.
/// </summary>
internal sealed class StringPool
{
    /// <summary>Values longer than this many bytes are never pooled: they rarely repeat.</summary>
    public const int MaxPooledBytes = 64;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private readonly Lock _gate = new();

    public StringPool(int capacity)
    {
        _capacity = capacity;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The pooled string for <paramref name="utf8"/> (valid UTF-8); empty input gives the empty string.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxPooledBytes];
        var length = Encoding.UTF8.GetChars(utf8, chars);
        return Get(chars[..length]);
    }

    /// <summary>The pooled string equal to <paramref name="chars"/>.</summary>
    public string Get(ReadOnlySpan<char> chars)
    {
        lock (_gate)
        {
            if (_lookup.TryGetValue(chars, out var pooled))
            {
                return pooled;
            }

            var text = chars.ToString();
            if (_strings.Count < _capacity && chars.Length <= MaxPooledBytes)
            {
                _strings.Add(text, text);
            }

            return text;
        }
    }
}
