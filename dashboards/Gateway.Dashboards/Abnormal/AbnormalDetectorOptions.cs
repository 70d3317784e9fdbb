namespace Gateway.Dashboards.Abnormal;

/// <summary>Settings of an <see cref="AbnormalDetector"/>; the defaults suit one gateway's per-minute traffic.</summary>
public sealed class AbnormalDetectorOptions
{
    /// <summary>
    /// Half-life of the EWMA baseline (mean and variance). One hour: long enough that a spike of a few minutes barely moves
    /// it, short enough that the daily rise and fall of traffic is followed without a seasonal model. The weight of each new
    /// minute is α = 1 − 2^(−1 / half-life in minutes), about 0.0115 for an hour.
    /// </summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromHours(1);

    /// <summary>|z| at or above which a minute is abnormal. An alert ends once |z| stays below half of it.</summary>
    public double Threshold { get; init; } = 4;

    /// <summary>Minutes a series must have been judged before it may alert; until then its baseline is still being learnt.</summary>
    public int WarmUpMinutes { get; init; } = 60;

    /// <summary>Consecutive abnormal minutes (same direction) that start an alert; one stray minute does not.</summary>
    public int MinutesToStart { get; init; } = 2;

    /// <summary>Consecutive calm minutes (|z| below half the threshold) that end an alert, so a series hovering near the threshold does not flap.</summary>
    public int MinutesToEnd { get; init; } = 3;

    /// <summary>
    /// Expected events per minute (for a share: expected bot events) below which a series counts as sparse and a fall is
    /// never a drop alert: quiet minutes are ordinary there. With the default threshold the deviation floor (√mean + 1) already
    /// needs a mean of about 23/min before a fall to zero reaches z = −4; this guard also holds for lower thresholds.
    /// </summary>
    public double MinimumDropMean { get; init; } = 10;

    /// <summary>
    /// Quiet minutes after which events of an unknown pixel id or a blocked domain count as appearing again (a new alert), and
    /// after which such an alert ends.
    /// </summary>
    public int QuietMinutes { get; init; } = 60;

    /// <summary>
    /// How long past the point where its end rule would have ended it an alert may go unconfirmed before
    /// <see cref="AbnormalDetector.Current"/> leaves it out: the writer closes minutes late or has stopped.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Most series followed; when a new one arrives the least recently observed is forgotten (and its alert ended). Pixel ids,
    /// event names and domains are untrusted, so this bounds memory: a series costs about 250 bytes plus its two strings.
    /// </summary>
    public int MaxSeries { get; init; } = 10_000;

    /// <summary>Most ended alerts kept in <see cref="AbnormalDetector.History"/>; older ones are dropped.</summary>
    public int MaxHistory { get; init; } = 1_000;

    /// <summary>Pixel ids and labels are cut to this many characters (the pixel id limit of the forward settings).</summary>
    public int MaxNameLength { get; init; } = 128;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(HalfLife, TimeSpan.FromMinutes(1), nameof(HalfLife));
        if (!double.IsFinite(Threshold) || Threshold <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "The threshold must be a positive number of deviations.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(WarmUpMinutes, nameof(WarmUpMinutes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinutesToStart, 1, nameof(MinutesToStart));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinutesToEnd, 1, nameof(MinutesToEnd));
        if (!double.IsFinite(MinimumDropMean) || MinimumDropMean < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumDropMean), MinimumDropMean, "The minimum drop mean must be a non-negative number.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(QuietMinutes, 1, nameof(QuietMinutes));
        ArgumentOutOfRangeException.ThrowIfLessThan(StaleAfter, TimeSpan.Zero, nameof(StaleAfter));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSeries, 1, nameof(MaxSeries));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxHistory, nameof(MaxHistory));
        // Room for a surrogate pair.
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNameLength, 2, nameof(MaxNameLength));
    }
}
