namespace Gateway.Dashboards.Sketches;

/// <summary>
/// The space-saving top-k sketch (Metwally, Agrawal, El Abbadi 2005, "Efficient computation of frequent and top-k
/// elements in data streams") for top referrers and pages: at most <see cref="Capacity"/> counters, O(log k) per update.
/// </summary>
/// <remarks>
/// <para>Guarantees, with N = <see cref="TotalCount"/> and k = <see cref="Capacity"/>: every reported count is at least
/// the item's true count and exceeds it by at most the reported error, which is at most N/k; every item whose true count
/// is above N/k is monitored; while no more than k distinct items were added, counts are exact and errors zero.</para>
/// <para>Update: an item already monitored gets its count raised; a new item takes a free counter, or else replaces the
/// counter with the smallest count c, inheriting count c + weight and error c. Counters sit in a min-heap ordered by
/// count, then by item in descending ordinal order, so which counter is replaced among equal counts depends only on the
/// sketch's contents: a sketch read back with <see cref="FromBytes"/> goes on exactly like the original.</para>
/// <para>Items are cut to <see cref="MaxItemLength"/> UTF-16 units (never inside a surrogate pair) and lone surrogates
/// become U+FFFD, so items that differ only past the cut count as one and every item survives UTF-8 serialization.
/// Memory is bounded by the capacity: counters are allocated as they are first used, starting with four, and up to
/// eight items are found by a linear search with no dictionary, so a sketch that sees a handful of items stays small.
/// Not thread-safe.</para>
/// </remarks>
public sealed partial class SpaceSaving
{
    /// <summary>Items are cut to this many UTF-16 units (a referrer host or page path longer than this is noise).</summary>
    public const int MaxItemLength = 256;

    /// <summary>The largest capacity accepted, which also bounds what <see cref="FromBytes"/> allocates.</summary>
    public const int MaxCapacity = 65_536;

    private const int InitialSlots = 4;
    // Below this many items a linear search is as fast as a hash lookup, and costs no dictionary.
    private const int IndexFrom = 8;

    private readonly int _capacity;
    // Item → slot, once there are IndexFrom items; null before.
    private Dictionary<string, int>? _slots;
    // Counters live in parallel arrays indexed by slot; _heap orders slots and _position maps a slot to its heap index.
    private string[] _items;
    private long[] _counts;
    private long[] _errors;
    private int[] _heap;
    private int[] _position;
    private int _size;
    private long _total;
    // Heap bytes of the monitored items' strings.
    private long _itemBytes;

    /// <summary>An empty sketch with <paramref name="capacity"/> counters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The capacity is outside 1..<see cref="MaxCapacity"/>.</exception>
    public SpaceSaving(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _capacity = capacity;
        var initial = Math.Min(capacity, InitialSlots);
        _items = new string[initial];
        _counts = new long[initial];
        _errors = new long[initial];
        _heap = new int[initial];
        _position = new int[initial];
    }

    /// <summary>The number of counters k.</summary>
    public int Capacity => _capacity;

    /// <summary>The number of items monitored now (at most <see cref="Capacity"/>).</summary>
    public int Count => _size;

    /// <summary>The total weight N added, merges included.</summary>
    public long TotalCount => _total;

    /// <summary>Adds <paramref name="count"/> occurrences of <paramref name="item"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1.</exception>
    /// <exception cref="OverflowException">The total count would pass <see cref="long.MaxValue"/>.</exception>
    public void Add(string item, long count = 1)
    {
        ArgumentNullException.ThrowIfNull(item);
        _ = Add(item, item, count);
    }

    /// <summary>
    /// Adds <paramref name="count"/> occurrences of <paramref name="item"/>; a string is allocated only for an item not
    /// monitored yet. Returns how much <see cref="ApproximateBytes"/> grew (0 for an item already monitored).
    /// </summary>
    internal long Add(ReadOnlySpan<char> item, long count = 1) => Add(item, null, count);

    private long Add(ReadOnlySpan<char> item, string? original, long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _total = checked(_total + count);
        var key = Cut(item);
        string? repaired = null;
        if (key.ContainsAnyInRange('\uD800', '\uDFFF') && HasLoneSurrogate(key))
        {
            repaired = ReplaceLoneSurrogates(key);
            key = repaired;
        }

        var slot = Find(key);
        if (slot >= 0)
        {
            // No counter exceeds the total, which was checked above.
            _counts[slot] += count;
            SiftDown(_position[slot]);
            return 0;
        }

        var before = ApproximateBytes;
        var stored = repaired ?? (original is not null && key.Length == original.Length ? original : key.ToString());
        _itemBytes += StringBytes(stored.Length);
        if (_size < _capacity)
        {
            slot = _size++;
            EnsureSlots(_size);
            _items[slot] = stored;
            _counts[slot] = count;
            _errors[slot] = 0;
            _heap[slot] = slot;
            if (_slots is not null)
            {
                _slots.Add(stored, slot);
            }
            else if (_size == IndexFrom)
            {
                BuildIndex();
            }

            SiftUp(slot);
            return ApproximateBytes - before;
        }

        slot = _heap[0];
        var minimum = _counts[slot];
        _slots?.Remove(_items[slot]);
        _itemBytes -= StringBytes(_items[slot].Length);
        _items[slot] = stored;
        _counts[slot] = minimum + count;
        _errors[slot] = minimum;
        _slots?.Add(stored, slot);
        SiftDown(0);
        return ApproximateBytes - before;
    }

    /// <summary>The <paramref name="n"/> monitored items with the highest counts, by count descending, then by item (ordinal).</summary>
    public IReadOnlyList<SpaceSavingEntry> Top(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var entries = Entries();
        return entries.Length <= n ? entries : entries[..n];
    }

    /// <summary>
    /// Folds <paramref name="other"/> (same capacity) into this sketch, which then summarizes both streams with the same
    /// guarantees for their combined total.
    /// </summary>
    /// <remarks>
    /// <para>Method: the merge of the parallel space-saving algorithm (Cafaro, Pulimeno, Tempesta 2016). Each item of
    /// either sketch gets the sum of its counts and of its errors in both; where a sketch does not monitor the item, that
    /// sketch's smallest count stands in for both (0 when the sketch is not full, since it then saw every item). The k
    /// largest counts are kept.</para>
    /// <para>Why the guarantees hold: an item a full sketch does not monitor occurred at most its smallest count times
    /// there, so summed counts still never underestimate and count − error never overestimates. Over any k distinct
    /// items, one sketch contributes at most the sum of its own counters, which is at most its total; so the k counters
    /// kept sum to at most N, an item above N/k cannot lose to k others, and every error stays at most N/k. These are the
    /// same bounds the mergeable-summaries analysis (Agarwal et al. 2012) gives for counter-based summaries.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">The sketches have different capacities.</exception>
    public void Merge(SpaceSaving other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._capacity != _capacity)
        {
            // With fewer counters on one side the sum argument above no longer bounds the kept counts.
            throw new ArgumentException($"Cannot merge a space-saving sketch of capacity {other._capacity} into one of capacity {_capacity}.", nameof(other));
        }

        var total = checked(_total + other._total);
        var mineMissing = MinimumIfFull();
        var theirsMissing = other.MinimumIfFull();
        var combined = new List<SpaceSavingEntry>(_size + other._size);
        for (var slot = 0; slot < _size; slot++)
        {
            var item = _items[slot];
            var theirs = other.Find(item);
            var (count, error) = theirs >= 0 ? (other._counts[theirs], other._errors[theirs]) : (theirsMissing, theirsMissing);
            combined.Add(new SpaceSavingEntry(item, _counts[slot] + count, _errors[slot] + error));
        }

        for (var slot = 0; slot < other._size; slot++)
        {
            var item = other._items[slot];
            if (Find(item) < 0)
            {
                combined.Add(new SpaceSavingEntry(item, other._counts[slot] + mineMissing, other._errors[slot] + mineMissing));
            }
        }

        combined.Sort(Ranking);
        if (combined.Count > _capacity)
        {
            combined.RemoveRange(_capacity, combined.Count - _capacity);
        }

        Load(combined, total);
    }

    internal static ReadOnlySpan<char> Cut(ReadOnlySpan<char> item)
    {
        if (item.Length <= MaxItemLength)
        {
            return item;
        }

        // Cutting between the halves of a surrogate pair would leave a lone high surrogate.
        return item[..(char.IsHighSurrogate(item[MaxItemLength - 1]) ? MaxItemLength - 1 : MaxItemLength)];
    }

    private static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string ReplaceLoneSurrogates(ReadOnlySpan<char> text)
    {
        var chars = text.ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string Shorten(string item) => item.Length <= 40 ? item : item[..40] + "…";

    private static int Ranking(SpaceSavingEntry a, SpaceSavingEntry b)
    {
        var byCount = b.Count.CompareTo(a.Count);
        return byCount != 0 ? byCount : string.CompareOrdinal(a.Item, b.Item);
    }

    private SpaceSavingEntry[] Entries()
    {
        var entries = new SpaceSavingEntry[_size];
        for (var slot = 0; slot < _size; slot++)
        {
            entries[slot] = new SpaceSavingEntry(_items[slot], _counts[slot], _errors[slot]);
        }

        Array.Sort(entries, Ranking);
        return entries;
    }

    // The slot monitoring key, or -1.
    private int Find(ReadOnlySpan<char> key)
    {
        if (_slots is { } slots)
        {
            return slots.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var found) ? found : -1;
        }

        for (var slot = 0; slot < _size; slot++)
        {
            if (key.SequenceEqual(_items[slot]))
            {
                return slot;
            }
        }

        return -1;
    }

    private void BuildIndex()
    {
        _slots = new Dictionary<string, int>(_size * 2, StringComparer.Ordinal);
        for (var slot = 0; slot < _size; slot++)
        {
            _slots.Add(_items[slot], slot);
        }
    }

    // The count an unmonitored item can have reached: the smallest counter once all k are used, 0 before.
    private long MinimumIfFull() => _size == _capacity ? _counts[_heap[0]] : 0;

    private void Load(List<SpaceSavingEntry> entries, long total)
    {
        _slots = null;
        _size = 0;
        _itemBytes = 0;
        EnsureSlots(entries.Count);
        foreach (var entry in entries)
        {
            _itemBytes += StringBytes(entry.Item.Length);
            var slot = _size++;
            _items[slot] = entry.Item;
            _counts[slot] = entry.Count;
            _errors[slot] = entry.Error;
            _heap[slot] = slot;
            _position[slot] = slot;
        }

        if (_size >= IndexFrom)
        {
            BuildIndex();
        }

        Array.Clear(_items, _size, _items.Length - _size);
        for (var i = (_size / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }

        _total = total;
    }

    private void EnsureSlots(int needed)
    {
        if (needed <= _items.Length)
        {
            return;
        }

        var length = (int)Math.Min((long)_capacity, Math.Max(needed, 2L * _items.Length));
        Array.Resize(ref _items, length);
        Array.Resize(ref _counts, length);
        Array.Resize(ref _errors, length);
        Array.Resize(ref _heap, length);
        Array.Resize(ref _position, length);
    }

    // True when slot a is replaced before slot b: a smaller count, or an equal count and a later item in ordinal order.
    private bool EvictedBefore(int a, int b)
    {
        var ca = _counts[a];
        var cb = _counts[b];
        return ca < cb || (ca == cb && string.CompareOrdinal(_items[a], _items[b]) > 0);
    }

    private void SiftUp(int index)
    {
        var slot = _heap[index];
        while (index > 0)
        {
            var parentIndex = (index - 1) / 2;
            var parent = _heap[parentIndex];
            if (!EvictedBefore(slot, parent))
            {
                break;
            }

            _heap[index] = parent;
            _position[parent] = index;
            index = parentIndex;
        }

        _heap[index] = slot;
        _position[slot] = index;
    }

    private void SiftDown(int index)
    {
        var slot = _heap[index];
        while (true)
        {
            var childIndex = (2 * index) + 1;
            if (childIndex >= _size)
            {
                break;
            }

            if (childIndex + 1 < _size && EvictedBefore(_heap[childIndex + 1], _heap[childIndex]))
            {
                childIndex++;
            }

            var child = _heap[childIndex];
            if (!EvictedBefore(child, slot))
            {
                break;
            }

            _heap[index] = child;
            _position[child] = index;
            index = childIndex;
        }

        _heap[index] = slot;
        _position[slot] = index;
    }
}
