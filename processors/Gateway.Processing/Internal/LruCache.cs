namespace Gateway.Processing.Internal;

/// <summary>
/// A bounded least-recently-used map from strings to values that can be looked up by a span of chars, so a hit costs one
/// hash lookup and a relink and allocates nothing. Thread-safe: one lock guards the map and the recency list together.
/// </summary>
/// <remarks>A miss is computed outside the lock so a slow miss never blocks hits on other threads; two threads missing on
/// the same key both compute it and the first insert wins.</remarks>
internal sealed class LruCache<TValue>
    where TValue : class
{
    private const int None = -1;

    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIndex;
    // Entries live in parallel arrays linked by index, so promoting or evicting one never allocates.
    private readonly string[] _keys;
    private readonly TValue[] _values;
    private readonly int[] _previous;
    private readonly int[] _next;
    private readonly Lock _gate = new();
    private int _head = None;
    private int _tail = None;
    private int _count;
    private long _hits;
    private long _misses;

    public LruCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _index = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _spanIndex = _index.GetAlternateLookup<ReadOnlySpan<char>>();
        _keys = new string[capacity];
        _values = new TValue[capacity];
        _previous = new int[capacity];
        _next = new int[capacity];
    }

    public int Capacity => _keys.Length;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The cached value of <paramref name="key"/>, or the one <paramref name="compute"/> makes from the key's string.</summary>
    public TValue GetOrAdd(ReadOnlySpan<char> key, Func<string, TValue> compute)
    {
        lock (_gate)
        {
            if (_spanIndex.TryGetValue(key, out var slot))
            {
                MoveToFront(slot);
                _hits++;
                return _values[slot];
            }
        }

        return Miss(key.ToString(), compute);
    }

    /// <summary>Same as the span overload, without copying <paramref name="key"/> on a miss.</summary>
    public TValue GetOrAdd(string key, Func<string, TValue> compute)
    {
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var slot))
            {
                MoveToFront(slot);
                _hits++;
                return _values[slot];
            }
        }

        return Miss(key, compute);
    }

    /// <summary>Whether <paramref name="key"/> is cached, without touching its recency or the counters.</summary>
    public bool Contains(string key)
    {
        lock (_gate)
        {
            return _index.ContainsKey(key);
        }
    }

    private TValue Miss(string key, Func<string, TValue> compute)
    {
        Interlocked.Increment(ref _misses);
        var value = compute(key);
        lock (_gate)
        {
            if (_index.TryGetValue(key, out var slot))
            {
                MoveToFront(slot);
                return _values[slot];
            }

            Insert(key, value);
        }

        return value;
    }

    private void Insert(string key, TValue value)
    {
        int slot;
        if (_count < _keys.Length)
        {
            slot = _count++;
        }
        else
        {
            slot = _tail;
            Unlink(slot);
            _index.Remove(_keys[slot]);
        }

        _keys[slot] = key;
        _values[slot] = value;
        _index[key] = slot;
        LinkFront(slot);
    }

    private void MoveToFront(int slot)
    {
        if (slot == _head)
        {
            return;
        }

        Unlink(slot);
        LinkFront(slot);
    }

    private void Unlink(int slot)
    {
        var previous = _previous[slot];
        var next = _next[slot];
        if (previous == None)
        {
            _head = next;
        }
        else
        {
            _next[previous] = next;
        }

        if (next == None)
        {
            _tail = previous;
        }
        else
        {
            _previous[next] = previous;
        }
    }

    private void LinkFront(int slot)
    {
        _previous[slot] = None;
        _next[slot] = _head;
        if (_head != None)
        {
            _previous[_head] = slot;
        }

        _head = slot;
        if (_tail == None)
        {
            _tail = slot;
        }
    }
}
