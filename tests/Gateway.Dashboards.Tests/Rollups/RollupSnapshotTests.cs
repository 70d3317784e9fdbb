using Gateway.Dashboards.Internal;
using System.Buffers.Binary;
using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Dashboards.Abnormal;
using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Tests.Rollups.Support;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;
using Xunit.Abstractions;

namespace Gateway.Dashboards.Tests.Rollups;

/// <summary>The dashboard snapshot: rollups, detector, positions and totals through one checked file.</summary>
public sealed class RollupSnapshotTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    // Short retentions keep the memory reserve small, so a modest flood reaches the budget and degrades.
    private static readonly RollupOptions Tight = new()
    {
        MaxPixels = 4,
        MaxBytes = 3L * 1024 * 1024,
        MinuteRetention = TimeSpan.FromHours(6),
        Retention = TimeSpan.FromDays(3),
    };

    private static readonly Dictionary<string, string> Positions = new(StringComparer.Ordinal)
    {
        ["events/shardId-000000000000"] = "49650000000000000000000000000000000000000000000000000001",
        ["bad-rows/shardId-000000000000"] = "17",
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("gw-snapshot-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_saved_snapshot_loads_back_with_every_counter_series_and_estimate()
    {
        var time = new FakeTimeProvider(Now);
        var store = Varied(Tight, time);
        var detector = Detector();
        var path = Path.Combine(_folder, "sub", "dashboard.snapshot");

        RollupSnapshot.Save(path, new RollupSnapshot(store, detector, Positions, 123_456));
        var loaded = RollupSnapshot.Load(path, Tight, null, time)!;

        Assert.True(store.Degraded > 0 && store.Refused > 0, "the store should have refused and degraded events");
        Assert.Contains(RollupOptions.OtherPixel, store.Pixels);
        Assert.Equal(123_456, loaded.TotalEvents);
        Assert.Equal(Positions, loaded.Positions);
        Assert.Equal(Now, loaded.SavedAt);
        Assert.Equal(store.Pixels, loaded.Rollups.Pixels);
        Assert.Equal((store.Refused, store.Degraded), (loaded.Rollups.Refused, loaded.Rollups.Degraded));
        Assert.Equal(detector.ToBytes(), loaded.Detector.ToBytes());
        Assert.Equal(detector.Current(Traffic(60)), loaded.Detector.Current(Traffic(60)));
        foreach (var pixel in store.Pixels.Append(null))
        {
            foreach (var step in new[] { RollupStep.Minute, RollupStep.Hour, RollupStep.Day })
            {
                Assert.Equal(Describe(store, pixel, step), Describe(loaded.Rollups, pixel, step));
            }
        }

        // Everything, sketches included, writes back byte for byte.
        Assert.Equal(RollupSnapshot.Encode(new RollupSnapshot(store, detector, Positions, 123_456)), RollupSnapshot.Encode(loaded));
    }

    [Fact]
    public void A_loaded_store_goes_on_counting_exactly_like_the_original()
    {
        var time = new FakeTimeProvider(Now);
        var store = Varied(new RollupOptions(), time);
        var bytes = RollupSnapshot.Encode(new RollupSnapshot(store, new AbnormalDetector(), Positions, 0));
        var loaded = RollupSnapshot.Decode(bytes, "test", null, null, time);

        var mix = new RowMix(seed: 99);
        for (var i = 0; i < 5_000; i++)
        {
            var row = mix.Next(Now.AddMinutes(-i % 300));
            store.Add(row);
            loaded.Rollups.Add(row);
        }

        Assert.Equal(
            RollupSnapshot.Encode(new RollupSnapshot(store, loaded.Detector, Positions, 0)),
            RollupSnapshot.Encode(loaded with { Positions = Positions }));
    }

    [Fact]
    public void Buckets_past_the_retention_are_dropped_on_load()
    {
        var time = new FakeTimeProvider(Now);
        var store = Varied(new RollupOptions(), time);
        var path = Path.Combine(_folder, "dashboard.snapshot");
        RollupSnapshot.Save(path, new RollupSnapshot(store, new AbnormalDetector(), Positions, 0));

        var threeDays = RollupSnapshot.Load(path, null, null, new FakeTimeProvider(Now.AddDays(3)))!;
        var fiveWeeks = RollupSnapshot.Load(path, null, null, new FakeTimeProvider(Now.AddDays(35)))!;

        Assert.NotEmpty(store.Series(null, Now.AddDays(-1), Now, RollupStep.Minute));
        Assert.Empty(threeDays.Rollups.Series(null, Now.AddDays(-30), Now.AddDays(3), RollupStep.Minute));
        Assert.Equal(Describe(store, null, RollupStep.Hour), Describe(threeDays.Rollups, null, RollupStep.Hour));
        Assert.Empty(fiveWeeks.Rollups.Series(null, Now.AddDays(-30), Now.AddDays(35), RollupStep.Hour));
        Assert.True(fiveWeeks.Rollups.ApproximateBytes < store.ApproximateBytes / 100);
    }

    [Fact]
    public void A_missing_file_is_no_snapshot() =>
        Assert.Null(RollupSnapshot.Load(Path.Combine(_folder, "none", "dashboard.snapshot"), null, null, null));

    [Fact]
    public void Every_cut_of_a_snapshot_is_invalid_data_and_nothing_else()
    {
        var bytes = SmallSnapshot();
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes[..length];
            Assert.Throws<InvalidDataException>(() => RollupSnapshot.Decode(cut, "cut.snapshot", null, null, new FakeTimeProvider(Now)));
        }

        Assert.NotNull(RollupSnapshot.Decode(bytes, "whole.snapshot", null, null, new FakeTimeProvider(Now)));
    }

    [Fact]
    public void Every_flipped_byte_is_invalid_data()
    {
        var bytes = SmallSnapshot();
        for (var at = 0; at < bytes.Length; at++)
        {
            var flipped = bytes.ToArray();
            flipped[at] ^= 0x20;
            Assert.Throws<InvalidDataException>(() => RollupSnapshot.Decode(flipped, "flipped.snapshot", null, null, new FakeTimeProvider(Now)));
        }
    }

    [Fact]
    public void A_damaged_file_names_itself_says_what_is_wrong_and_what_to_do_and_stays_in_place()
    {
        var path = Path.Combine(_folder, "dashboard.snapshot");
        var bytes = SmallSnapshot();
        File.WriteAllBytes(path, bytes[..^10]);

        var error = Assert.Throws<InvalidDataException>(() => RollupSnapshot.Load(path, null, null, new FakeTimeProvider(Now)));

        Assert.StartsWith($"The dashboard snapshot {path} cannot be read: The rollup snapshot is damaged: its CRC-32 is", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set the file aside (or delete it) to start with empty rollups", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
    }

    [Theory]
    // Another file entirely.
    [InlineData("other file", "Not a rollup snapshot: expected 9 or more bytes starting with \"GWRS\"")]
    // A later format this build cannot read.
    [InlineData("version 2", "The rollup snapshot has format version 2; this build reads version 1.")]
    // Intact checksum over bytes after the end.
    [InlineData("trailing bytes", "(end): 2 unexpected bytes follow the end")]
    // Intact checksum over a visitor sketch of the wrong precision for its tier.
    [InlineData("hour sketch of minute precision", "the visitor sketch has precision 12, but this tier's are 14")]
    public void Wrong_contents_say_what_is_wrong(string damage, string message)
    {
        var bytes = SmallSnapshot();
        var body = bytes[..^4];
        var damaged = damage switch
        {
            "other file" => "PAR1"u8.ToArray(),
            "version 2" => Seal([.. body[..4], 2, .. body[5..]]),
            "trailing bytes" => Seal([.. body, 0, 0]),
            _ => HourSketchOfMinutePrecision(),
        };

        var error = Assert.Throws<InvalidDataException>(() => RollupSnapshot.Decode(damaged, "x.snapshot", null, null, new FakeTimeProvider(Now)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("x.snapshot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_damage_behind_a_valid_checksum_loads_or_is_invalid_data()
    {
        var body = RollupSnapshot.Encode(new RollupSnapshot(Varied(new RollupOptions(), new FakeTimeProvider(Now), events: 300), Detector(), Positions, 7))[..^4];
        var damage =
            from edits in Gen.ListOf(Gen.Choose(5, body.Length - 1).Zip(Gen.Choose(0, 255)))
            from length in Gen.OneOf(Gen.Constant(body.Length), Gen.Constant(body.Length), Gen.Choose(5, body.Length))
            select (edits, length);

        Prop.ForAll(damage.ToArbitrary(), d =>
        {
            var damaged = body.ToArray();
            foreach (var (position, value) in d.edits)
            {
                damaged[position] = (byte)value;
            }

            RollupSnapshot loaded;
            try
            {
                loaded = RollupSnapshot.Decode(Seal(damaged[..d.length]), "fuzz", null, null, new FakeTimeProvider(Now));
            }
            catch (InvalidDataException)
            {
                return;
            }

            // Whatever loads works: it answers, counts on and saves a snapshot that loads again.
            _ = loaded.Rollups.Total(null, Now.AddDays(-30), Now, RollupStep.Day).TopPages(10);
            _ = loaded.Rollups.Series(null, Now.AddDays(-2), Now, RollupStep.Minute);
            loaded.Rollups.Add(new RowMix(1).Next(Now));
            RollupSnapshot.Decode(RollupSnapshot.Encode(loaded), "again", null, null, new FakeTimeProvider(Now));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public async Task A_snapshot_is_saved_while_events_keep_coming_in()
    {
        var store = new RollupStore(time: new FakeTimeProvider(Now));
        var path = Path.Combine(_folder, "dashboard.snapshot");
        using var stop = new CancellationTokenSource();
        var added = 0L;
        var writer = Task.Run(() =>
        {
            var mix = new RowMix(seed: 4);
            while (!stop.IsCancellationRequested)
            {
                store.Add(mix.Next(Now.AddSeconds(-(Interlocked.Read(ref added) % 3_600))));
                Interlocked.Increment(ref added);
            }
        });

        var counts = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            SpinWait.SpinUntil(() => Interlocked.Read(ref added) > (i + 1) * 2_000);
            var before = Interlocked.Read(ref added);
            RollupSnapshot.Save(path, new RollupSnapshot(store, new AbnormalDetector(), Positions, before));
            var after = Interlocked.Read(ref added);
            var loaded = RollupSnapshot.Load(path, null, null, new FakeTimeProvider(Now))!;
            var events = loaded.Rollups.Total(null, Now.AddHours(-2), Now.AddHours(1), RollupStep.Hour).Events;
            Assert.InRange(events, before, after);
            counts.Add(events);
        }

        await stop.CancelAsync();
        await writer;
        Assert.Equal(counts.Order(), counts);
    }

    [Fact]
    public void A_realistic_month_saves_and_loads()
    {
        // As in the memory test: three pixels, 600 000 events over 30 days.
        var time = new FakeTimeProvider(Now);
        var mix = new RowMix(seed: 11);
        var store = new RollupStore(time: time);
        var step = TimeSpan.FromDays(30).Ticks / 600_000;
        for (var i = 0; i < 600_000; i++)
        {
            store.Add(mix.Next(Now.AddDays(-30).AddTicks(i * step)));
        }

        var path = Path.Combine(_folder, "dashboard.snapshot");
        var snapshot = new RollupSnapshot(store, Detector(), Positions, 600_000);
        RollupSnapshot.Save(path, snapshot);
        var save = Stopwatch.StartNew();
        RollupSnapshot.Save(path, snapshot);
        save.Stop();
        var load = Stopwatch.StartNew();
        var loaded = RollupSnapshot.Load(path, null, null, time)!;
        load.Stop();

        output.WriteLine($"30 days, {store.ApproximateBytes:N0} bytes in memory: file {new FileInfo(path).Length:N0} bytes, saved in {save.ElapsedMilliseconds} ms, loaded in {load.ElapsedMilliseconds} ms");
        Assert.Equal(Describe(store, null, RollupStep.Day), Describe(loaded.Rollups, null, RollupStep.Day));
    }

    /// <summary>Everything a reader can ask of a series, as text, so two stores can be compared whole.</summary>
    private static List<string> Describe(RollupStore store, string? pixel, RollupStep step)
    {
        var lines = new List<string>();
        foreach (var point in store.Series(pixel, Now.AddDays(-31), Now.AddDays(1), step))
        {
            var b = point.Bucket;
            lines.Add($"{point.Time:O} {b.Events} {b.Bots} {b.HumanOpens} {b.MachineOpens} {b.Conversions} {b.Visitors}");
            foreach (var tally in new[] { b.EventNames, b.Channels, b.Countries, b.ReferrerMedia, b.Browsers, b.OperatingSystems, b.Devices, b.ValueByCurrency })
            {
                lines.Add(string.Join(",", tally.Top(int.MaxValue)) + $" total {tally.Total}");
            }

            lines.Add("pages " + string.Join(",", b.TopPages(64)));
            lines.Add("referrers " + string.Join(",", b.TopReferrers(64)));
        }

        return lines;
    }

    /// <summary>Three days of mixed traffic on five pixel ids, refused events, and a flood of made-up values.</summary>
    private static RollupStore Varied(RollupOptions options, FakeTimeProvider time, int events = 20_000)
    {
        var store = new RollupStore(options, time);
        var mix = new RowMix(seed: 21, pixels: 5);
        for (var i = 0; i < events; i++)
        {
            store.Add(mix.Next(Now.AddMinutes(-3 * 24 * 60 * (events - i) / (double)events)));
        }

        store.Add(mix.Next(Now.AddHours(1)));
        store.Add(mix.Next(Now.AddDays(-40)));
        var random = new Random(3);
        for (var i = 0; i < events / 4; i++)
        {
            var row = mix.Next(Now.AddMinutes(-random.Next(0, 600)));
            (row.Country, row.PagePath, row.ReferrerHost, row.EventName) = ($"X{i}", $"/junk/{i}", $"junk{i}.example", $"e{i % 500}");
            store.Add(row);
        }

        return store;
    }

    private static byte[] SmallSnapshot()
    {
        var time = new FakeTimeProvider(Now);
        var store = new RollupStore(time: time);
        var mix = new RowMix(seed: 8, pixels: 2, visitors: 30, pages: 5, referrers: 3);
        for (var i = 0; i < 40; i++)
        {
            store.Add(mix.Next(Now.AddMinutes(-i * 7)));
        }

        var detector = new AbnormalDetector();
        detector.Observe(Now.AddMinutes(-2), SeriesKey.EventRate("px-1", "pageview"), 3);
        return RollupSnapshot.Encode(new RollupSnapshot(store, detector, new Dictionary<string, string> { ["events"] = "12" }, 40));
    }

    private static AbnormalDetector Detector()
    {
        var detector = new AbnormalDetector();
        for (var minute = 0; minute < 60; minute++)
        {
            detector.Observe(Traffic(minute), SeriesKey.EventRate("px-1", "pageview"), minute == 59 ? 400 : 10 + (minute % 3));
        }

        detector.Advance(Traffic(60));
        return detector;
    }

    private static DateTimeOffset Traffic(int minute) => Now.AddMinutes(-60 + minute);

    private static byte[] Seal(byte[] body)
    {
        var sealedBytes = new byte[body.Length + 4];
        body.CopyTo(sealedBytes, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(sealedBytes.AsSpan(body.Length), Crc32.Compute(body));
        return sealedBytes;
    }

    // A store state no store makes: an hour bucket whose visitor sketch has the minutes' precision.
    private static byte[] HourSketchOfMinutePrecision()
    {
        var bucket = new RollupBucket(new RollupLimits(), RollupStore.MinuteVisitorPrecision);
        bucket.Add(new RowMix(seed: 2).Next(Now));
        var slot = new RollupStore.SlotState(Now.UtcTicks - (Now.UtcTicks % TimeSpan.TicksPerHour), null, [KeyValuePair.Create("px-1", bucket)]);
        var state = new RollupStore.State(["px-1"], false, 0, 0, [], [slot]);
        return Gateway.Dashboards.Rollups.Internal.SnapshotFormat.Write(state, new AbnormalDetector().ToBytes(), Positions, 0, Now);
    }
}
