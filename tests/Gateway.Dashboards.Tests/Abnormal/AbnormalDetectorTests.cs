using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Dashboards.Abnormal;
using static Gateway.Dashboards.Tests.Abnormal.Support.Traffic;

namespace Gateway.Dashboards.Tests.Abnormal;

public sealed class AbnormalDetectorTests
{
    [Fact]
    public void A_spike_in_steady_poisson_traffic_raises_one_alert_from_its_first_minute()
    {
        var detector = new AbnormalDetector();
        var random = new Random(8);
        var other = SeriesKey.EventRate("px2", "purchase");
        for (var minute = 0; minute < 300; minute++)
        {
            // Five minutes of 240 purchases/min on a series that usually has 12.
            Count(detector, minute, Purchases, minute is >= 240 and < 245 ? 240 : Poisson(random, 12));
            Count(detector, minute, PageViews, Poisson(random, 150));
            Count(detector, minute, other, Poisson(random, 3));
            Close(detector, minute);
        }

        var alert = Assert.Single(AllAlerts(detector, 299));
        Assert.Equal(Purchases, alert.Series);
        Assert.Equal(AlertCause.Spike, alert.Cause);
        Assert.Equal(Minute(240), alert.Start);
        Assert.Equal(Minute(244), alert.LastSeen);
        Assert.Equal(Minute(245), alert.End);
        var reason = Regex.Match(alert.Reason, @"^purchase on px1: 240/min against a usual (\d+) ± ([\d.]+)/min \(z = (\d+)\)$");
        Assert.True(reason.Success, alert.Reason);
        var mean = double.Parse(reason.Groups[1].Value, CultureInfo.InvariantCulture);
        var deviation = double.Parse(reason.Groups[2].Value, CultureInfo.InvariantCulture);
        var z = double.Parse(reason.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.InRange(mean, 11, 13);
        // Poisson traffic: the floor √12 + 1 ≈ 4.5 is the deviation.
        Assert.InRange(deviation, 4.2, 4.7);
        Assert.InRange(z, (240 - mean) / deviation - 1, (240 - mean) / deviation + 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Three_days_of_steady_random_traffic_raise_no_alert(int seed)
    {
        var detector = new AbnormalDetector();
        var random = new Random(seed);
        // From a series with an event every 20 minutes to one with 400 a minute.
        double[] means = [0.05, 0.5, 3, 12, 80, 400];
        var bots = SeriesKey.BotShare("px1");
        var badRows = SeriesKey.BadRowRate();
        var raised = 0;
        for (var minute = 0; minute < 3 * 24 * 60; minute++)
        {
            for (var i = 0; i < means.Length; i++)
            {
                Count(detector, minute, SeriesKey.EventRate("px1", $"event{i}"), Poisson(random, means[i]));
            }

            var events = Poisson(random, 200);
            detector.Observe(Minute(minute), bots, (double)Binomial(random, events, 0.1) / events, events);
            Count(detector, minute, badRows, Poisson(random, 0.2));
            Close(detector, minute);
            raised += detector.Current(Minute(minute + 1)).Count;
        }

        Assert.Equal(8, detector.SeriesCount);
        Assert.Empty(detector.History);
        Assert.Equal(0, raised);
    }

    [Fact]
    public void A_busy_series_falling_silent_raises_a_drop_alert()
    {
        var detector = new AbnormalDetector();
        var random = new Random(11);
        for (var minute = 0; minute < 250; minute++)
        {
            // From minute 240 the page views stop arriving at all; the purchases go on.
            Count(detector, minute, PageViews, minute < 240 ? Poisson(random, 200) : 0);
            Count(detector, minute, Purchases, Poisson(random, 12));
            Close(detector, minute);
        }

        var alert = Assert.Single(AllAlerts(detector, 249));
        Assert.Equal(PageViews, alert.Series);
        Assert.Equal(AlertCause.Drop, alert.Cause);
        Assert.Equal(Minute(240), alert.Start);
        Assert.True(alert.IsActive);
        Assert.Equal(0, alert.CurrentValue);
        Assert.Matches(@"^page_view on px1: 0/min against a usual (199|200|201) ± 1[456](\.\d)?/min \(z = -1[34]\)$", alert.Reason);
    }

    [Theory]
    // One stray minute is not an alert; two in a row are, from the first.
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void An_alert_needs_two_abnormal_minutes_in_a_row(int spikeMinutes, bool alerts)
    {
        var detector = new AbnormalDetector();
        var random = new Random(8);
        for (var minute = 0; minute < 260; minute++)
        {
            Count(detector, minute, Purchases, minute >= 240 && minute < 240 + spikeMinutes ? 240 : Poisson(random, 12));
            Close(detector, minute);
        }

        Assert.Equal(alerts, AllAlerts(detector, 259).Any(a => a.Start == Minute(240)));
        Assert.Equal(alerts ? 1 : 0, AllAlerts(detector, 259).Count);
    }

    [Theory]
    // An event every few minutes: quiet stretches are what it usually does.
    [InlineData(0.3)]
    [InlineData(2)]
    // A zero minute is z = −18 / (√18 + 1) = −3.4: the Poisson floor keeps it above −4.
    [InlineData(18)]
    public void A_sparse_series_going_quiet_raises_nothing(double mean)
    {
        var detector = new AbnormalDetector();
        var random = new Random(5);
        for (var minute = 0; minute < 240 + 360; minute++)
        {
            Count(detector, minute, Purchases, minute < 240 ? Poisson(random, mean) : 0);
            Close(detector, minute);
        }

        Assert.Empty(AllAlerts(detector, 599));
    }

    [Theory]
    // 9/min falling to 0 is z = −9 / (√9 + 1) = −2.25, past a threshold of 2, so only the sparse guard decides.
    [InlineData(10, false)]
    [InlineData(5, true)]
    public void Drops_are_judged_only_on_series_busier_than_the_minimum_drop_mean(double minimumDropMean, bool alerts)
    {
        var detector = new AbnormalDetector(new AbnormalDetectorOptions { Threshold = 2, MinimumDropMean = minimumDropMean });
        var random = new Random(3);
        for (var minute = 0; minute < 300; minute++)
        {
            Count(detector, minute, Purchases, minute < 240 ? Poisson(random, 9) : 0);
            Close(detector, minute);
        }

        var drops = AllAlerts(detector, 299).Where(a => a.Cause == AlertCause.Drop).ToList();
        Assert.Equal(alerts, drops.Count == 1 && drops[0].Start == Minute(240));
        Assert.Equal(alerts, drops.Count > 0);
    }

    [Fact]
    public void A_bot_share_spike_alerts_with_the_share_and_its_event_count()
    {
        var detector = new AbnormalDetector();
        var random = new Random(21);
        var bots = SeriesKey.BotShare("px1");
        for (var minute = 0; minute < 300; minute++)
        {
            // Usually 5 % of about 300 events are bots; for five minutes half of exactly 300 are.
            var events = minute is >= 240 and < 245 ? 300 : Poisson(random, 300);
            var botEvents = minute is >= 240 and < 245 ? 150 : Binomial(random, events, 0.05);
            detector.Observe(Minute(minute), bots, (double)botEvents / events, events);
            Count(detector, minute, PageViews, events);
            Close(detector, minute);
        }

        var alert = Assert.Single(AllAlerts(detector, 299));
        Assert.Equal(bots, alert.Series);
        Assert.Equal(AlertCause.Spike, alert.Cause);
        Assert.Equal(Minute(240), alert.Start);
        Assert.Equal(Minute(245), alert.End);
        Assert.Matches(@"^bot share on px1: 50% of 300 events against a usual [45](\.\d)?% ± 1(\.\d)?% \(z = \d\d\)$", alert.Reason);
    }

    [Fact]
    public void A_bot_share_alert_ends_when_the_pixel_falls_silent()
    {
        var detector = new AbnormalDetector();
        var random = new Random(22);
        var bots = SeriesKey.BotShare("px1");
        for (var minute = 0; minute < 250; minute++)
        {
            // Half bots from minute 240, then from 243 no events at all: no share to judge, so nothing holds the alert open.
            var events = minute < 243 ? 300 : 0;
            var botEvents = minute < 240 ? Binomial(random, events, 0.05) : events / 2;
            if (events > 0)
            {
                detector.Observe(Minute(minute), bots, (double)botEvents / events, events);
            }

            Close(detector, minute);
        }

        var alert = Assert.Single(detector.History);
        Assert.Equal(Minute(240), alert.Start);
        Assert.Equal(Minute(243), alert.End);
        Assert.Empty(detector.Current(Minute(250)));
    }

    [Fact]
    public void An_unknown_pixel_id_alerts_on_its_first_events_and_again_only_after_a_quiet_hour()
    {
        var detector = new AbnormalDetector();
        var random = new Random(2);
        var typo = SeriesKey.UnknownPixel("px-typo");
        for (var minute = 0; minute < 330; minute++)
        {
            Count(detector, minute, PageViews, Poisson(random, 50));
            // Within the warm-up: appearance alerts need no baseline. Events every 10 minutes until 130, then again at 300.
            Count(detector, minute, typo, minute switch
            {
                10 => 3,
                > 10 and <= 130 when minute % 10 == 0 => 1,
                300 => 7,
                _ => 0,
            });
            Close(detector, minute);
        }

        var alerts = AllAlerts(detector, 329);
        Assert.Equal(2, alerts.Count);
        var first = Assert.Single(detector.History);
        Assert.Equal(AlertCause.Appeared, first.Cause);
        Assert.Equal(Minute(10), first.Start);
        Assert.Equal(Minute(130), first.LastSeen);
        Assert.Equal(Minute(131), first.End);
        Assert.Equal("unknown pixel id px-typo: 3 events/min, first seen", first.Reason);
        var again = Assert.Single(detector.Current(Minute(330)));
        Assert.Equal(Minute(300), again.Start);
        Assert.Equal("unknown pixel id px-typo: 7 events/min, first after 2 h 49 min quiet", again.Reason);
    }

    [Fact]
    public void Blocked_domain_events_alert_when_they_start_naming_pixel_and_domain()
    {
        var detector = new AbnormalDetector();
        var blocked = SeriesKey.BlockedDomain("px1", "copycat.example");
        for (var minute = 0; minute < 100; minute++)
        {
            Count(detector, minute, PageViews, 40);
            Count(detector, minute, blocked, minute >= 90 ? 5 : 0);
            Close(detector, minute);
        }

        var alert = Assert.Single(AllAlerts(detector, 99));
        Assert.Equal(AbnormalKind.BlockedDomain, alert.Kind);
        Assert.Equal(Minute(90), alert.Start);
        Assert.Equal("blocked-domain events on px1 from copycat.example: 5 events/min, first seen", alert.Reason);
    }

    [Fact]
    public void The_warm_up_keeps_a_new_series_from_alerting_while_its_baseline_is_learnt()
    {
        var detector = new AbnormalDetector();
        var random = new Random(4);
        for (var minute = 0; minute < 420; minute++)
        {
            // The same burst 20 minutes after the series appears, and again at 400.
            var burst = minute is >= 20 and < 25 or >= 400 and < 405;
            Count(detector, minute, Purchases, burst ? 300 : Poisson(random, 10));
            Close(detector, minute);
        }

        var alert = Assert.Single(AllAlerts(detector, 419));
        Assert.Equal(Minute(400), alert.Start);
    }

    [Fact]
    public void A_series_first_seen_mid_minute_is_judged_by_its_usual_level_once_warmed_up()
    {
        var detector = new AbnormalDetector();
        var random = new Random(7);
        for (var minute = 0; minute < 180; minute++)
        {
            // The series appears late in minute 0, so that minute has only 3 of its usual 200 events; at 90 it doubles.
            Count(detector, minute, PageViews, minute switch
            {
                0 => 3,
                >= 90 and < 95 => 400,
                _ => Poisson(random, 200),
            });
            Close(detector, minute);
        }

        // A baseline leaning on the first minute would see the doubling as nothing special, or the warm-up's end as a spike.
        var alert = Assert.Single(AllAlerts(detector, 179));
        Assert.Equal(Minute(90), alert.Start);
    }

    [Fact]
    public void A_series_hovering_around_the_threshold_raises_one_alert_not_many()
    {
        var detector = new AbnormalDetector();
        var random = new Random(6);
        // Above the threshold twice, then once in the band between half the threshold and the threshold, then calm twice.
        int[] hover = [540, 540, 480, 400, 400];
        for (var minute = 0; minute < 290; minute++)
        {
            var count = minute switch
            {
                < 240 => Poisson(random, 400),
                < 270 => hover[(minute - 240) % hover.Length],
                _ => 400,
            };
            Count(detector, minute, PageViews, count);
            Close(detector, minute);
        }

        var alert = Assert.Single(AllAlerts(detector, 289));
        Assert.Equal(Minute(240), alert.Start);
        // The last two calm minutes of the pattern and the first one after it end the alert.
        Assert.Equal(Minute(268), alert.End);
    }

    [Fact]
    public void Series_beyond_the_cap_forget_the_least_recently_observed_first()
    {
        var detector = new AbnormalDetector(new AbnormalDetectorOptions { MaxSeries = 50 });
        var random = new Random(9);
        for (var minute = 0; minute < 302; minute++)
        {
            Count(detector, minute, Purchases, minute < 300 ? Poisson(random, 20) : 400);
            // Made-up event names, 20 new ones a minute.
            for (var i = 0; i < 20; i++)
            {
                Count(detector, minute, SeriesKey.EventRate("px1", $"junk-{minute}-{i}"), 1);
            }

            Close(detector, minute);
            Assert.InRange(detector.SeriesCount, 1, 50);
        }

        Assert.Equal(50, detector.SeriesCount);
        // The purchases kept their baseline through the flood, so their spike is judged (a new series would be warming up).
        var alert = Assert.Single(AllAlerts(detector, 301));
        Assert.Equal(Purchases, alert.Series);
        Assert.Equal(Minute(300), alert.Start);
    }

    [Fact]
    public void Forgetting_a_series_ends_its_alert()
    {
        var detector = new AbnormalDetector(new AbnormalDetectorOptions { MaxSeries = 2 });
        var typo = SeriesKey.UnknownPixel("px-typo");
        detector.Observe(Minute(0), typo, 4);
        detector.Observe(Minute(1), PageViews, 10);
        Assert.Single(detector.Current(Minute(2)));

        detector.Observe(Minute(2), Purchases, 1);

        Assert.Empty(detector.Current(Minute(3)));
        var ended = Assert.Single(detector.History);
        Assert.Equal(typo, ended.Series);
        Assert.Equal(Minute(2), ended.End);
    }

    [Fact]
    public void The_history_keeps_the_newest_ended_alerts_up_to_its_cap()
    {
        var detector = new AbnormalDetector(new AbnormalDetectorOptions { MaxHistory = 5, QuietMinutes = 1 });
        for (var minute = 0; minute < 20; minute++)
        {
            // A new unknown pixel id every other minute; each alert ends after one quiet minute.
            if (minute % 2 == 0)
            {
                detector.Observe(Minute(minute), SeriesKey.UnknownPixel($"px{minute}"), 1);
            }

            Close(detector, minute);
        }

        Assert.Equal(["px18", "px16", "px14", "px12", "px10"], detector.History.Select(a => a.Series.Pixel));
    }

    [Fact]
    public void Long_names_are_cut_to_the_maximum_and_still_meet_their_series()
    {
        var detector = new AbnormalDetector(new AbnormalDetectorOptions { MaxNameLength = 8 });
        var key = SeriesKey.UnknownPixel("px-0123456789");
        detector.Observe(Minute(0), key, 1);
        detector.Observe(Minute(0), key, 2);
        detector.Advance(Minute(1));

        Assert.Equal(1, detector.SeriesCount);
        var alert = Assert.Single(detector.Current(Minute(1)));
        Assert.Equal("px-01234", alert.Series.Pixel);
        Assert.Equal(3, alert.CurrentValue);
    }

    [Fact]
    public void Alerts_the_writer_stopped_confirming_leave_the_current_list()
    {
        var detector = new AbnormalDetector();
        var typo = SeriesKey.UnknownPixel("px-typo");
        detector.Observe(Minute(0), typo, 4);
        detector.Advance(Minute(1));

        // The end rule allows 60 quiet minutes; five more of grace, then the writer is taken to have stopped.
        Assert.Single(detector.Current(Minute(66)));
        Assert.Empty(detector.Current(Minute(67)));
    }

    [Fact]
    public void Observations_for_a_closed_minute_are_counted_and_ignored()
    {
        var detector = new AbnormalDetector();
        detector.Observe(Minute(5), Purchases, 3);
        detector.Advance(Minute(6));

        detector.Observe(Minute(5), Purchases, 3);
        detector.Observe(Minute(4), PageViews, 3);

        Assert.Equal(2, detector.LateObservations);
        Assert.Equal(1, detector.SeriesCount);
        Assert.Equal(Minute(5), detector.ClosedThrough);
    }

    [Fact]
    public async Task Readers_see_whole_snapshots_while_the_writer_runs()
    {
        var detector = new AbnormalDetector(new AbnormalDetectorOptions { MaxHistory = 10_000 });
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                var current = detector.Current(Minute(10_000));
                // Each unknown pixel id below alerts exactly once: a torn read would show one twice, or one active and ended.
                var seen = current.Concat(detector.History).Select(a => a.Series).ToList();
                Assert.Equal(seen.Count, seen.Distinct().Count());
                Assert.All(current, a => Assert.True(a.IsActive));
                reads++;
                reading.TrySetResult();
            }

            return reads;
        });

        await reading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var minute = 0; minute < 3_000; minute++)
        {
            // One new unknown pixel a minute; each alert ends after its quiet hour.
            detector.Observe(Minute(minute), SeriesKey.UnknownPixel($"px{minute}"), 1);
        }

        await stop.CancelAsync();
        Assert.True(await reader > 1);
        // The last minute is still open; of the 2 999 closed ones, the last hour's alerts are active.
        Assert.Equal(2_999 - 60, detector.History.Count);
        Assert.Equal(60, detector.Current(Minute(3_000)).Count);
    }

    [Theory]
    // A share without its number of events cannot be weighed.
    [InlineData(AbnormalKind.BotShare, 0.5, null)]
    // A count takes no weight.
    [InlineData(AbnormalKind.EventRate, 3.0, 10.0)]
    public void Observations_of_the_wrong_shape_are_rejected(AbnormalKind kind, double value, double? weight)
    {
        var detector = new AbnormalDetector();
        Assert.Throws<ArgumentException>("weight", () => detector.Observe(Minute(0), new SeriesKey(kind, "px1", ""), value, weight));
    }

    [Theory]
    [InlineData(AbnormalKind.EventRate, -1.0, null)]
    [InlineData(AbnormalKind.EventRate, double.NaN, null)]
    [InlineData(AbnormalKind.BotShare, 1.5, 10.0)]
    public void Values_out_of_range_are_rejected(AbnormalKind kind, double value, double? weight)
    {
        var detector = new AbnormalDetector();
        Assert.Throws<ArgumentOutOfRangeException>("value", () => detector.Observe(Minute(0), new SeriesKey(kind, "px1", ""), value, weight));
        Assert.Equal(0, detector.SeriesCount);
    }
}
