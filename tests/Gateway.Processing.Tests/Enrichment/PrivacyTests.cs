using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Tests.Enrichment;

public sealed class PrivacyTests
{
    private static readonly byte[] Secret = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly DateTimeOffset Noon = new(2025, 3, 14, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    // IPv4 keeps the first three octets.
    [InlineData("203.0.113.77", "203.0.113.0")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.0")]
    // IPv6 keeps 48 bits, written in compressed form.
    [InlineData("2001:db8:abcd:12:34::1", "2001:db8:abcd::")]
    // Expanded input is canonicalised (leading zeros and case).
    [InlineData("2001:0DB8:0000:0012:0000:0000:0000:0001", "2001:db8::")]
    // A zone id is dropped with the host bits.
    [InlineData("fe80::1%eth0", "fe80::")]
    // IPv4-mapped IPv6 is an IPv4 client: /24.
    [InlineData("::ffff:198.51.100.9", "198.51.100.0")]
    // Garbage and forms no edge writes are null.
    [InlineData("", null)]
    [InlineData("not-an-ip", null)]
    [InlineData("1", null)]
    [InlineData("0x7f.0.0.1", null)]
    [InlineData("256.1.1.1", null)]
    [InlineData("1.2.3", null)]
    [InlineData("1.2.3.4.5", null)]
    [InlineData("1.2.3.4 ", null)]
    // Leading zeros read as octal by some parsers: refused rather than guessed.
    [InlineData("010.0.0.1", null)]
    [InlineData("1.2.3.00", null)]
    [InlineData("2001:db8::g", null)]
    public void Ip_prefix_is_a_slash_24_or_slash_48_or_null(string ip, string? expected)
    {
        Assert.Equal(expected, IpPrefix.From(ip));
    }

    [Fact]
    public void Ip_prefix_of_null_is_null()
    {
        Assert.Null(IpPrefix.From(null));
    }

    [Fact]
    public void Daily_salt_is_hmac_of_the_secret_over_the_dated_label()
    {
        var expected = HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes("visitor-salt:2025-03-14"));

        Assert.Equal(expected, VisitorIds.DailySalt(Secret, new DateOnly(2025, 3, 14)));
    }

    [Fact]
    public void Visitor_id_matches_an_independent_hmac_computation()
    {
        var salt = HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes("visitor-salt:2025-03-14"));
        using var hmac = new HMACSHA256(salt);
        var message = Frame("px1").Concat(Frame("203.0.113.77")).Concat(Frame("Mozilla/5.0 (X11) Ünïcode")).ToArray();
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(message).AsSpan(0, 16));

        var id = new VisitorIds(Secret).Anonymous("px1", "203.0.113.77", "Mozilla/5.0 (X11) Ünïcode", Noon);

        Assert.Equal(expected, id);
        Assert.Equal(32, id.Length);
    }

    [Fact]
    public void Uid_visitor_id_matches_an_independent_hmac_computation()
    {
        using var hmac = new HMACSHA256(HMACSHA256.HashData(Secret, Encoding.ASCII.GetBytes("visitor-uid")));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash([.. Frame("px1"), .. Frame("user-42")]).AsSpan(0, 16));

        Assert.Equal(expected, new VisitorIds(Secret).FromUserId("px1", "user-42"));
    }

    [Fact]
    public void Same_inputs_on_the_same_utc_day_give_the_same_id()
    {
        var ids = new VisitorIds(Secret);

        Assert.Equal(
            ids.Anonymous("px1", "203.0.113.77", "UA", new DateTimeOffset(2025, 3, 14, 0, 0, 0, TimeSpan.Zero)),
            ids.Anonymous("px1", "203.0.113.77", "UA", new DateTimeOffset(2025, 3, 14, 23, 59, 59, 999, TimeSpan.Zero)));
    }

    [Fact]
    public void The_id_rotates_at_utc_midnight_not_local_midnight()
    {
        var ids = new VisitorIds(Secret);
        var beforeMidnightUtc = new DateTimeOffset(2025, 3, 14, 23, 59, 59, TimeSpan.Zero);

        // 01:00 on the 15th in UTC+2 is still the 14th in UTC: same id.
        Assert.Equal(ids.Anonymous("p", "1.2.3.4", "UA", beforeMidnightUtc), ids.Anonymous("p", "1.2.3.4", "UA", new DateTimeOffset(2025, 3, 15, 1, 0, 0, TimeSpan.FromHours(2))));
        Assert.NotEqual(ids.Anonymous("p", "1.2.3.4", "UA", beforeMidnightUtc), ids.Anonymous("p", "1.2.3.4", "UA", beforeMidnightUtc.AddSeconds(1)));
    }

    [Fact]
    public void Switching_back_to_an_earlier_day_still_uses_that_days_salt()
    {
        var ids = new VisitorIds(Secret);
        var first = ids.Anonymous("p", "1.2.3.4", "UA", Noon);
        _ = ids.Anonymous("p", "1.2.3.4", "UA", Noon.AddDays(1));

        Assert.Equal(first, ids.Anonymous("p", "1.2.3.4", "UA", Noon));
    }

    [Fact]
    public void A_different_secret_gives_a_different_id()
    {
        var other = Secret.Select(b => (byte)(b ^ 0xFF)).ToArray();

        Assert.NotEqual(new VisitorIds(Secret).Anonymous("p", "1.2.3.4", "UA", Noon), new VisitorIds(other).Anonymous("p", "1.2.3.4", "UA", Noon));
        Assert.NotEqual(new VisitorIds(Secret).FromUserId("p", "u"), new VisitorIds(other).FromUserId("p", "u"));
    }

    [Theory]
    // Changing any one input changes the id.
    [InlineData("q", "1.2.3.4", "UA")]
    [InlineData("p", "1.2.3.5", "UA")]
    [InlineData("p", "1.2.3.4", "UB")]
    // Moving bytes between fields changes the id: the framing keeps fields apart.
    [InlineData("p1", ".2.3.4", "UA")]
    public void Any_changed_field_changes_the_anonymous_id(string pixel, string ip, string ua)
    {
        var ids = new VisitorIds(Secret);

        Assert.NotEqual(ids.Anonymous("p", "1.2.3.4", "UA", Noon), ids.Anonymous(pixel, ip, ua, Noon));
    }

    [Fact]
    public void Uid_id_is_stable_across_days_and_ips_and_never_contains_the_uid()
    {
        var ids = new VisitorIds(Secret);
        var id = ids.FromUserId("px1", "alice@example.com");

        Assert.Equal(id, new VisitorIds(Secret).FromUserId("px1", "alice@example.com"));
        Assert.NotEqual(id, ids.FromUserId("px2", "alice@example.com"));
        Assert.DoesNotContain("alice", id, StringComparison.Ordinal);
    }

    [Fact]
    public void The_id_never_contains_the_ip()
    {
        var id = new VisitorIds(Secret).Anonymous("p", "10.0.0.1", "UA", Noon);

        Assert.DoesNotContain("10.0.0.1", id, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public void A_user_agent_over_8_KiB_is_hashed_by_its_first_8_KiB()
    {
        var ids = new VisitorIds(Secret);
        var long1 = new string('a', 8192) + "tail-one";
        var long2 = new string('a', 8192) + "tail-two";

        Assert.Equal(ids.Anonymous("p", "1.2.3.4", long1, Noon), ids.Anonymous("p", "1.2.3.4", long2, Noon));
        Assert.NotEqual(ids.Anonymous("p", "1.2.3.4", long1, Noon), ids.Anonymous("p", "1.2.3.4", new string('a', 8191), Noon));
    }

    [Theory]
    // Missing.
    [InlineData(0, "missing")]
    // One byte short.
    [InlineData(31, "only 31 bytes")]
    public void A_missing_or_short_secret_is_a_configuration_error_naming_the_fix(int length, string says)
    {
        var error = Assert.Throws<ArgumentException>(() => new VisitorIds(new byte[length]));

        Assert.Contains(says, error.Message, StringComparison.Ordinal);
        Assert.Contains("at least 32 random bytes", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Frame(string field)
    {
        var bytes = Encoding.UTF8.GetBytes(field);
        var framed = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed, bytes.Length);
        bytes.CopyTo(framed, 4);
        return framed;
    }
}
