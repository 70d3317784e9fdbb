using System.Text;
using Gateway.Dashboards.Sketches.Internal;
using Gateway.Processing;

namespace Gateway.Dashboards.Sketches;

// The serialized form, as the rollup store keeps it.
public sealed partial class SpaceSaving
{
    private const byte FormatVersion = 1;
    private const string FormatName = "space-saving sketch";
    // A UTF-16 unit takes at most 3 UTF-8 bytes (a surrogate pair takes 4 for 2 units).
    private const int MaxItemBytes = MaxItemLength * 3;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The sketch as bytes: a version byte, then varints for the capacity, the total count and the number of entries,
    /// then per entry (highest count first) the item's UTF-8 length and bytes, its count and its error.
    /// </summary>
    public byte[] ToBytes()
    {
        var entries = Entries();
        var size = 1 + Varint.Size((ulong)_capacity) + Varint.Size((ulong)_total) + Varint.Size((ulong)entries.Length);
        foreach (var entry in entries)
        {
            var itemBytes = Encoding.UTF8.GetByteCount(entry.Item);
            size += Varint.Size((ulong)itemBytes) + itemBytes + Varint.Size((ulong)entry.Count) + Varint.Size((ulong)entry.Error);
        }

        var bytes = new byte[size];
        bytes[0] = FormatVersion;
        var at = 1;
        at += Varint.Write(bytes.AsSpan(at), (ulong)_capacity);
        at += Varint.Write(bytes.AsSpan(at), (ulong)_total);
        at += Varint.Write(bytes.AsSpan(at), (ulong)entries.Length);
        foreach (var entry in entries)
        {
            at += Varint.Write(bytes.AsSpan(at), (ulong)Encoding.UTF8.GetByteCount(entry.Item));
            at += Encoding.UTF8.GetBytes(entry.Item, bytes.AsSpan(at));
            at += Varint.Write(bytes.AsSpan(at), (ulong)entry.Count);
            at += Varint.Write(bytes.AsSpan(at), (ulong)entry.Error);
        }

        return bytes;
    }

    /// <summary>Reads a sketch written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a valid sketch (including contents no sequence of adds and
    /// merges can produce); the message says which part is wrong.</exception>
    public static SpaceSaving FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new WireReader(bytes, FormatName);
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
        var entries = new List<SpaceSavingEntry>(count);
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        var sum = 0L;
        var exact = count < (int)capacity;
        for (var n = 0; n < count; n++)
        {
            var start = reader.Position;
            var length = (int)reader.ReadVarint("item length", MaxItemBytes);
            string item;
            try
            {
                item = StrictUtf8.GetString(reader.ReadBytes(length, "item"));
            }
            catch (DecoderFallbackException)
            {
                reader.Fail($"the item at byte {start} is not valid UTF-8");
                throw;
            }

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

        reader.ExpectEnd();
        sketch.Load(entries, total);
        return sketch;
    }
}
