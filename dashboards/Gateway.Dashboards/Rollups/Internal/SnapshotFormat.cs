using System.Buffers.Binary;
using Gateway.Dashboards.Internal;
using Gateway.Dashboards.Sketches;

namespace Gateway.Dashboards.Rollups.Internal;

/// <summary>
/// Layout of a rollup snapshot: "GWRS", a version byte, the payload, then the CRC-32 (little-endian) of everything before
/// it. The payload is varints throughout: the save time (UTC ticks), total events, refused and degraded events, a table
/// of every distinct string (referenced by index from then on), the positions, the pixel ids, the minute tier, the hour
/// tier (each: slot count, then per slot its start as a step count from the previous one and its buckets), and the
/// detector's own saved state. Sketches are written in their <c>ToBytes</c> form (HyperLogLog registers sparse when that
/// is shorter), with items as string references.
/// </summary>
internal static class SnapshotFormat
{
    public const byte Version = 1;

    // No minute or hour of one pixel holds a trillion events; the bound keeps sums over every bucket and pixel within a long.
    public const long MaxCount = 1L << 40;

    private const string Subject = "rollup snapshot";
    private const byte HasVisitors = 1;
    private const byte VisitorsUnknown = 2;
    private const byte HasPages = 4;
    private const byte HasReferrers = 8;

    public static ReadOnlySpan<byte> Magic => "GWRS"u8;

    private static int Overhead => Magic.Length + 1 + sizeof(uint);

    /// <summary>The bytes of a snapshot of <paramref name="state"/>.</summary>
    public static byte[] Write(RollupStore.State state, byte[] detector, IReadOnlyDictionary<string, string> positions, long totalEvents, DateTimeOffset savedAt)
    {
        var strings = new StringTable();
        var body = new ByteWriter(64 * 1024);
        body.Varint((ulong)positions.Count);
        foreach (var (key, value) in positions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            body.Varint(strings.Index(key));
            body.Varint(strings.Index(value));
        }

        body.Byte(state.OtherPixelUsed ? (byte)1 : (byte)0);
        body.Varint((ulong)state.Pixels.Count);
        foreach (var pixel in state.Pixels)
        {
            body.Varint(strings.Index(pixel));
        }

        WriteTier(body, strings, state.Minutes, TimeSpan.TicksPerMinute);
        WriteTier(body, strings, state.Hours, TimeSpan.TicksPerHour);
        body.Varint((ulong)detector.Length);
        body.Bytes(detector);

        var file = new ByteWriter(body.Length + strings.Bytes + 64);
        file.Bytes(Magic);
        file.Byte(Version);
        file.Varint((ulong)savedAt.UtcTicks);
        file.Varint(totalEvents);
        file.Varint(state.Refused);
        file.Varint(state.Degraded);
        file.Varint((ulong)strings.All.Count);
        foreach (var text in strings.All)
        {
            file.String(text);
        }

        file.Bytes(body.Written);
        var checksum = Crc32.Compute(file.Written);
        file.Int32((int)checksum);
        return file.ToArray();
    }

    /// <summary>What a snapshot holds, checked; every problem is a <see cref="FormatException"/> saying what and where.</summary>
    public static Contents Read(ReadOnlySpan<byte> bytes, RollupLimits limits)
    {
        if (bytes.Length < Overhead || !bytes.StartsWith(Magic))
        {
            throw new FormatException($"Not a {Subject}: expected {Overhead} or more bytes starting with \"GWRS\", got {bytes.Length} bytes.");
        }

        var version = bytes[Magic.Length];
        if (version != Version)
        {
            throw new FormatException($"The {Subject} has format version {version}; this build reads version {Version}.");
        }

        var body = bytes[..^sizeof(uint)];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^sizeof(uint)..]);
        var computed = Crc32.Compute(body);
        if (stored != computed)
        {
            throw new FormatException(
                $"The {Subject} is damaged: its CRC-32 is 0x{computed:x8} but the file says 0x{stored:x8} ({bytes.Length} bytes; truncated or overwritten).");
        }

        var reader = new ByteReader(body[(Magic.Length + 1)..], Subject) { Context = "header" };
        var savedAt = new DateTimeOffset((long)reader.ReadVarint("save time", (ulong)DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
        var totalEvents = reader.ReadVarint("total events", long.MaxValue);
        var refused = reader.ReadVarint("refused events", long.MaxValue);
        var degraded = reader.ReadVarint("degraded events", long.MaxValue);

        reader.Context = "string table";
        var strings = new string[reader.ReadCount("string count", 1)];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = reader.ReadString("string");
        }

        var table = new Strings(strings);
        reader.Context = "positions";
        var positionCount = reader.ReadCount("position count", 2);
        var positions = new Dictionary<string, string>(positionCount, StringComparer.Ordinal);
        for (var i = 0; i < positionCount; i++)
        {
            var key = table.Read(ref reader, "position name");
            if (!positions.TryAdd(key, table.Read(ref reader, "position")))
            {
                reader.Fail($"the position \"{key}\" appears twice");
            }
        }

        reader.Context = "pixels";
        var otherUsed = ReadFlag(ref reader, "other-pixel flag");
        var pixelCount = reader.ReadCount("pixel count", 1);
        var pixels = new HashSet<string>(pixelCount, StringComparer.Ordinal);
        for (var i = 0; i < pixelCount; i++)
        {
            var pixel = table.Read(ref reader, "pixel id");
            if (pixel == RollupOptions.OtherPixel || !pixels.Add(pixel))
            {
                reader.Fail($"the pixel id \"{pixel}\" appears twice");
            }
        }

        var minutes = ReadTier(ref reader, table, pixels, limits, TimeSpan.TicksPerMinute, "minute", RollupStore.MinuteVisitorPrecision);
        var hours = ReadTier(ref reader, table, pixels, limits, TimeSpan.TicksPerHour, "hour", RollupStore.HourVisitorPrecision);
        reader.Context = "detector";
        var detector = reader.ReadBytes((int)reader.ReadVarint("detector length", (ulong)reader.Remaining), "detector state").ToArray();
        reader.Context = "end";
        reader.ExpectEnd();
        var state = new RollupStore.State([.. pixels.Order(StringComparer.Ordinal)], otherUsed, (long)refused, (long)degraded, minutes, hours);
        return new Contents(state, detector, positions, (long)totalEvents, savedAt);
    }

    private static void WriteTier(ByteWriter writer, StringTable strings, IReadOnlyList<RollupStore.SlotState> slots, long width)
    {
        writer.Varint((ulong)slots.Count);
        var previous = 0L;
        foreach (var slot in slots)
        {
            var step = slot.Start / width;
            writer.Varint((ulong)(step - previous));
            previous = step;
            writer.Byte(slot.Other is null ? (byte)0 : (byte)1);
            if (slot.Other is { } other)
            {
                WriteBucket(writer, strings, other);
            }

            writer.Varint((ulong)slot.Pixels.Count);
            foreach (var (pixel, bucket) in slot.Pixels)
            {
                writer.Varint(strings.Index(pixel));
                WriteBucket(writer, strings, bucket);
            }
        }
    }

    private static void WriteBucket(ByteWriter writer, StringTable strings, RollupBucket bucket)
    {
        // Bucket by bucket: a snapshot writes tens of thousands, so nothing here sorts or copies.
        writer.Varint(bucket.Events);
        writer.Varint(bucket.Bots);
        writer.Varint(bucket.HumanOpens);
        writer.Varint(bucket.MachineOpens);
        writer.Varint(bucket.Conversions);
        foreach (var tally in bucket.Tallies)
        {
            var (other, hasOther) = tally.OtherCount;
            writer.Varint((ulong)tally.Distinct);
            foreach (var (value, count) in tally.Entries)
            {
                writer.Varint(strings.Index(value));
                writer.ZigZag(count);
            }

            writer.Byte(hasOther ? (byte)1 : (byte)0);
            if (hasOther)
            {
                writer.ZigZag(other);
            }
        }

        var flags = (byte)((bucket.VisitorSketch is null ? 0 : HasVisitors) | (bucket.VisitorsUnknown ? VisitorsUnknown : 0)
            | (bucket.PageSketch is null ? 0 : HasPages) | (bucket.ReferrerSketch is null ? 0 : HasReferrers));
        writer.Byte(flags);
        bucket.VisitorSketch?.Write(writer);
        bucket.PageSketch?.Write(writer, strings.Write, ranked: false);
        bucket.ReferrerSketch?.Write(writer, strings.Write, ranked: false);
        writer.Varint(bucket.PagesOther);
        writer.Varint(bucket.ReferrersOther);
    }

    private static List<RollupStore.SlotState> ReadTier(
        ref ByteReader reader, Strings table, HashSet<string> pixels, RollupLimits limits, long width, string name, int precision)
    {
        reader.Context = $"{name} tier";
        // A slot takes at least three bytes: its step, the other-bucket flag and its pixel count.
        var count = reader.ReadCount($"{name} slot count", 3);
        var slots = new List<RollupStore.SlotState>(count);
        var maxStep = (ulong)(DateTimeOffset.MaxValue.UtcTicks / width);
        var step = 0UL;
        for (var i = 0; i < count; i++)
        {
            reader.Context = $"{name} slot {i + 1} of {count}";
            var gap = reader.ReadVarint("slot start", maxStep);
            if ((i > 0 && gap == 0) || gap > maxStep - step)
            {
                reader.Fail(i > 0 && gap == 0 ? "two slots start at the same time" : "the slot starts after the year 9999");
            }

            step += gap;
            var start = (long)step * width;
            reader.Context = $"{name} {new DateTimeOffset(start, TimeSpan.Zero):yyyy-MM-ddTHH:mmZ}";
            var other = ReadFlag(ref reader, "other-pixel bucket flag") ? ReadBucket(ref reader, table, limits, precision) : null;
            var bucketCount = reader.ReadCount("bucket count", 2);
            var buckets = new List<KeyValuePair<string, RollupBucket>>(bucketCount);
            var seen = new HashSet<string>(bucketCount, StringComparer.Ordinal);
            var context = reader.Context;
            for (var b = 0; b < bucketCount; b++)
            {
                reader.Context = context;
                var pixel = table.Read(ref reader, "bucket's pixel id");
                if (!pixels.Contains(pixel) || !seen.Add(pixel))
                {
                    reader.Fail($"the bucket of pixel \"{pixel}\" is {(seen.Contains(pixel) ? "there twice" : "of a pixel id not in the pixel list")}");
                }

                reader.Context = $"{context}, pixel {pixel}";
                buckets.Add(KeyValuePair.Create(pixel, ReadBucket(ref reader, table, limits, precision)));
            }

            slots.Add(new RollupStore.SlotState(start, other, buckets));
        }

        return slots;
    }

    private static RollupBucket ReadBucket(ref ByteReader reader, Strings table, RollupLimits limits, int precision)
    {
        var bucket = new RollupBucket(limits, precision)
        {
            Events = reader.ReadVarint("events", MaxCount),
            Bots = reader.ReadVarint("bots", MaxCount),
            HumanOpens = reader.ReadVarint("human opens", MaxCount),
            MachineOpens = reader.ReadVarint("machine opens", MaxCount),
            Conversions = reader.ReadVarint("conversions", MaxCount),
        };
        foreach (var tally in bucket.Tallies)
        {
            var entries = reader.ReadCount("tally size", 2);
            for (var i = 0; i < entries; i++)
            {
                var value = table.Read(ref reader, "tally value");
                if (value.Length is 0 or > Tally.MaxValueLength || value == Tally.Other || tally.Contains(value))
                {
                    reader.Fail($"the tally value \"{Shorten(value)}\" is empty, too long, \"{Tally.Other}\" or there twice");
                }

                // Past the tally's capacity (smaller limits than when saved) values fold into "(other)", as they would have then.
                tally.Add(value, reader.ReadZigZag("tally count"));
            }

            if (ReadFlag(ref reader, "tally other flag"))
            {
                tally.AddOther(reader.ReadZigZag("tally other count"));
            }
        }

        var flags = reader.ReadByte("sketch flags");
        if (flags > (HasVisitors | VisitorsUnknown | HasPages | HasReferrers))
        {
            reader.Fail($"the sketch flags are 0x{flags:x2}, with bits no writer sets");
        }

        HyperLogLog? visitors = null;
        if ((flags & HasVisitors) != 0)
        {
            visitors = HyperLogLog.Read(ref reader);
            if (visitors.Precision != precision)
            {
                reader.Fail($"the visitor sketch has precision {visitors.Precision}, but this tier's are {precision}");
            }
        }

        var pages = (flags & HasPages) != 0 ? ReadTop(ref reader, table, "pages") : null;
        var referrers = (flags & HasReferrers) != 0 ? ReadTop(ref reader, table, "referrer hosts") : null;
        bucket.Restore(
            visitors, (flags & VisitorsUnknown) != 0, pages, referrers, reader.ReadVarint("pages counted as other", MaxCount), reader.ReadVarint("referrers counted as other", MaxCount));
        return bucket;
    }

    private static SpaceSaving ReadTop(ref ByteReader reader, Strings table, string what)
    {
        var sketch = SpaceSaving.Read(ref reader, table.ReadItem);
        if (sketch.Capacity != RollupBucket.TopCapacity || sketch.TotalCount > MaxCount)
        {
            reader.Fail($"the {what} sketch has capacity {sketch.Capacity} and total {sketch.TotalCount}; this build keeps {RollupBucket.TopCapacity} counters and at most {MaxCount} events a bucket");
        }

        return sketch;
    }

    private static bool ReadFlag(ref ByteReader reader, string what)
    {
        var flag = reader.ReadByte(what);
        if (flag > 1)
        {
            reader.Fail($"the {what} is {flag}, expected 0 or 1");
        }

        return flag == 1;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>What <see cref="Read"/> found.</summary>
    internal sealed record Contents(RollupStore.State State, byte[] Detector, Dictionary<string, string> Positions, long TotalEvents, DateTimeOffset SavedAt);

    /// <summary>Each distinct string once, in first-use order.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public List<string> All { get; } = [];

        /// <summary>An estimate of the table's size, to size the file buffer.</summary>
        public int Bytes { get; private set; }

        /// <summary>Writes the index of <paramref name="text"/>, adding it to the table when new.</summary>
        public void Write(ByteWriter writer, string text) => writer.Varint(Index(text));

        public ulong Index(string text)
        {
            if (!_index.TryGetValue(text, out var index))
            {
                _index.Add(text, index = All.Count);
                All.Add(text);
                Bytes += text.Length + 2;
            }

            return (ulong)index;
        }
    }

    /// <summary>The string table as read.</summary>
    private sealed class Strings(string[] strings)
    {
        public string Read(ref ByteReader reader, string what)
        {
            if (strings.Length == 0)
            {
                reader.Fail($"a {what} refers to the string table, which is empty");
            }

            return strings[(int)reader.ReadVarint(what, (ulong)(strings.Length - 1))];
        }

        public string ReadItem(ref ByteReader reader, out int startsAt)
        {
            startsAt = reader.Position;
            return Read(ref reader, "item");
        }
    }
}
