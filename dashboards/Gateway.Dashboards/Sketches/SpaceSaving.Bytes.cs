using Gateway.Dashboards.Internal;

namespace Gateway.Dashboards.Sketches;

// The serialized form, as the rollup store keeps it.
public sealed partial class SpaceSaving
{
    private const byte FormatVersion = 1;
    private const string FormatName = "space-saving sketch";
    // A UTF-16 unit takes at most 3 UTF-8 bytes (a surrogate pair takes 4 for 2 units).
    private const int MaxItemBytes = MaxItemLength * 3;

    /// <summary>Reads one item where <see cref="Write"/>'s item writer put it; <paramref name="startsAt"/> is where it began, for messages.</summary>
    internal delegate string ItemReader(ref ByteReader reader, out int startsAt);

    /// <summary>
    /// The sketch as bytes: a version byte, then varints for the capacity, the total count and the number of entries,
    /// then per entry (highest count first) the item's UTF-8 length and bytes, its count and its error.
    /// </summary>
    public byte[] ToBytes()
    {
        var writer = new ByteWriter(64);
        Write(writer, static (w, item) => w.String(item));
        return writer.ToArray();
    }

    /// <summary>Reads a sketch written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a valid sketch (including contents no sequence of adds and
    /// merges can produce); the message says which part is wrong.</exception>
    public static SpaceSaving FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes, FormatName);
        var sketch = Read(ref reader, ReadInlineItem);
        reader.ExpectEnd();
        return sketch;
    }

    /// <summary>
    /// Appends the form <see cref="ToBytes"/> returns, with each item written by <paramref name="writeItem"/> (inline, or a
    /// reference into a string table). Unless <paramref name="ranked"/>, entries go in slot order, which saves sorting and
    /// reads back into the same slots (which counter is replaced next depends only on counts and items, not on the order).
    /// </summary>
    internal void Write(ByteWriter writer, Action<ByteWriter, string> writeItem, bool ranked = true)
    {
        writer.Byte(FormatVersion);
        writer.Varint((ulong)_capacity);
        writer.Varint((ulong)_total);
        writer.Varint((ulong)_size);
        if (ranked)
        {
            foreach (var entry in Entries())
            {
                writeItem(writer, entry.Item);
                writer.Varint((ulong)entry.Count);
                writer.Varint((ulong)entry.Error);
            }

            return;
        }

        for (var slot = 0; slot < _size; slot++)
        {
            writeItem(writer, _items[slot]);
            writer.Varint((ulong)_counts[slot]);
            writer.Varint((ulong)_errors[slot]);
        }
    }

    /// <summary>Reads the form <see cref="Write"/> appends, each item through <paramref name="readItem"/>, and checks it is one adds and merges can produce.</summary>
    internal static SpaceSaving Read(ref ByteReader reader, ItemReader readItem)
    {
        var version = reader.ReadByte("version byte");
        if (version != FormatVersion)
        {
            reader.Fail($"version {version} is not supported (expected {FormatVersion})");
        }

        var capacity = reader.ReadVarint("capacity", MaxCapacity);
        if (capacity == 0)
        {
            reader.Fail("the capacity is 0");
        }

        var total = (long)reader.ReadVarint("total count", long.MaxValue);
        var count = (int)reader.ReadVarint("entry count", capacity);
        var sketch = new SpaceSaving((int)capacity);
        // Each entry takes at least three bytes, so a damaged count cannot make this allocate for entries that are not there.
        var entries = new List<SpaceSavingEntry>(Math.Min(count, reader.Remaining / 3));
        var seen = new HashSet<string>(entries.Capacity, StringComparer.Ordinal);
        var sum = 0L;
        var exact = count < (int)capacity;
        for (var n = 0; n < count; n++)
        {
            var item = readItem(ref reader, out var start);
            if (item.Length > MaxItemLength)
            {
                reader.Fail($"the item at byte {start} has {item.Length} chars, over the {MaxItemLength} limit");
            }

            if (!seen.Add(item))
            {
                reader.Fail($"the item \"{Shorten(item)}\" appears twice");
            }

            var itemCount = (long)reader.ReadVarint("count", long.MaxValue);
            var error = (long)reader.ReadVarint("error", long.MaxValue);
            if (itemCount == 0)
            {
                reader.Fail($"the item \"{Shorten(item)}\" has count 0");
            }

            // Every counter holds at least the weight of the add that created it on top of its error.
            if (error >= itemCount)
            {
                reader.Fail($"the item \"{Shorten(item)}\" has error {error}, not below its count {itemCount}");
            }

            if (exact && error != 0)
            {
                reader.Fail($"the item \"{Shorten(item)}\" has error {error} although the sketch is not full, so counts must be exact");
            }

            if (itemCount > total - sum)
            {
                reader.Fail($"the counts add up to more than the total count {total}");
            }

            sum += itemCount;
            entries.Add(new SpaceSavingEntry(item, itemCount, error));
        }

        if (exact && sum != total)
        {
            reader.Fail($"the sketch is not full but its counts add up to {sum}, not the total count {total}");
        }

        // Entries are kept highest first; the heap is rebuilt from them whatever their order.
        sketch.Load(entries, total);
        return sketch;
    }

    private static string ReadInlineItem(ref ByteReader reader, out int startsAt)
    {
        startsAt = reader.Position;
        var length = (int)reader.ReadVarint("item length", MaxItemBytes);
        return reader.ReadUtf8(length, "item", startsAt);
    }
}
