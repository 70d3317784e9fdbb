namespace Gateway.Dashboards.Abnormal;

/// <summary>What a series measures, which decides how its minutes are judged.</summary>
public enum AbnormalKind : byte
{
    /// <summary>Events per minute of one event name on one pixel; judged by z-score against the series' baseline.</summary>
    EventRate = 1,

    /// <summary>Share of bot events among all events of one pixel per minute; judged by z-score with binomial variance.</summary>
    BotShare = 2,

    /// <summary>Bad rows per minute (global, or per reason in the label); judged by z-score.</summary>
    BadRowRate = 3,

    /// <summary>Events per minute whose pixel id is not configured; alerts when the id appears after a quiet spell.</summary>
    UnknownPixel = 4,

    /// <summary>Events per minute on one pixel from a blocked domain; alerts when they appear after a quiet spell.</summary>
    BlockedDomain = 5,
}

/// <summary>Why an alert was raised.</summary>
public enum AlertCause : byte
{
    /// <summary>The value rose at least the threshold's deviations above the baseline.</summary>
    Spike = 1,

    /// <summary>The value fell at least the threshold's deviations below the baseline.</summary>
    Drop = 2,

    /// <summary>Events appeared on a series that was quiet (or never seen): unknown pixel ids and blocked domains.</summary>
    Appeared = 3,
}
