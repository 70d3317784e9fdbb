using System.Security.Cryptography;
using System.Text;
using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Tests.Enrichment;

public sealed class TimeAndIdentityTests
{
    private static readonly DateTimeOffset Log = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // No ts: the log timestamp.
    [InlineData(null, false)]
    // Equal to the log time: believed.
    [InlineData(0L, true)]
    // Exactly 24 h earlier: believed (offline queue, late email open).
    [InlineData(-24 * 3_600_000L, true)]
    // One millisecond more than 24 h earlier: not believed.
    [InlineData(-24 * 3_600_000L - 1, false)]
    // Exactly 5 min later (clock skew): believed.
    [InlineData(5 * 60_000L, true)]
    // Just over 5 min in the future: not believed.
    [InlineData(5 * 60_000L + 1, false)]
    public void Client_ts_is_used_only_inside_24h_before_to_5min_after_the_log_time(long? offsetMs, bool usesClient)
    {
        var ts = offsetMs + Log.ToUnixTimeMilliseconds();

        var resolved = EventTime.Resolve(ts, Log);

        Assert.Equal(usesClient ? EventTimeSource.ClientTimestamp : EventTimeSource.LogTimestamp, resolved.Source);
        Assert.Equal(usesClient ? DateTimeOffset.FromUnixTimeMilliseconds(ts!.Value) : Log, resolved.Time);
        Assert.Contains(usesClient ? "client ts" : "log timestamp", resolved.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void The_window_is_configurable()
    {
        var ts = Log.AddHours(-2).ToUnixTimeMilliseconds();

        Assert.Equal(EventTimeSource.LogTimestamp, EventTime.Resolve(ts, Log, new(TimeSpan.FromHours(1), TimeSpan.Zero)).Source);
        Assert.Equal(EventTimeSource.ClientTimestamp, EventTime.Resolve(ts, Log, new(TimeSpan.FromHours(3), TimeSpan.Zero)).Source);
    }

    [Theory]
    // Extremes do not overflow.
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void Absurd_ts_falls_back_to_the_log_time(long ts)
    {
        Assert.Equal(Log, EventTime.Resolve(ts, Log).Time);
    }

    [Theory]
    // Zero-padded.
    [InlineData("2025-01-02T03:04:05Z", "2025", "01", "02", "03")]
    // Last hour of the year.
    [InlineData("2024-12-31T23:59:59.999Z", "2024", "12", "31", "23")]
    // A non-UTC offset is converted first: 01:30 at +02:00 is 23:30 the previous day in UTC.
    [InlineData("2025-03-01T01:30:00+02:00", "2025", "02", "28", "23")]
    public void Partition_keys_are_zero_padded_utc_parts(string time, string year, string month, string day, string hour)
    {
        Assert.Equal(new PartitionKeys(year, month, day, hour), PartitionKeys.From(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    // Used as given.
    [InlineData("order-123", "order-123")]
    // Trimmed.
    [InlineData("  order-123\t", "order-123")]
    // Exactly 128 characters is accepted.
    [InlineData("128", "128")]
    public void A_usable_eid_becomes_the_event_id(string eid, string expected)
    {
        if (eid == "128")
        {
            eid = expected = new string('e', 128);
        }

        var resolved = EventIds.Resolve(eid, "req"u8, 1);

        Assert.Equal((expected, EventIdSource.Client, (string?)null), (resolved.Id, resolved.Source, resolved.Note));
    }

    [Theory]
    // Blank after trimming.
    [InlineData("   ")]
    // 129 characters.
    [InlineData("129")]
    // A control character.
    [InlineData("a\nb")]
    public void An_unusable_eid_is_rejected_to_the_fingerprint_with_a_note(string eid)
    {
        if (eid == "129")
        {
            eid = new string('e', 129);
        }

        var resolved = EventIds.Resolve(eid, "req"u8, 1);

        Assert.Equal(EventIdSource.Fingerprint, resolved.Source);
        Assert.Equal(EventIds.Fingerprint("req"u8, 1), resolved.Id);
        Assert.NotNull(resolved.Note);
    }

    [Fact]
    public void Fingerprint_is_sha256_of_the_framed_request_id_and_timestamp()
    {
        byte[] message = [0, 0, 0, 3, .. "abc"u8, 0, 0, 1, 0x8B, 0xCF, 0xE5, 0x68, 0x00];
        var expected = "fp_" + Convert.ToHexStringLower(SHA256.HashData(message).AsSpan(0, 16));

        Assert.Equal(expected, EventIds.Fingerprint("abc"u8, 1_700_000_000_000));
    }

    [Fact]
    public void Fingerprint_is_deterministic_and_differs_per_request_id_and_timestamp()
    {
        var id = EventIds.Resolve(null, Encoding.ASCII.GetBytes("r1"), 5);

        Assert.Equal(id, EventIds.Resolve(null, Encoding.ASCII.GetBytes("r1"), 5));
        Assert.NotEqual(id.Id, EventIds.Resolve(null, Encoding.ASCII.GetBytes("r2"), 5).Id);
        Assert.NotEqual(id.Id, EventIds.Resolve(null, Encoding.ASCII.GetBytes("r1"), 6).Id);
        Assert.Null(id.Note);
    }
}
