namespace Gateway.Catalog.Tests.Queries;

/// <summary>Table assertions that name the row and column that differ.</summary>
internal static class Expect
{
    public static void Table(IReadOnlyList<string> columns, IReadOnlyList<object?[]> expected, Table actual)
    {
        Assert.Equal(columns, actual.Columns);
        for (var r = 0; r < Math.Min(expected.Count, actual.Rows.Count); r++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (!Same(expected[r][c], actual.Rows[r][c]))
                {
                    Assert.Fail($"row {r}, column {columns[c]}: expected {Show(expected[r][c])}, got {Show(actual.Rows[r][c])}\n"
                        + $"expected row: {string.Join(" | ", expected[r].Select(Show))}\nactual row:   {string.Join(" | ", actual.Rows[r].Select(Show))}");
                }
            }
        }

        Assert.True(expected.Count == actual.Rows.Count, $"expected {expected.Count} rows, got {actual.Rows.Count}");
    }

    /// <summary>Orders strings as both engines do (byte order, which is ordinal for this ASCII data) with NULL last.</summary>
    public static int NullsLast(string? a, string? b) =>
        a is null ? (b is null ? 0 : 1) : b is null ? -1 : string.CompareOrdinal(a, b);

    public static DateTimeOffset Hour(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    public static DateTimeOffset Day(DateTimeOffset t) => new(t.UtcDateTime.Date, TimeSpan.Zero);

    private static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (double e, double a) => Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)),
        (int e, long a) => e == a,
        _ => Equals(expected, actual),
    };

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture),
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => $"{value} ({value.GetType().Name})",
    };
}
