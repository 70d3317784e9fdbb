namespace Gateway.Dashboards.Abnormal;

/// <summary>
/// An abnormal stretch of one series. Times are minute starts (UTC). <see cref="Reason"/> describes the strongest minute
/// so far (for <see cref="AlertCause.Appeared"/>, the first one); the value, baseline and z fields are the latest minute's.
/// </summary>
/// <param name="Series">The series that is abnormal.</param>
/// <param name="Cause">Spike, drop, or events appearing after quiet.</param>
/// <param name="Reason">One human-readable line, e.g. <c>purchase on px1: 240/min against a usual 12 ± 4.5/min (z = 51)</c>.</param>
/// <param name="Start">The first minute of the abnormal run.</param>
/// <param name="LastSeen">The last minute still abnormal: outside the calm band (z-score alerts) or with events (appearance alerts).</param>
/// <param name="End">The first minute of the calm run that ended the alert; null while it is active.</param>
/// <param name="CurrentValue">The latest minute's value: events per minute, or the share (0–1) for <see cref="AbnormalKind.BotShare"/>.</param>
/// <param name="BaselineMean">The baseline mean the latest minute was judged against.</param>
/// <param name="BaselineDeviation">The deviation the z-score divided by: the baseline's, or the floor when that is larger.</param>
/// <param name="Z">The latest minute's z-score, (value − mean) / deviation.</param>
public sealed record AbnormalAlert(
    SeriesKey Series,
    AlertCause Cause,
    string Reason,
    DateTimeOffset Start,
    DateTimeOffset LastSeen,
    DateTimeOffset? End,
    double CurrentValue,
    double BaselineMean,
    double BaselineDeviation,
    double Z)
{
    /// <summary>The kind of the series.</summary>
    public AbnormalKind Kind => Series.Kind;

    /// <summary>True until the alert has ended.</summary>
    public bool IsActive => End is null;
}
