namespace Gateway.Processing.UserAgents;

/// <summary>
/// A bounded least-recently-used cache in front of <see cref="UserAgentParser"/>, keyed by the exact UA string.
/// Real traffic repeats a few thousand UA strings, so a hit is one dictionary lookup and a relink, with no allocation.
/// </summary>
public sealed class CachingUserAgentParser
{
    /// <summary>Default number of UA strings kept.</summary>
    public const int DefaultCapacity = 10_000;

    private const int None = -1;

    private readonly UserAgentParser _parser;
    private readonly Dictionary<string, int> _index;
    // Entries live in parallel arrays linked by index, so promoting or evicting one never allocates.
    private readonly string[] _keys;
    private readonly UserAgentInfo[] _values;
    private readonly int[] _previous;
    private readonly int[] _next;
    // One lock guards the map and the recency list together; a lookup holds it for a few hundred nanoseconds at most.
    private readonly Lock _gate = new();
    private int _head = None;
    private int _tail = None;
    private int _count;
    private long _hits;
    private long _misses;

    /// <summary>Wraps <paramref name="parser"/> with a cache of at most <paramref name="capacity"/> UA strings.</summary>
    public CachingUserAgentParser(UserAgentParser parser, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _parser = parser;
        _index = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _keys = new string[capacity];
        _values = new UserAgentInfo[capacity];
        _previous = new int[capacity];
        _next = new int[capacity];
    }

    /// <summary>Maximum number of UA strings kept.</summary>
    public int Capacity => _keys.Length;

    /// <summary>UA strings currently cached.</summary>
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

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that had to run the regexes.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Parses <paramref name="userAgent"/>, from the cache when it was seen recently.</summary>
    public UserAgentInfo Parse(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            // Not worth a slot: the parser answers these without running a regex.
            return _parser.Parse(userAgent);
        }

        lock (_gate)
        {
            if (_index.TryGetValue(userAgent, out var slot))
            {
                MoveToFront(slot);
                _hits++;
                return _values[slot];
            }
        }

        // Parse outside the lock so a slow miss never blocks hits on other threads; two threads missing on the same
        // string both parse it and the second insert keeps the first result.
        Interlocked.Increment(ref _misses);
        var parsed = _parser.Parse(userAgent);
        lock (_gate)
        {
            if (_index.TryGetValue(userAgent, out var slot))
            {
                MoveToFront(slot);
                return _values[slot];
            }

            Insert(userAgent, parsed);
        }

        return parsed;
    }

    /// <summary>Whether <paramref name="userAgent"/> is cached, without touching its recency or the counters.</summary>
    public bool Contains(string userAgent)
    {
        lock (_gate)
        {
            return _index.ContainsKey(userAgent);
        }
    }

    private void Insert(string key, UserAgentInfo value)
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
