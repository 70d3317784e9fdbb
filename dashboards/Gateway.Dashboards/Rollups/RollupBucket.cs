using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Rollups;

/// <summary>Limits of one bucket: how many distinct values each dimension keeps.</summary>
public sealed record RollupLimits
{
    /// <summary>Distinct event names.</summary>
    public int EventNames { get; init; } = 64;

    /// <summary>Distinct values of the small dimensions (channel, referrer medium, device type).</summary>
    public int Small { get; init; } = 16;

    /// <summary>Distinct countries.</summary>
    public int Countries { get; init; } = 256;

    /// <summary>Distinct browsers and operating systems.</summary>
    public int Agents { get; init; } = 64;

    /// <summary>Distinct referrer hosts.</summary>
    public int ReferrerHosts { get; init; } = 128;

    /// <summary>Distinct currencies summed in conversion value.</summary>
    public int Currencies { get; init; } = 16;
}

/// <summary>
/// The counters of one pixel over one bucket of time (a minute or an hour): events by event name, channel, country,
/// referrer host and medium, browser, OS and device; bots against humans; email opens by privacy proxies (machine)
/// against people; conversions and their value by currency.
/// </summary>
/// <remarks>Conversions are the events named in <see cref="ConversionEvents"/>; value is summed per currency as sent.</remarks>
public sealed class RollupBucket
{
    /// <summary>The event names counted as conversions.</summary>
    public static IReadOnlySet<string> ConversionEvents { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "purchase", "lead", "signup", "subscribe", "start_trial", "contact", "schedule",
    };

    /// <summary>An empty bucket.</summary>
    public RollupBucket(RollupLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        EventNames = new Tally(limits.EventNames);
        Channels = new Tally(limits.Small);
        Countries = new Tally(limits.Countries);
        ReferrerHosts = new Tally(limits.ReferrerHosts);
        ReferrerMedia = new Tally(limits.Small);
        Browsers = new Tally(limits.Agents);
        OperatingSystems = new Tally(limits.Agents);
        Devices = new Tally(limits.Small);
        ValueByCurrency = new Tally(limits.Currencies);
    }

    /// <summary>All events.</summary>
    public long Events { get; private set; }

    /// <summary>Events from bots.</summary>
    public long Bots { get; private set; }

    /// <summary>Email opens (channel <c>email</c>) by a person.</summary>
    public long HumanOpens { get; private set; }

    /// <summary>Email opens by a privacy proxy or a scanner, not a person.</summary>
    public long MachineOpens { get; private set; }

    /// <summary>Conversions (<see cref="ConversionEvents"/>), bots excluded.</summary>
    public long Conversions { get; private set; }

    /// <summary>Events by event name.</summary>
    public Tally EventNames { get; }

    /// <summary>Events by channel (web, email, server).</summary>
    public Tally Channels { get; }

    /// <summary>Events by country.</summary>
    public Tally Countries { get; }

    /// <summary>Events by referrer host (none: <see cref="Tally.Unknown"/>).</summary>
    public Tally ReferrerHosts { get; }

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

    /// <summary>Counts <paramref name="row"/>.</summary>
    public void Add(EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Events++;
        EventNames.Add(row.EventName);
        Channels.Add(row.Channel);
        Countries.Add(row.Country);
        ReferrerHosts.Add(row.ReferrerHost);
        ReferrerMedia.Add(row.ReferrerMedium);
        Browsers.Add(row.UaBrowser);
        OperatingSystems.Add(row.UaOs);
        Devices.Add(row.UaDevice);
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
                ValueByCurrency.Add(currency, (long)Math.Round(value * 100, MidpointRounding.AwayFromZero));
            }
        }
    }

    /// <summary>Adds every counter of <paramref name="other"/> (an hour from its minutes, all pixels from each).</summary>
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
        ReferrerHosts.Merge(other.ReferrerHosts);
        ReferrerMedia.Merge(other.ReferrerMedia);
        Browsers.Merge(other.Browsers);
        OperatingSystems.Merge(other.OperatingSystems);
        Devices.Merge(other.Devices);
        ValueByCurrency.Merge(other.ValueByCurrency);
    }
}
