using Gateway.Dashboards.Internal;
using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Dashboards.Abnormal;
using Gateway.Dashboards.Abnormal.Internal;
using static Gateway.Dashboards.Tests.Abnormal.Support.Traffic;

namespace Gateway.Dashboards.Tests.Abnormal;

public sealed class AbnormalStateTests
{
    private static readonly SeriesKey Bots = SeriesKey.BotShare("px1");
    private static readonly SeriesKey Typo = SeriesKey.UnknownPixel("px-typo");
    // Alternating 100 and 300 a minute: a deviation of 100, far above its Poisson floor of √200 + 1.
    private static readonly SeriesKey Bursty = SeriesKey.EventRate("px1", "checkout");

    [Fact]
    public void A_restored_detector_carries_on_exactly_like_the_original()
    {
        var original = Busy(minutes: 300, seed: 12);
        // Half of minute 300 is in when the process stops.
        original.Observe(Minute(300), Purchases, 250);
        original.Observe(Minute(300), Bots, 0.5, 300);
        var saved = original.ToBytes();

        var restored = AbnormalDetector.FromBytes(saved);

        Assert.Equal(saved, restored.ToBytes());
        Assert.Equal(original.Current(Minute(300)), restored.Current(Minute(300)));
        Assert.Equal(original.History, restored.History);
        Assert.NotEmpty(original.Current(Minute(300)));
        Assert.NotEmpty(original.History);
        foreach (var detector in new[] { original, restored })
        {
            var random = new Random(13);
            for (var minute = 300; minute < 330; minute++)
            {
                Count(detector, minute, Purchases, minute < 304 ? 250 : Poisson(random, 12));
                Count(detector, minute, PageViews, Poisson(random, 150));
                // The bursty series spikes after the restart: judged against its saved variance, far above the Poisson floor.
                Count(detector, minute, Bursty, minute is >= 320 and < 323 ? 1_000 : minute % 2 == 0 ? 100 : 300);
                Close(detector, minute);
            }
        }

        Assert.Equal(original.Current(Minute(330)), restored.Current(Minute(330)));
        Assert.Equal(original.History, restored.History);
        Assert.Equal(original.ToBytes(), restored.ToBytes());
        // The spike that began before the save ended after it, once, with its start intact.
        Assert.Single(restored.History, a => a.Series == Purchases && a.Start == Minute(299));
        // Judged against the saved deviation of about 100; the EWMA of an alternating series sways a little around 200.
        Assert.Matches(@"^checkout on px1: 1000/min against a usual 20\d ± (99|10\d)/min \(z = 8\)$", Assert.Single(restored.History, a => a.Series == Bursty).Reason);
    }

    [Fact]
    public void Downtime_between_save_and_restart_is_skipped_not_counted_as_silence()
    {
        var running = Busy(minutes: 240, seed: 14);
        var restored = AbnormalDetector.FromBytes(running.ToBytes());
        foreach (var detector in new[] { running, restored })
        {
            // Nothing between minute 240 and 300: a stopped process for one, a silent hour for the other.
            var random = new Random(15);
            for (var minute = 300; minute < 310; minute++)
            {
                Count(detector, minute, PageViews, Poisson(random, 150));
                Count(detector, minute, Purchases, Poisson(random, 12));
                Close(detector, minute);
            }
        }

        Assert.DoesNotContain(AllAlerts(restored, 309), a => a.Cause == AlertCause.Drop);
        Assert.Contains(AllAlerts(running, 309), a => a.Series == PageViews && a.Cause == AlertCause.Drop && a.Start == Minute(240));
    }

    [Fact]
    public void Restoring_with_a_smaller_cap_keeps_the_most_recently_observed_series()
    {
        var detector = new AbnormalDetector();
        for (var i = 0; i < 10; i++)
        {
            detector.Observe(Minute(i), SeriesKey.EventRate("px1", $"event{i}"), 1);
        }

        var restored = AbnormalDetector.FromBytes(detector.ToBytes(), new AbnormalDetectorOptions { MaxSeries = 3 });

        Assert.Equal(3, restored.SeriesCount);
        // The survivors are event7..event9: observing them again adds nothing.
        for (var i = 7; i < 10; i++)
        {
            restored.Observe(Minute(9), SeriesKey.EventRate("px1", $"event{i}"), 1);
        }

        Assert.Equal(3, restored.SeriesCount);
    }

    [Fact]
    public void The_checksum_is_standard_crc32()
    {
        // The check value of CRC-32/ISO-HDLC, as zlib.crc32(b"123456789") gives it.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Theory]
    // Nothing, or too short to hold magic, version and checksum.
    [InlineData("empty", "Not a saved abnormal-event detector")]
    // Another file's bytes.
    [InlineData("other magic", "Not a saved abnormal-event detector")]
    // A later format this build does not know.
    [InlineData("version 2", "format version 2; this build reads version 1")]
    // One bit flipped in a baseline.
    [InlineData("flipped bit", "is damaged: CRC-32")]
    // A write cut short.
    [InlineData("truncated", "is damaged: CRC-32")]
    // Intact checksum over a payload with an impossible kind.
    [InlineData("bad kind", "(series 1 of 2): kind 9 is not a series kind")]
    // Intact checksum over a baseline no traffic could make (its variance would overflow).
    [InlineData("huge mean", "(series 1 of 2): mean is 1E+300")]
    // Intact checksum over a baseline that is not a number (every z-score after it would be NaN, and no alert could start).
    [InlineData("NaN mean", "(series 1 of 2): mean is NaN")]
    // Intact checksum over a run of abnormal minutes that never started (the alert it opens would have no start).
    [InlineData("run without start", "(series 1 of 2): a run of abnormal minutes (1) has no direction or start")]
    // Intact checksum over a payload with bytes after the last item.
    [InlineData("trailing bytes", "(end): 3 bytes follow the last item")]
    public void Damaged_state_is_a_format_exception_that_says_what_is_wrong(string damage, string message)
    {
        var saved = Small().ToBytes();
        var payload = saved[..^4];
        var bytes = damage switch
        {
            "empty" => Array.Empty<byte>(),
            "other magic" => [.. "PAR1"u8, .. saved[4..]],
            "version 2" => [.. saved[..4], 2, .. saved[5..]],
            "flipped bit" => Flip(saved, saved.Length / 2),
            "truncated" => saved[..^9],
            // Magic, version, open minute, closed minute, late count and series count come before the first kind byte.
            "bad kind" => StateFormat.Seal(Flip(payload, 5 + 8 + 8 + 8 + 4, 9)),
            "huge mean" => StateFormat.Seal(WithDouble(payload, FirstSeriesMean, 1e300)),
            "NaN mean" => StateFormat.Seal(WithDouble(payload, FirstSeriesMean, double.NaN)),
            "run without start" => StateFormat.Seal(WithInt32(payload, FirstSeriesMean + 8 + 8, 1)),
            _ => StateFormat.Seal([.. payload, 1, 2, 3]),
        };

        var error = Assert.Throws<FormatException>(() => AbnormalDetector.FromBytes(bytes));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_cut_of_a_saved_state_is_a_format_exception()
    {
        var saved = Small().ToBytes();
        for (var length = 0; length < saved.Length; length++)
        {
            Assert.Throws<FormatException>(() => AbnormalDetector.FromBytes(saved.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Any_damage_behind_a_valid_checksum_restores_or_is_a_format_exception()
    {
        var sample = StateBody(Busy(minutes: 90, seed: 16));
        var damage =
            from edits in Gen.ListOf(Gen.Choose(5, sample.Length - 1).Zip(Gen.Choose(0, 255)))
            // Two times in three the whole body, otherwise a cut.
            from length in Gen.OneOf(Gen.Constant(sample.Length), Gen.Constant(sample.Length), Gen.Choose(5, sample.Length))
            select (edits, length);

        Prop.ForAll(damage.ToArbitrary(), d =>
        {
            var body = sample.ToArray();
            foreach (var (position, value) in d.edits)
            {
                body[position] = (byte)value;
            }

            return RestoresOrFormatException(StateFormat.Seal(body[..d.length]));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_bytes_restore_or_are_a_format_exception()
    {
        var inputs =
            from body in ArbMap.Default.GeneratorFor<byte[]>()
            // Mostly behind the magic (and version), so the length and checksum checks see them too.
            from prefix in Gen.Elements<byte[]>([], [.. StateFormat.Magic], [.. StateFormat.Magic, StateFormat.Version])
            select (byte[])[.. prefix, .. body];

        Prop.ForAll(inputs.ToArbitrary(), RestoresOrFormatException).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Huge_counts_are_rejected_before_anything_is_allocated()
    {
        var body = StateBody(Small());
        // The series count follows magic, version and the three minute/late fields.
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(5 + 24), int.MaxValue);

        var error = Assert.Throws<FormatException>(() => AbnormalDetector.FromBytes(StateFormat.Seal(body)));
        Assert.Contains($"series count is {int.MaxValue}, which does not fit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_name_is_a_format_exception()
    {
        var detector = new AbnormalDetector();
        detector.Observe(Minute(0), SeriesKey.EventRate("px1", "é"), 1);
        var body = StateBody(detector);
        var at = body.AsSpan().IndexOf(Encoding.UTF8.GetBytes("é"));
        // A lone continuation byte.
        body[at] = 0xA9;

        var error = Assert.Throws<FormatException>(() => AbnormalDetector.FromBytes(StateFormat.Seal(body)));
        Assert.Contains("label is not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Either a FormatException, or a detector that keeps working and saves a state it can read back.</summary>
    private static bool RestoresOrFormatException(byte[] bytes)
    {
        AbnormalDetector restored;
        try
        {
            restored = AbnormalDetector.FromBytes(bytes);
        }
        catch (FormatException)
        {
            return true;
        }

        var next = restored.ClosedThrough is { Year: < 9000 } closed ? closed.AddMinutes(2) : Minute(0);
        restored.Observe(next, Purchases, 1_000);
        restored.Observe(next, Bots, 1, 1_000);
        restored.Advance(next.AddMinutes(5));
        _ = restored.Current(next.AddMinutes(5));
        var again = AbnormalDetector.FromBytes(restored.ToBytes());
        return again.History.SequenceEqual(restored.History) && again.SeriesCount == restored.SeriesCount;
    }

    /// <summary>Two series (one with an active appearance alert) and no history.</summary>
    private static AbnormalDetector Small()
    {
        var detector = new AbnormalDetector();
        detector.Observe(Minute(0), Purchases, 3);
        detector.Observe(Minute(0), Typo, 2);
        detector.Advance(Minute(1));
        return detector;
    }

    // In Small()'s state: header (29 bytes), series count, then purchase on px1: kind, "px1", "purchase", the open
    // minute's sum and weight, and minutes learnt come before its mean; variance and the run's length follow it.
    private const int FirstSeriesMean = 29 + 4 + 1 + (4 + 3) + (4 + 8) + 8 + 8 + 8;

    private static byte[] WithDouble(byte[] bytes, int at, double value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteDoubleLittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static byte[] WithInt32(byte[] bytes, int at, int value)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), value);
        return copy;
    }

    private static byte[] StateBody(AbnormalDetector detector) => detector.ToBytes()[..^4];

    private static byte[] Flip(byte[] bytes, int at, byte? value = null)
    {
        var copy = bytes.ToArray();
        copy[at] = value ?? (byte)(copy[at] ^ 0x10);
        return copy;
    }

    /// <summary>Five hours of mixed traffic with a spike that ended, a spike in progress, a bot share, bad rows, an unknown pixel id and a bursty series.</summary>
    private static AbnormalDetector Busy(int minutes, int seed)
    {
        var detector = new AbnormalDetector();
        var random = new Random(seed);
        for (var minute = 0; minute < minutes; minute++)
        {
            Count(detector, minute, Purchases, minute is >= 200 and < 205 or >= 299 ? 250 : Poisson(random, 12));
            Count(detector, minute, PageViews, Poisson(random, 150));
            var events = Poisson(random, 300);
            detector.Observe(Minute(minute), Bots, (double)Binomial(random, events, 0.05) / events, events);
            Count(detector, minute, SeriesKey.BadRowRate("unparseable"), Poisson(random, 0.5));
            Count(detector, minute, Typo, minute % 50 == 7 ? 2 : 0);
            Count(detector, minute, Bursty, minute % 2 == 0 ? 100 : 300);
            Close(detector, minute);
        }

        return detector;
    }
}
