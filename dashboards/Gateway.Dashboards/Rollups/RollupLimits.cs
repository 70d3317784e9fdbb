namespace Gateway.Dashboards.Rollups;

/// <summary>Limits of one bucket: how many distinct values each dimension keeps.</summary>
/// <remarks>Pages and referrer hosts are not tallies but space-saving sketches of <see cref="RollupBucket.TopCapacity"/> counters.</remarks>
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

    /// <summary>Distinct currencies summed in conversion value.</summary>
    public int Currencies { get; init; } = 16;
}
