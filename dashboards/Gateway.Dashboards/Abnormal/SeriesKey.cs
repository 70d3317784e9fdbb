namespace Gateway.Dashboards.Abnormal;

/// <summary>
/// One series the detector follows: its kind, the pixel id (empty for global series) and a label (the event name, a bad-row
/// reason or a blocked domain; empty when there is none). Ordinal comparison throughout.
/// </summary>
/// <param name="Kind">What the series measures.</param>
/// <param name="Pixel">The pixel id; empty for global series such as bad rows.</param>
/// <param name="Label">The event name, bad-row reason or blocked domain; empty when there is none.</param>
public readonly record struct SeriesKey(AbnormalKind Kind, string Pixel, string Label)
{
    /// <summary>Events per minute of <paramref name="eventName"/> on <paramref name="pixel"/>.</summary>
    public static SeriesKey EventRate(string pixel, string eventName) => new(AbnormalKind.EventRate, pixel, eventName);

    /// <summary>Share of bot events on <paramref name="pixel"/>; observe it with the minute's event count as weight.</summary>
    public static SeriesKey BotShare(string pixel) => new(AbnormalKind.BotShare, pixel, "");

    /// <summary>Bad rows per minute, all reasons together or one <paramref name="reason"/>.</summary>
    public static SeriesKey BadRowRate(string reason = "") => new(AbnormalKind.BadRowRate, "", reason);

    /// <summary>Events per minute carrying <paramref name="pixelId"/>, which is not configured.</summary>
    public static SeriesKey UnknownPixel(string pixelId) => new(AbnormalKind.UnknownPixel, pixelId, "");

    /// <summary>Events per minute on <paramref name="pixel"/> from a blocked domain (<paramref name="domain"/>, or all blocked domains when empty).</summary>
    public static SeriesKey BlockedDomain(string pixel, string domain = "") => new(AbnormalKind.BlockedDomain, pixel, domain);

    /// <summary>The series as the alert reasons name it, e.g. <c>purchase on px1</c>.</summary>
    public override string ToString() => Kind switch
    {
        AbnormalKind.EventRate => $"{Label} on {Pixel}",
        AbnormalKind.BotShare => $"bot share on {Pixel}",
        AbnormalKind.BadRowRate => Label.Length == 0 ? "bad rows" : $"bad rows ({Label})",
        AbnormalKind.UnknownPixel => $"unknown pixel id {Pixel}",
        AbnormalKind.BlockedDomain => Label.Length == 0 ? $"blocked-domain events on {Pixel}" : $"blocked-domain events on {Pixel} from {Label}",
        _ => $"{Kind} {Pixel} {Label}",
    };

    internal bool IsShare => Kind == AbnormalKind.BotShare;

    // Unknown pixel ids and blocked domains alert on their first events after quiet, not on a z-score.
    internal bool AlertsOnAppearance => Kind is AbnormalKind.UnknownPixel or AbnormalKind.BlockedDomain;
}
