using System.Collections.Concurrent;
using System.Text;

namespace Gateway.Processing.Internal;

/// <summary>
/// Hands out one shared string per distinct short UTF-8 value (pixel ids, event names, countries, edge locations), so
/// values that repeat on every hit cost no allocation. Bounded: once full, new values are returned as fresh strings.
/// Thread-safe; a hit takes no lock.
/// </summary>
internal sealed class StringPool
{
    /// <summary>Values longer than this many bytes are never pooled: they rarely repeat.</summary>
    public const int MaxPooledBytes = 64;

    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    // ConcurrentDictionary.Count takes every lock, so admissions are counted here (a race may admit a few past the bound).
    private int _count;

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
        if (_lookup.TryGetValue(chars, out var pooled))
        {
            return pooled;
        }

        var text = chars.ToString();
        if (Volatile.Read(ref _count) < _capacity && chars.Length <= MaxPooledBytes)
        {
            var stored = _strings.GetOrAdd(text, text);
            if (ReferenceEquals(stored, text))
            {
                Interlocked.Increment(ref _count);
            }

            return stored;
        }

        return text;
    }
}
