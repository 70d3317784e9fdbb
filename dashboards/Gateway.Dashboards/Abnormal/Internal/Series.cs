namespace Gateway.Dashboards.Abnormal.Internal;

/// <summary>One judged minute: the value, the weight (events, for shares), and the baseline it was held against.</summary>
internal readonly record struct Reading(double Value, double Weight, double Mean, double Deviation, double Z);

/// <summary>Everything the detector keeps about one series; owned by the writer, under the detector's lock.</summary>
internal sealed class Series(SeriesKey key)
{
    /// <summary>A minute that never happened (no events yet, no run in progress).</summary>
    public const long Never = long.MinValue;

    public SeriesKey Key { get; } = key;

    // Recency list links: the detector forgets from the oldest end.
    public Series? Older { get; set; }

    public Series? Newer { get; set; }

    // The open minute's data: a sum of counts, or for shares the sum of share × weight and of weights.
    public double Sum { get; set; }

    public double Weight { get; set; }

    // The EWMA baseline, and how many minutes it has learnt from (the warm-up counts these).
    public long Minutes { get; set; }

    public double Mean { get; set; }

    public double Variance { get; set; }

    // Consecutive abnormal minutes in one direction that have not (yet) started an alert.
    public int Run { get; set; }

    public int RunSign { get; set; }

    public long RunStart { get; set; } = Never;

    public Reading RunPeak { get; set; }

    // The last minute with events (appearance series).
    public long LastActive { get; set; } = Never;

    public OpenAlert? Alert { get; set; }
}

/// <summary>An alert that has not ended yet.</summary>
internal sealed class OpenAlert
{
    public AlertCause Cause { get; init; }

    public long Start { get; init; }

    public long LastSeen { get; set; }

    public int CalmRun { get; set; }

    public long CalmStart { get; set; } = Series.Never;

    /// <summary>Quiet minutes before an appearance, or −1 when the series had never had events.</summary>
    public long QuietBefore { get; init; } = -1;

    /// <summary>The strongest minute (the first, for appearances); the reason describes it.</summary>
    public Reading Peak { get; set; }

    public Reading Latest { get; set; }

    public string? Reason { get; set; }
}
