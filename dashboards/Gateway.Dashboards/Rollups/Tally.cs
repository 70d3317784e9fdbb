using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Rollups;

/// <summary>
/// Counts per value of one dimension (browser, country, …) in one bucket, bounded: past <see cref="Capacity"/> distinct
/// values, new ones are counted under <see cref="Other"/>, so a flood of made-up values cannot grow memory.
/// </summary>
/// <remarks>Up to sixteen values sit in two small arrays searched in order (most tallies of a minute hold a handful), more
/// in a dictionary. <see cref="Other"/> is a plain counter, so folding a value into it never allocates (the rollup store
/// relies on that once its memory budget is reached).</remarks>
public sealed class Tally
{
    /// <summary>The value that collects what did not fit, and events without a value are <see cref="Unknown"/>.</summary>
    public const string Other = "(other)";

    /// <summary>The value of an event that has none for this dimension.</summary>
    public const string Unknown = "(unknown)";

    /// <summary>Longest value kept, in characters; longer ones are cut.</summary>
    public const int MaxValueLength = 128;

    private const int SmallLimit = 16;
    // Object header and fields.
    private const int ObjectBytes = 80;
    // Array header; the dictionary object and its arrays' headers, and per dictionary slot a bucket and an entry.
    private const int ArrayBytes = 24;
    private const int DictionaryBytes = 80 + 48;
    private const int DictionarySlotBytes = 4 + 24;

    // Small form: the first _count entries of two parallel arrays.
    private string[] _keys = [];
    private long[] _values = [];
    private int _count;
    // Large form, once there are more than SmallLimit values; the arrays are dropped.
    private Dictionary<string, long>? _map;
    private long _other;
    private bool _hasOther;
    // Heap bytes of the keys' strings this tally pays for.
    private long _keyBytes;

    /// <summary>A tally of at most <paramref name="capacity"/> distinct values (plus <see cref="Other"/>).</summary>
    public Tally(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most distinct values kept.</summary>
    public int Capacity { get; }

    /// <summary>The counts, by value (<see cref="Other"/> included once anything was counted under it); a copy.</summary>
    public IReadOnlyDictionary<string, long> Counts
    {
        get
        {
            var counts = new Dictionary<string, long>(Distinct + 1, StringComparer.Ordinal);
            foreach (var (value, count) in Entries)
            {
                counts.Add(value, count);
            }

            if (_hasOther)
            {
                counts[Other] = _other;
            }

            return counts;
        }
    }

    /// <summary>The sum of all counts.</summary>
    public long Total { get; private set; }

    /// <summary>Bytes this tally holds on the heap, the key strings it pays for included.</summary>
    internal long ApproximateBytes => ObjectBytes + _keyBytes + (_map is { } map
        ? DictionaryBytes + ((long)map.EnsureCapacity(0) * DictionarySlotBytes)
        : _keys.Length == 0 ? 0 : (2 * ArrayBytes) + (16L * _keys.Length));

    /// <summary>The distinct values kept, <see cref="Other"/> not included.</summary>
    internal int Distinct => _map?.Count ?? _count;

    /// <summary>The values kept and their counts, <see cref="Other"/> not included.</summary>
    internal IEnumerable<KeyValuePair<string, long>> Entries
    {
        get
        {
            if (_map is { } map)
            {
                foreach (var entry in map)
                {
                    yield return entry;
                }

                yield break;
            }

            for (var i = 0; i < _count; i++)
            {
                yield return KeyValuePair.Create(_keys[i], _values[i]);
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> is kept (not under <see cref="Other"/>).</summary>
    internal bool Contains(string value) => Stored(value) is not null;

    /// <summary>What <see cref="Other"/> holds, and whether anything was counted under it.</summary>
    internal (long Count, bool Present) OtherCount => (_other, _hasOther);

    /// <summary>The most <see cref="ApproximateBytes"/> of a tally of <paramref name="capacity"/> can grow by one add: the small arrays, a dictionary or its resize, and a key of the longest length.</summary>
    internal static long MaxGrowth(int capacity) =>
        (2 * ArrayBytes) + (16 * SmallLimit) + DictionaryBytes + (3L * Math.Max(capacity, SmallLimit) * DictionarySlotBytes) + SpaceSaving.StringBytes(MaxValueLength) + 64;

    /// <summary>Counts <paramref name="count"/> for <paramref name="value"/> (null or empty: <see cref="Unknown"/>).</summary>
    public void Add(string? value, long count = 1) => _ = Add(value, count, mayGrow: true, shared: null);

    /// <summary>A copy that goes on independently (plain array copies: snapshots take them under the store's lock).</summary>
    internal Tally Clone() => new(Capacity)
    {
        _keys = _keys.Length == 0 ? [] : (string[])_keys.Clone(),
        _values = _values.Length == 0 ? [] : (long[])_values.Clone(),
        _count = _count,
        _map = _map is null ? null : new Dictionary<string, long>(_map, StringComparer.Ordinal),
        _other = _other,
        _hasOther = _hasOther,
        _keyBytes = _keyBytes,
        Total = Total,
    };

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Merge(Tally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (value, count) in other.Entries)
        {
            Add(value, count);
        }

        if (other._hasOther)
        {
            AddOther(other._other);
        }
    }

    /// <summary>The <paramref name="n"/> largest counts, largest first (ties by value).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Top(int n) =>
        [.. Counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(n)];

    /// <summary>
    /// Counts <paramref name="count"/> for <paramref name="value"/>. With <paramref name="mayGrow"/> off a value not kept
    /// yet goes to <see cref="Other"/>, so the tally takes no more memory. A new value that <paramref name="shared"/>
    /// already keeps is stored as that tally's string and not paid for here: the caller makes sure it outlives this one.
    /// Returns how much <see cref="ApproximateBytes"/> grew (0 unless a value was added).
    /// </summary>
    internal long Add(string? value, long count, bool mayGrow, Tally? shared)
    {
        var key = string.IsNullOrEmpty(value) ? Unknown : value;
        if (key == Other)
        {
            AddOther(count);
            return 0;
        }

        var span = key.Length > MaxValueLength ? key.AsSpan(0, MaxValueLength) : key;
        if (_map is { } map)
        {
            ref var counted = ref CollectionsMarshal.GetValueRefOrNullRef(map.GetAlternateLookup<ReadOnlySpan<char>>(), span);
            if (!Unsafe.IsNullRef(ref counted))
            {
                counted += count;
                Total += count;
                return 0;
            }
        }
        else if (Find(span) is var at and >= 0)
        {
            _values[at] += count;
            Total += count;
            return 0;
        }

        if (!mayGrow || Distinct >= Capacity)
        {
            AddOther(count);
            return 0;
        }

        var before = ApproximateBytes;
        string stored;
        if (shared?.Stored(span) is { } known)
        {
            stored = known;
        }
        else
        {
            stored = span.Length == key.Length ? key : span.ToString();
            // Unknown is one constant for every tally.
            _keyBytes += ReferenceEquals(stored, Unknown) ? 0 : SpaceSaving.StringBytes(stored.Length);
        }

        Insert(stored, count);
        Total += count;
        return ApproximateBytes - before;
    }

    /// <summary>Counts <paramref name="count"/> under <see cref="Other"/>.</summary>
    internal void AddOther(long count)
    {
        _other += count;
        _hasOther = true;
        Total += count;
    }

    // The small-form index of value, or -1.
    private int Find(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < _count; i++)
        {
            if (value.SequenceEqual(_keys[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // The string this tally stores for value, or null.
    private string? Stored(ReadOnlySpan<char> value)
    {
        if (_map is { } map)
        {
            return map.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out var key, out _) ? key : null;
        }

        var at = Find(value);
        return at >= 0 ? _keys[at] : null;
    }

    private void Insert(string key, long count)
    {
        if (_map is { } map)
        {
            map.Add(key, count);
            return;
        }

        if (_count < SmallLimit)
        {
            if (_count == _keys.Length)
            {
                var length = Math.Max(2, 2 * _keys.Length);
                Array.Resize(ref _keys, length);
                Array.Resize(ref _values, length);
            }

            _keys[_count] = key;
            _values[_count] = count;
            _count++;
            return;
        }

        map = new Dictionary<string, long>(2 * SmallLimit, StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
        {
            map.Add(_keys[i], _values[i]);
        }

        map.Add(key, count);
        _map = map;
        _keys = [];
        _values = [];
        _count = 0;
    }
}
