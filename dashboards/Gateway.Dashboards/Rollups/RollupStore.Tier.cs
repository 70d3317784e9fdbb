using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Rollups;

// The buckets of one resolution, and the cost model the memory budget uses for them.
public sealed partial class RollupStore
{
    // A SortedDictionary node (key, value, two children, colour) and the Slot object with its two references.
    private const int SlotBytes = 56 + 32;
    // A Dictionary<string, RollupBucket>: the object and its arrays' headers, then per slot a bucket and an entry.
    private const int PixelMapBytes = 80 + 48;
    private const int PixelMapSlotBytes = 4 + 24;

    /// <summary>The buckets of one time slot: one per pixel, and the <see cref="RollupOptions.OtherPixel"/> one apart, so creating it never resizes the map.</summary>
    private sealed class Slot
    {
        public Dictionary<string, RollupBucket>? Pixels { get; set; }

        public RollupBucket? Other { get; set; }

        public long MapBytes => Pixels is null ? 0 : PixelMapBytes + ((long)Pixels.EnsureCapacity(0) * PixelMapSlotBytes);

        /// <summary>Everything the slot holds, buckets included.</summary>
        public long ApproximateBytes
        {
            get
            {
                var bytes = SlotBytes + MapBytes + (Other?.ApproximateBytes ?? 0);
                foreach (var bucket in Pixels?.Values ?? Enumerable.Empty<RollupBucket>())
                {
                    bytes += bucket.ApproximateBytes;
                }

                return bytes;
            }
        }

        /// <summary>The bucket of <paramref name="pixel"/>, or every bucket when it is null.</summary>
        public IEnumerable<RollupBucket> Buckets(string? pixel)
        {
            if (pixel is null)
            {
                foreach (var bucket in Pixels?.Values ?? Enumerable.Empty<RollupBucket>())
                {
                    yield return bucket;
                }

                if (Other is not null)
                {
                    yield return Other;
                }
            }
            else if (pixel == RollupOptions.OtherPixel)
            {
                if (Other is not null)
                {
                    yield return Other;
                }
            }
            else if (Pixels is not null && Pixels.TryGetValue(pixel, out var bucket))
            {
                yield return bucket;
            }
        }
    }

    /// <summary>Buckets of one resolution: start (UTC ticks) → slot, pruned past the retention.</summary>
    private sealed class Tier
    {
        private readonly SortedDictionary<long, Slot> _slots = [];
        private readonly long _width;
        private readonly TimeSpan _retention;
        private readonly RollupLimits _limits;
        private readonly long _emptyBucketBytes;
        // When the oldest slot's whole span falls out of the retention: until then pruning has nothing to do.
        private long _oldestEnd = long.MaxValue;
        // The slot of the last add: events arrive in time order, so most find it here without a tree search.
        private long _lastStart = long.MinValue;
        private Slot? _last;

        public Tier(long width, TimeSpan retention, int precision, RollupOptions options)
        {
            _width = width;
            _retention = retention;
            _limits = options.Limits;
            Precision = precision;
            _emptyBucketBytes = new RollupBucket(_limits, precision).ApproximateBytes;
            // Slots that can be alive at once: the retention, the accepted future, and the partial slots at both ends.
            var slots = (retention.Ticks / width) + (options.MaxFuture.Ticks / width) + 3;
            Reserve = slots * (SlotBytes + _emptyBucketBytes);
            MaxGrowth = SlotBytes + PixelMapBytes + (3L * (options.MaxPixels + 1) * PixelMapSlotBytes) + _emptyBucketBytes
                + RollupBucket.MaxGrowth(_limits, precision);
        }

        public int Precision { get; }

        /// <summary>Bytes for a slot and an empty <see cref="RollupOptions.OtherPixel"/> bucket in every slot that can be alive.</summary>
        public long Reserve { get; }

        /// <summary>The most one <see cref="Add"/> with growth allowed can add.</summary>
        public long MaxGrowth { get; }

        public IEnumerable<KeyValuePair<long, Slot>> All => _slots;

        /// <summary>
        /// Counts <paramref name="row"/> in <paramref name="pixel"/>'s bucket of the slot holding <paramref name="ticks"/>
        /// (returned in <paramref name="bucket"/>) and returns the bytes that took. Without <paramref name="mayGrow"/> only
        /// a slot and its other-pixel bucket may be created (the reserve pays for them), and <paramref name="toOther"/> is
        /// set when the event went there instead. <paramref name="shared"/> lends its tally strings (see
        /// <see cref="RollupBucket.Add(EventRow, ulong?, bool, RollupBucket?)"/>).
        /// </summary>
        public long Add(long ticks, string pixel, EventRow row, ulong? visitor, bool mayGrow, RollupBucket? shared, ref bool toOther, out RollupBucket bucket)
        {
            var start = ticks - (ticks % _width);
            var added = 0L;
            var slot = _lastStart == start ? _last : null;
            if (slot is null && !_slots.TryGetValue(start, out slot))
            {
                _slots[start] = slot = new Slot();
                _oldestEnd = Math.Min(_oldestEnd, start + _width);
                added += SlotBytes;
            }

            _lastStart = start;
            _last = slot;
            RollupBucket? found = null;
            if (pixel != RollupOptions.OtherPixel && slot.Pixels?.TryGetValue(pixel, out found) != true && mayGrow)
            {
                var before = slot.MapBytes;
                (slot.Pixels ??= new Dictionary<string, RollupBucket>(StringComparer.Ordinal)).Add(pixel, found = new RollupBucket(_limits, Precision));
                added += slot.MapBytes - before + _emptyBucketBytes;
            }

            if (found is null)
            {
                toOther = true;
                if (slot.Other is null)
                {
                    slot.Other = new RollupBucket(_limits, Precision);
                    added += _emptyBucketBytes;
                }

                found = slot.Other;
            }

            bucket = found;
            return added + found.Add(row, visitor, mayGrow, shared);
        }

        /// <summary>The slots starting in [<paramref name="first"/>, <paramref name="end"/>), oldest first.</summary>
        public IEnumerable<KeyValuePair<long, Slot>> Range(long first, long end)
        {
            foreach (var entry in _slots)
            {
                if (entry.Key >= end)
                {
                    yield break;
                }

                if (entry.Key >= first)
                {
                    yield return entry;
                }
            }
        }

        /// <summary>Removes the slots whose whole span is past the retention at <paramref name="now"/>; returns the bytes they held.</summary>
        public long Prune(long now)
        {
            var cutoff = now - _retention.Ticks;
            if (_oldestEnd > cutoff)
            {
                return 0;
            }

            var freed = 0L;
            while (_slots.Count > 0 && _slots.First() is var oldest && oldest.Key + _width <= cutoff)
            {
                freed += oldest.Value.ApproximateBytes;
                _slots.Remove(oldest.Key);
            }

            _oldestEnd = _slots.Count > 0 ? _slots.First().Key + _width : long.MaxValue;
            _last = null;
            _lastStart = long.MinValue;
            return freed;
        }

        /// <summary>Puts a slot read from a snapshot in place; returns the bytes it holds.</summary>
        public long Restore(long start, Slot slot)
        {
            _slots[start] = slot;
            _oldestEnd = Math.Min(_oldestEnd, start + _width);
            return slot.ApproximateBytes;
        }
    }
}
