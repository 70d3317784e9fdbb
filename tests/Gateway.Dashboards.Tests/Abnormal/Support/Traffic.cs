using Gateway.Dashboards.Abnormal;

namespace Gateway.Dashboards.Tests.Abnormal.Support;

/// <summary>Seeded synthetic traffic for the detector: minutes from a fixed start, Poisson counts, binomial bot shares.</summary>
internal static class Traffic
{
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    public static readonly SeriesKey Purchases = SeriesKey.EventRate("px1", "purchase");

    public static readonly SeriesKey PageViews = SeriesKey.EventRate("px1", "page_view");

    public static DateTimeOffset Minute(int index) => Start.AddMinutes(index);

    /// <summary>A Poisson draw (Knuth's product of uniforms, in slices of 500 so e^−λ never underflows).</summary>
    public static int Poisson(Random random, double mean)
    {
        var count = 0;
        for (var left = mean; left > 0; left -= 500)
        {
            var limit = Math.Exp(-Math.Min(left, 500));
            var product = random.NextDouble();
            while (product > limit)
            {
                count++;
                product *= random.NextDouble();
            }
        }

        return count;
    }

    public static int Binomial(Random random, int trials, double probability)
    {
        var hits = 0;
        for (var i = 0; i < trials; i++)
        {
            if (random.NextDouble() < probability)
            {
                hits++;
            }
        }

        return hits;
    }

    /// <summary>Observes a count the way the rollups give it: only minutes that had events; the detector fills in the zeros.</summary>
    public static void Count(AbnormalDetector detector, int minute, SeriesKey key, int count)
    {
        if (count > 0)
        {
            detector.Observe(Minute(minute), key, count);
        }
    }

    /// <summary>Closes <paramref name="minute"/>, as the writer's once-a-minute tick does.</summary>
    public static void Close(AbnormalDetector detector, int minute) => detector.Advance(Minute(minute + 1));

    /// <summary>Every alert raised so far: the ended ones and the active ones as of the minute after <paramref name="lastMinute"/>.</summary>
    public static List<AbnormalAlert> AllAlerts(AbnormalDetector detector, int lastMinute) =>
        [.. detector.History, .. detector.Current(Minute(lastMinute + 1))];
}
