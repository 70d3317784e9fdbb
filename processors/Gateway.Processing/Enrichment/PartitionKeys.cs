namespace Gateway.Processing.Enrichment;

/// <summary>Hive partition keys (year=YYYY/month=MM/day=DD/hour=HH), zero-padded, from <c>event_time</c> in UTC.</summary>
public readonly record struct PartitionKeys(string Year, string Month, string Day, string Hour)
{
    // Month, day and hour strings are shared so a record costs at most the year string.
    private static readonly string[] TwoDigits = [.. Enumerable.Range(0, 32).Select(i => i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture))];

    // Years a live pipeline sees are shared too; others are formatted on demand.
    private static readonly string[] Years = [.. Enumerable.Range(FirstSharedYear, 200).Select(i => i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))];

    private const int FirstSharedYear = 1970;

    /// <summary>The keys for <paramref name="eventTime"/>, converted to UTC first.</summary>
    public static PartitionKeys From(DateTimeOffset eventTime)
    {
        var utc = eventTime.UtcDateTime;
        var year = (uint)(utc.Year - FirstSharedYear) < (uint)Years.Length
            ? Years[utc.Year - FirstSharedYear]
            : utc.Year.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        return new(year, TwoDigits[utc.Month], TwoDigits[utc.Day], TwoDigits[utc.Hour]);
    }
}
