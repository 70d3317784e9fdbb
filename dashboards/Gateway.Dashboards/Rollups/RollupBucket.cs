using Gateway.Dashboards.Sketches;
using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Rollups;

/// <summary>
/// The counters of one pixel over one bucket of time (a minute, an hour or a day): events by event name, channel,
/// country, referrer medium, browser, OS and device; bots against humans; email opens by privacy proxies (machine)
/// against people; conversions and their value by currency; distinct visitors; the top pages and referrer hosts.
/// </summary>
/// <remarks>
/// <para>Conversions are the events named in <see cref="ConversionEvents"/>; value is summed per currency as sent.</para>
/// <para>Visitors: a <see cref="HyperLogLog"/> of the events' visitor ids (empty ids are skipped), with a relative
/// standard error of 1.04/√2^p: 1.6 % for minute buckets (<see cref="RollupStore.MinuteVisitorPrecision"/>) and 0.81 %
/// for hour and day buckets (<see cref="RollupStore.HourVisitorPrecision"/>). Merging buckets merges the sketches, so a
/// day or a range counts each visitor once however many of its hours they were seen in.</para>
/// <para>Pages (<c>page_host + page_path</c>, no query string; events without a host are skipped) and referrer hosts
/// (none: <see cref="Tally.Unknown"/>) are <see cref="SpaceSaving"/> sketches of <see cref="TopCapacity"/> counters,
/// created on a bucket's first page or referrer and grown four counters at a time. Unlike a tally, which keeps the first
/// values it sees forever, a sketch lets a value that becomes frequent later replace a rare early one. A reported count
/// is never below the true one and exceeds it by at most N/64 for a bucket (or range) of N events with a page; it is
/// exact while a bucket saw at most 64 distinct values.</para>
/// </remarks>
public sealed class RollupBucket
{
    /// <summary>Counters kept per bucket for pages and for referrer hosts: a count is off by at most 1/64 of the bucket's events.</summary>
    public const int TopCapacity = 64;

    // Object header and fields: five counters, two overflow counters, ten references, the precision and a flag.
    private const int ObjectBytes = 16 + (7 * 8) + (11 * 8) + 8;

    private readonly RollupLimits _limits;
    private readonly int _visitorPrecision;
    private HyperLogLog? _visitors;
    // Set when buckets of different precisions were merged: no estimate is honest then.
    private bool _visitorsUnknown;
    private SpaceSaving? _pages;
    private SpaceSaving? _referrers;
    // Events whose page or referrer host was counted as "(other)" because the store's memory budget was reached.
    private long _pagesOther;
    private long _referrersOther;

    /// <summary>An empty bucket whose visitor sketch has 2^<paramref name="visitorPrecision"/> registers.</summary>
    public RollupBucket(RollupLimits limits, int visitorPrecision = HyperLogLog.DefaultPrecision)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfLessThan(visitorPrecision, HyperLogLog.MinPrecision);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visitorPrecision, HyperLogLog.MaxPrecision);
        _limits = limits;
        _visitorPrecision = visitorPrecision;
        EventNames = new Tally(limits.EventNames);
        Channels = new Tally(limits.Small);
        Countries = new Tally(limits.Countries);
        ReferrerMedia = new Tally(limits.Small);
        Browsers = new Tally(limits.Agents);
        OperatingSystems = new Tally(limits.Agents);
        Devices = new Tally(limits.Small);
        ValueByCurrency = new Tally(limits.Currencies);
    }

    // A deep copy made of array copies: snapshots copy every bucket under the store's lock.
    private RollupBucket(RollupBucket source)
    {
        _limits = source._limits;
        _visitorPrecision = source._visitorPrecision;
        Events = source.Events;
        Bots = source.Bots;
        HumanOpens = source.HumanOpens;
        MachineOpens = source.MachineOpens;
        Conversions = source.Conversions;
        EventNames = source.EventNames.Clone();
        Channels = source.Channels.Clone();
        Countries = source.Countries.Clone();
        ReferrerMedia = source.ReferrerMedia.Clone();
        Browsers = source.Browsers.Clone();
        OperatingSystems = source.OperatingSystems.Clone();
        Devices = source.Devices.Clone();
        ValueByCurrency = source.ValueByCurrency.Clone();
        Restore(source._visitors?.Clone(), source._visitorsUnknown, source._pages?.Clone(), source._referrers?.Clone(), source._pagesOther, source._referrersOther);
    }

    /// <summary>The event names counted as conversions: the same list the Lambdas' metrics use.</summary>
    public static IReadOnlySet<string> ConversionEvents => Gateway.Processing.Metrics.GatewayMetrics.ConversionEvents;

    /// <summary>All events.</summary>
    public long Events { get; internal set; }

    /// <summary>Events from bots.</summary>
    public long Bots { get; internal set; }

    /// <summary>Email opens (channel <c>email</c>) by a person.</summary>
    public long HumanOpens { get; internal set; }

    /// <summary>Email opens by a privacy proxy or a scanner, not a person.</summary>
    public long MachineOpens { get; internal set; }

    /// <summary>Conversions (<see cref="ConversionEvents"/>), bots excluded.</summary>
    public long Conversions { get; internal set; }

    /// <summary>
    /// Distinct visitor ids, estimated (see the remarks for the error), rounded; null when buckets of different
    /// precisions were merged into this one.
    /// </summary>
    public long? Visitors => _visitorsUnknown ? null : _visitors is { } sketch ? (long)Math.Round(sketch.Estimate(), MidpointRounding.AwayFromZero) : 0;

    /// <summary>Events by event name.</summary>
    public Tally EventNames { get; }

    /// <summary>Events by channel (web, email, server).</summary>
    public Tally Channels { get; }

    /// <summary>Events by country.</summary>
    public Tally Countries { get; }

    /// <summary>Events by referrer medium (direct, search, social, email, internal, other).</summary>
    public Tally ReferrerMedia { get; }

    /// <summary>Events by browser family.</summary>
    public Tally Browsers { get; }

    /// <summary>Events by operating system.</summary>
    public Tally OperatingSystems { get; }

    /// <summary>Events by device type.</summary>
    public Tally Devices { get; }

    /// <summary>Conversion value by currency, in hundredths (cents) so sums stay exact.</summary>
    public Tally ValueByCurrency { get; }

    internal int VisitorPrecision => _visitorPrecision;

    internal HyperLogLog? VisitorSketch => _visitors;

    internal bool VisitorsUnknown => _visitorsUnknown;

    internal SpaceSaving? PageSketch => _pages;

    internal SpaceSaving? ReferrerSketch => _referrers;

    internal long PagesOther => _pagesOther;

    internal long ReferrersOther => _referrersOther;

    /// <summary>The eight tallies, in the order the snapshot writes them.</summary>
    internal Tally[] Tallies => [EventNames, Channels, Countries, ReferrerMedia, Browsers, OperatingSystems, Devices, ValueByCurrency];

    /// <summary>Bytes this bucket holds on the heap, its tallies and sketches included.</summary>
    internal long ApproximateBytes =>
        ObjectBytes + EventNames.ApproximateBytes + Channels.ApproximateBytes + Countries.ApproximateBytes + ReferrerMedia.ApproximateBytes
        + Browsers.ApproximateBytes + OperatingSystems.ApproximateBytes + Devices.ApproximateBytes + ValueByCurrency.ApproximateBytes
        + (_visitors?.ApproximateBytes ?? 0) + (_pages?.ApproximateBytes ?? 0) + (_referrers?.ApproximateBytes ?? 0);

    /// <summary>The top <paramref name="n"/> pages (<c>host/path</c>) with their counts, largest first, ties by value.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> TopPages(int n) => Top(_pages, _pagesOther, n);

    /// <summary>The top <paramref name="n"/> referrer hosts with their counts, largest first, ties by value (none: <see cref="Tally.Unknown"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> TopReferrers(int n) => Top(_referrers, _referrersOther, n);

    /// <summary>Counts <paramref name="row"/>.</summary>
    public void Add(EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        _ = Add(row, row.VisitorId is { Length: > 0 } id ? HyperLogLog.Hash(id) : null, mayGrow: true, shared: null);
    }

    /// <summary>Adds every counter of <paramref name="other"/> (an hour from its minutes, all pixels from each) and merges the sketches.</summary>
    public void Merge(RollupBucket other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Events += other.Events;
        Bots += other.Bots;
        HumanOpens += other.HumanOpens;
        MachineOpens += other.MachineOpens;
        Conversions += other.Conversions;
        EventNames.Merge(other.EventNames);
        Channels.Merge(other.Channels);
        Countries.Merge(other.Countries);
        ReferrerMedia.Merge(other.ReferrerMedia);
        Browsers.Merge(other.Browsers);
        OperatingSystems.Merge(other.OperatingSystems);
        Devices.Merge(other.Devices);
        ValueByCurrency.Merge(other.ValueByCurrency);
        if (other._visitorsUnknown || (other._visitors is not null && other._visitorPrecision != _visitorPrecision))
        {
            _visitorsUnknown = true;
        }
        else if (other._visitors is { } visitors)
        {
            (_visitors ??= new HyperLogLog(_visitorPrecision)).Merge(visitors);
        }

        if (other._pages is { } pages)
        {
            (_pages ??= new SpaceSaving(TopCapacity)).Merge(pages);
        }

        if (other._referrers is { } referrers)
        {
            (_referrers ??= new SpaceSaving(TopCapacity)).Merge(referrers);
        }

        _pagesOther += other._pagesOther;
        _referrersOther += other._referrersOther;
    }

    /// <summary>The most <see cref="ApproximateBytes"/> can grow by one <see cref="Add(EventRow, ulong?, bool, RollupBucket?)"/>.</summary>
    internal static long MaxGrowth(RollupLimits limits, int visitorPrecision) =>
        Tally.MaxGrowth(limits.EventNames) + (3 * Tally.MaxGrowth(limits.Small)) + Tally.MaxGrowth(limits.Countries)
        + (2 * Tally.MaxGrowth(limits.Agents)) + Tally.MaxGrowth(limits.Currencies)
        + new HyperLogLog(visitorPrecision).ApproximateBytes + HyperLogLog.MaxGrowth(visitorPrecision)
        + (2 * (new SpaceSaving(TopCapacity).ApproximateBytes + SpaceSaving.MaxGrowth(TopCapacity)));

    /// <summary>
    /// Counts <paramref name="row"/>, whose visitor id hashes to <paramref name="visitorHash"/> (null: no id). With
    /// <paramref name="mayGrow"/> off nothing takes more memory: new tally values go to <see cref="Tally.Other"/>, pages
    /// and referrers not in the top list to "(other)", and a visitor that needs a larger sketch is not added. New tally
    /// values that <paramref name="shared"/> (a bucket that outlives this one) keeps reuse its strings. Returns how much
    /// <see cref="ApproximateBytes"/> grew, computed only where something was allocated.
    /// </summary>
    internal long Add(EventRow row, ulong? visitorHash, bool mayGrow, RollupBucket? shared)
    {
        Events++;
        var grown = EventNames.Add(row.EventName, 1, mayGrow, shared?.EventNames);
        grown += Channels.Add(row.Channel, 1, mayGrow, shared?.Channels);
        grown += Countries.Add(row.Country, 1, mayGrow, shared?.Countries);
        grown += ReferrerMedia.Add(row.ReferrerMedium, 1, mayGrow, shared?.ReferrerMedia);
        grown += Browsers.Add(row.UaBrowser, 1, mayGrow, shared?.Browsers);
        grown += OperatingSystems.Add(row.UaOs, 1, mayGrow, shared?.OperatingSystems);
        grown += Devices.Add(row.UaDevice, 1, mayGrow, shared?.Devices);
        if (row.IsBot)
        {
            Bots++;
        }

        if (row.Channel == "email")
        {
            if (row.IsMachineOpen)
            {
                MachineOpens++;
            }
            else if (!row.IsBot)
            {
                HumanOpens++;
            }
        }

        if (!row.IsBot && ConversionEvents.Contains(row.EventName))
        {
            Conversions++;
            if (row.Value is { } value && double.IsFinite(value) && row.Currency is { Length: > 0 } currency)
            {
                grown += ValueByCurrency.Add(currency, (long)Math.Round(value * 100, MidpointRounding.AwayFromZero), mayGrow, shared?.ValueByCurrency);
            }
        }

        if (visitorHash is { } hash)
        {
            if (_visitors is { } visitors)
            {
                var before = visitors.ApproximateBytes;
                visitors.AddHash(hash, mayGrow);
                grown += visitors.ApproximateBytes - before;
            }
            else if (mayGrow)
            {
                (_visitors = new HyperLogLog(_visitorPrecision)).AddHash(hash);
                grown += _visitors.ApproximateBytes;
            }
        }

        if (row.PageHost is { Length: > 0 } host)
        {
            Span<char> buffer = stackalloc char[SpaceSaving.MaxItemLength + 1];
            grown += AddTop(ref _pages, ref _pagesOther, PageKey(host, row.PagePath, buffer), mayGrow);
        }

        var referrer = row.ReferrerHost is { Length: > 0 } referrerHost ? referrerHost : Tally.Unknown;
        return grown + AddTop(ref _referrers, ref _referrersOther, referrer, mayGrow);
    }

    /// <summary>A copy that goes on independently.</summary>
    internal RollupBucket Clone() => new(this);

    /// <summary>Sets the sketches and overflow counters read from a snapshot.</summary>
    internal void Restore(HyperLogLog? visitors, bool visitorsUnknown, SpaceSaving? pages, SpaceSaving? referrers, long pagesOther, long referrersOther)
    {
        _visitors = visitors;
        _visitorsUnknown = visitorsUnknown;
        _pages = pages;
        _referrers = referrers;
        _pagesOther = pagesOther;
        _referrersOther = referrersOther;
    }

    /// <summary><c>host + path</c> in <paramref name="buffer"/>, without a query string or fragment, cut one past the sketch's item length (the sketch cuts it at a character boundary).</summary>
    internal static ReadOnlySpan<char> PageKey(string host, string? path, Span<char> buffer)
    {
        var rest = path.AsSpan();
        var end = rest.IndexOfAny('?', '#');
        if (end >= 0)
        {
            rest = rest[..end];
        }

        if (rest.IsEmpty)
        {
            rest = "/";
        }

        var length = Math.Min(host.Length, buffer.Length);
        host.AsSpan(0, length).CopyTo(buffer);
        var more = Math.Min(rest.Length, buffer.Length - length);
        rest[..more].CopyTo(buffer[length..]);
        return buffer[..(length + more)];
    }

    private static long AddTop(ref SpaceSaving? sketch, ref long other, ReadOnlySpan<char> item, bool mayGrow)
    {
        if (mayGrow)
        {
            var created = 0L;
            if (sketch is null)
            {
                sketch = new SpaceSaving(TopCapacity);
                created = sketch.ApproximateBytes;
            }

            return created + sketch.Add(item);
        }

        if (sketch is null || !sketch.TryIncrement(item))
        {
            other++;
        }

        return 0;
    }

    private static List<KeyValuePair<string, long>> Top(SpaceSaving? sketch, long other, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var top = new List<KeyValuePair<string, long>>(TopCapacity + 1);
        var otherAt = -1;
        foreach (var entry in sketch?.Top(TopCapacity) ?? [])
        {
            otherAt = entry.Item == Tally.Other ? top.Count : otherAt;
            top.Add(KeyValuePair.Create(entry.Item, entry.Count));
        }

        if (other > 0)
        {
            if (otherAt >= 0)
            {
                top[otherAt] = KeyValuePair.Create(Tally.Other, top[otherAt].Value + other);
            }
            else
            {
                top.Add(KeyValuePair.Create(Tally.Other, other));
            }

            top.Sort(static (a, b) => b.Value != a.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        }

        if (top.Count > n)
        {
            top.RemoveRange(n, top.Count - n);
        }

        return top;
    }
}
