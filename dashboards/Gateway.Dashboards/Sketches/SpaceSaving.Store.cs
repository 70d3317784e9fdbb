namespace Gateway.Dashboards.Sketches;

// What the rollup store needs beyond counting: copies for snapshots, the bytes a sketch holds, and adds that take no memory.
public sealed partial class SpaceSaving
{
    // Object header and fields.
    private const int ObjectBytes = 96;
    // The dictionary object and its two arrays' headers.
    private const int DictionaryBytes = 80 + 48;
    // Per slot: item reference, count, error, heap and position entries; per dictionary slot: bucket and entry (hash, next, key, value).
    private const int SlotBytes = 8 + 8 + 8 + 4 + 4;
    private const int DictionarySlotBytes = 4 + 24;

    // A copy of every array and the index, so snapshots copying thousands of sketches under a lock stay quick.
    private SpaceSaving(SpaceSaving source)
    {
        _capacity = source._capacity;
        _items = (string[])source._items.Clone();
        _counts = (long[])source._counts.Clone();
        _errors = (long[])source._errors.Clone();
        _heap = (int[])source._heap.Clone();
        _position = (int[])source._position.Clone();
        _slots = source._slots is null ? null : new Dictionary<string, int>(source._slots, StringComparer.Ordinal);
        _size = source._size;
        _total = source._total;
        _itemBytes = source._itemBytes;
    }

    /// <summary>Bytes this sketch holds on the heap: arrays, dictionary and the items' strings.</summary>
    internal long ApproximateBytes =>
        ObjectBytes + (5 * 24) + ((long)_items.Length * SlotBytes) + (_slots is null ? 0 : DictionaryBytes + ((long)_slots.EnsureCapacity(0) * DictionarySlotBytes)) + _itemBytes;

    /// <summary>
    /// The most <see cref="ApproximateBytes"/> of a sketch of <paramref name="capacity"/> can grow by one add: its arrays
    /// doubling, its dictionary resizing and a new item of the longest length.
    /// </summary>
    internal static long MaxGrowth(int capacity) =>
        ((long)capacity * SlotBytes) + DictionaryBytes + (3L * capacity * DictionarySlotBytes) + StringBytes(MaxItemLength) + 256;

    /// <summary>Heap bytes of a string of <paramref name="length"/> chars (header, length, chars and terminator, 8-aligned).</summary>
    internal static long StringBytes(int length) => (22 + (2L * length) + 7) & ~7L;

    /// <summary>Adds <paramref name="count"/> to <paramref name="item"/> only when it is monitored already (which takes no memory); false otherwise.</summary>
    internal bool TryIncrement(ReadOnlySpan<char> item, long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var key = Cut(item);
        if (key.ContainsAnyInRange('\uD800', '\uDFFF') && HasLoneSurrogate(key))
        {
            key = ReplaceLoneSurrogates(key);
        }

        var slot = Find(key);
        if (slot < 0)
        {
            return false;
        }

        _total = checked(_total + count);
        _counts[slot] += count;
        SiftDown(_position[slot]);
        return true;
    }

    /// <summary>A copy that goes on independently.</summary>
    internal SpaceSaving Clone() => new(this);
}
