using Gateway.Catalog.DuckDb;

namespace Gateway.Catalog.Tests.DuckDb;

public sealed class DuckDbTemporalTests : InMemoryDuckDb
{
    [Theory]
    // Before the epoch, where truncating division would round the wrong way.
    [InlineData("1969-12-31 23:59:59.999999", "1969-12-31T23:59:59.9999990Z")]
    [InlineData("1900-01-01 00:00:00.000001", "1900-01-01T00:00:00.0000010Z")]
    [InlineData("0001-01-01 00:00:00", "0001-01-01T00:00:00.0000000Z")]
    [InlineData("9999-12-31 23:59:59.999999", "9999-12-31T23:59:59.9999990Z")]
    [InlineData("1970-01-01 00:00:00", "1970-01-01T00:00:00.0000000Z")]
    public void Timestamps_far_before_and_after_1970_are_exact_utc(string literal, string expected)
    {
        using var result = Connection.Query($"""
            SELECT TIMESTAMP '{literal}', TIMESTAMPTZ '{literal}+00',
                   date_trunc('second', TIMESTAMP '{literal}')::TIMESTAMP_S, date_trunc('millisecond', TIMESTAMP '{literal}')::TIMESTAMP_MS
            """);

        var exact = DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(exact, result.GetTimestamp(0, 0));
        Assert.Equal(exact, result.GetTimestamp(1, 0));
        Assert.Equal(TruncateTo(exact, TimeSpan.TicksPerSecond), result.GetTimestamp(2, 0));
        Assert.Equal(TruncateTo(exact, TimeSpan.TicksPerMillisecond), result.GetTimestamp(3, 0));
        Assert.Equal(
            [DuckDbType.Timestamp, DuckDbType.TimestampTz, DuckDbType.TimestampSeconds, DuckDbType.TimestampMilliseconds],
            Enumerable.Range(0, 4).Select(result.ColumnType));
    }

    [Theory]
    [InlineData("1677-09-22 00:00:00.000000100", "1677-09-22T00:00:00.0000001Z")]
    [InlineData("1969-12-31 23:59:59.999999900", "1969-12-31T23:59:59.9999999Z")]
    [InlineData("2024-02-29 13:14:15.123456700", "2024-02-29T13:14:15.1234567Z")]
    public void Nanosecond_timestamps_are_exact_to_the_tick(string literal, string expected)
    {
        using var result = Connection.Query($"SELECT TIMESTAMP_NS '{literal}'");

        Assert.Equal(DuckDbType.TimestampNanoseconds, result.ColumnType(0));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result.GetTimestamp(0, 0));
    }

    [Fact]
    public void Nanosecond_timestamps_before_1970_floor_to_ticks()
    {
        using var result = Connection.Query("SELECT TIMESTAMP_NS '1969-12-31 23:59:59.999999950', TIMESTAMP_NS '2262-04-11 23:47:16.854775806'");

        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks(-1), result.GetTimestamp(0, 0));
        Assert.Equal(new DateTimeOffset(2262, 4, 11, 23, 47, 16, TimeSpan.Zero).AddTicks(8547758), result.GetTimestamp(1, 0));
    }

    [Fact]
    public void Infinite_timestamps_and_dates_map_to_the_clr_extremes()
    {
        using var result = Connection.Query("SELECT 'infinity'::TIMESTAMP, '-infinity'::TIMESTAMP, 'infinity'::DATE, '-infinity'::DATE");

        Assert.Equal(DateTimeOffset.MaxValue, result.GetTimestamp(0, 0));
        Assert.Equal(DateTimeOffset.MinValue, result.GetTimestamp(1, 0));
        Assert.Equal(DateOnly.MaxValue, result.GetDate(2, 0));
        Assert.Equal(DateOnly.MinValue, result.GetDate(3, 0));
    }

    [Fact]
    public void Timestamps_outside_years_1_to_9999_raise_overflow_instead_of_wrapping()
    {
        using var result = Connection.Query("SELECT TIMESTAMP '10000-01-01 00:00:00', DATE '10000-01-01', TIMESTAMP '0001-01-01 00:00:00' - INTERVAL 1 DAY");

        Assert.Throws<OverflowException>(() => result.GetTimestamp(0, 0));
        Assert.Throws<OverflowException>(() => result.GetDate(1, 0));
        Assert.Throws<OverflowException>(() => result.GetTimestamp(2, 0));
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1969-12-31")]
    [InlineData("1970-01-01")]
    [InlineData("2024-02-29")]
    [InlineData("9999-12-31")]
    public void Dates_from_year_1_to_9999_are_exact(string literal)
    {
        using var result = Connection.Query($"SELECT DATE '{literal}'");

        Assert.Equal(DateOnly.Parse(literal, System.Globalization.CultureInfo.InvariantCulture), result.GetDate(0, 0));
    }

    [Fact]
    public void Time_reads_as_time_only()
    {
        using var result = Connection.Query("SELECT TIME '00:00:00', TIME '23:59:59.999999'");

        Assert.Equal(TimeOnly.MinValue, result.GetValue(0, 0));
        Assert.Equal(TimeOnly.MaxValue.Add(TimeSpan.FromTicks(-9)), result.GetValue(1, 0));
    }

    private static DateTimeOffset TruncateTo(DateTimeOffset value, long ticks) =>
        new(value.UtcTicks - (((value.UtcTicks % ticks) + ticks) % ticks), TimeSpan.Zero);
}
