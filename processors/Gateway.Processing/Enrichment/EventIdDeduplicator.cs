using System.Runtime.InteropServices;

namespace Gateway.Processing.Enrichment;

/// <summary>Drops events whose <c>event_id</c> was already seen within a time window; bounded in memory and thread-safe.</summary>
/// <remarks>
/// <para>An id is remembered for <see cref="Window"/> from its first sighting (a repeat does not extend it). At most
/// <see cref="Capacity"/> ids are held; past that the oldest is forgotten early and counted in <see cref="EvictedEarly"/>,
/// since a duplicate of it would then pass. Memory is about Capacity × (≈100 bytes of dictionary and queue overhead +
/// the id string, ≈100 bytes for a 32-character id), so the default 100 000 ids cost roughly 20 MB.</para>
/// <para>One lock guards the state: each call does O(1) amortised work, so contention is brief. This is a best-effort
/// filter for retries inside one process; the lake's readers still treat event_id as the dedup key.</para>
/// </remarks>
public sealed class EventIdDeduplicator
{
    /// <summary>The default remembering window: 10 minutes covers client and Lambda retries.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(10);

    /// <summary>The default most ids held at once.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _seenAt = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, long SeenAt)> _order = new();
    private long _duplicates;
    private long _evictedEarly;

    /// <summary>Creates a deduplicator reading time from <paramref name="time"/>.</summary>
    public EventIdDeduplicator(TimeProvider time, TimeSpan? window = null, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Window = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Window, TimeSpan.Zero, nameof(window));
        _time = time;
        Capacity = capacity;
    }

    /// <summary>How long an id is remembered after it is first seen.</summary>
    public TimeSpan Window { get; }

    /// <summary>Most ids held at once.</summary>
    public int Capacity { get; }

    /// <summary>Duplicates dropped so far.</summary>
    public long DuplicatesDropped => Interlocked.Read(ref _duplicates);

    /// <summary>Ids forgotten before their window ended because the set was full.</summary>
    public long EvictedEarly => Interlocked.Read(ref _evictedEarly);

    /// <summary>Ids currently remembered.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seenAt.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="eventId"/> is remembered now (seen within the window); looks only, remembers and counts nothing.</summary>
    public bool Contains(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        var expiredBefore = _time.GetUtcNow().UtcTicks - Window.Ticks;
        lock (_gate)
        {
            return _seenAt.TryGetValue(eventId, out var seenAt) && seenAt > expiredBefore;
        }
    }

    /// <summary>True when <paramref name="eventId"/> is new (and now remembered); false for a duplicate, which is counted.</summary>
    public bool TryAdd(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        var now = _time.GetUtcNow().UtcTicks;
        var expiredBefore = now - Window.Ticks;
        lock (_gate)
        {
            while (_order.TryPeek(out var oldest) && oldest.SeenAt <= expiredBefore)
            {
                _order.Dequeue();
                Forget(oldest);
            }

            // One hash of the id for both the check and the insert.
            ref var seenAt = ref CollectionsMarshal.GetValueRefOrAddDefault(_seenAt, eventId, out var known);
            if (known && seenAt > expiredBefore)
            {
                Interlocked.Increment(ref _duplicates);
                return false;
            }

            seenAt = now;
            _order.Enqueue((eventId, now));
            // Past capacity the oldest sightings go early; never the one just made, which is the newest in the queue.
            while (_seenAt.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                if (Forget(oldest))
                {
                    Interlocked.Increment(ref _evictedEarly);
                }
            }

            return true;
        }
    }

    // A queue entry may be stale (the id expired and was seen again, or the clock went back); only the matching sighting
    // is removed. Remove-then-restore hashes the id once for the common case, where the entry matches.
    private bool Forget((string Id, long SeenAt) entry)
    {
        if (!_seenAt.Remove(entry.Id, out var seenAt))
        {
            return false;
        }

        if (seenAt != entry.SeenAt)
        {
            _seenAt[entry.Id] = seenAt;
            return false;
        }

        return true;
    }
}
