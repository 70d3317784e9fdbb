namespace Gateway.Processing.Enrichment;

/// <summary>Hive partition keys (year=YYYY/month=MM/day=DD/hour=HH), zero-padded, from <c>event_time</c> in UTC.</summary>
public readonly record struct PartitionKeys(string Year, string Month, string Day, string Hour)
{
    // Month, day and hour strings are shared so a record costs at most the year string.
    private static readonly string[] TwoDigits = [.. Enumerable.Range(0, 32).Select(i => i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The keys for <paramref name="eventTime"/>, converted to UTC first.</summary>
    public static PartitionKeys From(DateTimeOffset eventTime)
    {
        var utc = eventTime.UtcDateTime;
        return new(utc.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), TwoDigits[utc.Month], TwoDigits[utc.Day], TwoDigits[utc.Hour]);
    }
}
