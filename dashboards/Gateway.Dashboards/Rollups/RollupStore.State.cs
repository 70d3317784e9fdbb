namespace Gateway.Dashboards.Rollups;

// A copy of the whole store for the snapshot, and a store rebuilt from one.
public sealed partial class RollupStore
{
    /// <summary>
    /// A copy of everything the store holds, taken under its lock (which is held only for the copy), so a snapshot can be
    /// written while events keep coming in.
    /// </summary>
    internal State Capture()
    {
        lock (_gate)
        {
            return new State([.. _pixels.Order(StringComparer.Ordinal)], _otherPixelUsed, Refused, Degraded, Copy(_minutes), Copy(_hours));
        }

        static List<SlotState> Copy(Tier tier) =>
        [
            .. tier.All.Select(s => new SlotState(
                s.Key,
                s.Value.Other?.Clone(),
                // In the map's order, which is the order Series merges them in (space-saving merges depend on it).
                [.. (s.Value.Pixels ?? []).Select(p => KeyValuePair.Create(p.Key, p.Value.Clone()))])),
        ];
    }

    /// <summary>
    /// A store holding <paramref name="state"/>, running with <paramref name="options"/> on <paramref name="time"/>. Buckets
    /// past the retention at the clock's now are dropped. The buckets must have been made with the options' limits and the
    /// tiers' precisions (the snapshot reader does that).
    /// </summary>
    internal static RollupStore Restore(RollupOptions? options, TimeProvider? time, State state)
    {
        var store = new RollupStore(options, time);
        foreach (var pixel in state.Pixels)
        {
            if (store._pixels.Add(pixel))
            {
                store._pixelBytes += Sketches.SpaceSaving.StringBytes(pixel.Length);
            }
        }

        store._otherPixelUsed = state.OtherPixelUsed;
        store._refused = state.Refused;
        store._degraded = state.Degraded;
        Fill(store, store._minutes, state.Minutes);
        Fill(store, store._hours, state.Hours);
        var now = store._time.GetUtcNow().UtcTicks;
        store._bytes -= store._minutes.Prune(now) + store._hours.Prune(now);
        return store;

        static void Fill(RollupStore store, Tier tier, IReadOnlyList<SlotState> slots)
        {
            foreach (var saved in slots)
            {
                var slot = new Slot { Other = saved.Other };
                foreach (var (pixel, bucket) in saved.Pixels)
                {
                    // One string per pixel id for every slot, as Add keeps them.
                    var id = store._pixels.TryGetValue(pixel, out var known) ? known : pixel;
                    (slot.Pixels ??= new Dictionary<string, RollupBucket>(StringComparer.Ordinal))[id] = bucket;
                }

                store._bytes += tier.Restore(saved.Start, slot);
            }
        }
    }

    /// <summary>The running byte count recomputed from every slot and bucket (what <see cref="ApproximateBytes"/> must equal).</summary>
    internal long RecountBytes()
    {
        lock (_gate)
        {
            return _minutes.All.Concat(_hours.All).Sum(s => s.Value.ApproximateBytes) + Used - _bytes;
        }
    }

    /// <summary>The buckets of one time slot: the other-pixel bucket and the per-pixel ones, in the order they were created.</summary>
    internal sealed record SlotState(long Start, RollupBucket? Other, IReadOnlyList<KeyValuePair<string, RollupBucket>> Pixels);

    /// <summary>Everything a store holds: pixel ids, counters of refused and degraded events, and both tiers' slots, oldest first.</summary>
    internal sealed record State(
        IReadOnlyList<string> Pixels, bool OtherPixelUsed, long Refused, long Degraded, IReadOnlyList<SlotState> Minutes, IReadOnlyList<SlotState> Hours);
}
