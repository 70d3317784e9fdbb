namespace Gateway.Dashboards.Rollups;

/// <summary>
/// Counts per value of one dimension (browser, country, …) in one bucket, bounded: past <see cref="Capacity"/> distinct
/// values, new ones are counted under <see cref="Other"/>, so a flood of made-up values cannot grow memory.
/// </summary>
public sealed class Tally
{
    /// <summary>The value that collects what did not fit, and events without a value are <see cref="Unknown"/>.</summary>
    public const string Other = "(other)";

    /// <summary>The value of an event that has none for this dimension.</summary>
    public const string Unknown = "(unknown)";

    /// <summary>Longest value kept, in characters; longer ones are cut.</summary>
    public const int MaxValueLength = 128;

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>A tally of at most <paramref name="capacity"/> distinct values (plus <see cref="Other"/>).</summary>
    public Tally(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>Most distinct values kept.</summary>
    public int Capacity { get; }

    /// <summary>The counts, by value.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>The sum of all counts.</summary>
    public long Total { get; private set; }

    /// <summary>Counts <paramref name="count"/> for <paramref name="value"/> (null or empty: <see cref="Unknown"/>).</summary>
    public void Add(string? value, long count = 1)
    {
        var key = string.IsNullOrEmpty(value) ? Unknown : value.Length > MaxValueLength ? value[..MaxValueLength] : value;
        if (!_counts.ContainsKey(key) && _counts.Count >= Capacity && key != Other)
        {
            key = Other;
        }

        _counts[key] = _counts.GetValueOrDefault(key) + count;
        Total += count;
    }

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Merge(Tally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (value, count) in other._counts)
        {
            Add(value, count);
        }
    }

    /// <summary>The <paramref name="n"/> largest counts, largest first (ties by value).</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Top(int n) =>
        [.. _counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(n)];
}
