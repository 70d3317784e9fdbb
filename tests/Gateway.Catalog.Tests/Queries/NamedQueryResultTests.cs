using System.Globalization;
using Gateway.Catalog.Queries;
using Gateway.Processing.Enrichment;

namespace Gateway.Catalog.Tests.Queries;

/// <summary>
/// Every named query, run on DuckDB over the lake of <see cref="LakeData"/>, against the same answer computed here
/// from the generated rows.
/// </summary>
[Collection(LakeCollection.Name)]
public sealed class NamedQueryResultTests(LakeFixture lake) : IDisposable
{
    private readonly LakeSession _session = new(lake.Directory);

    // Windows: the whole lake; a day across the year, month and day boundary; two milliseconds around midnight.
    public static TheoryData<string, string> Windows => new()
    {
        { "2024-12-30", "2025-01-02" },
        { "2024-12-31 12:00", "2025-01-01 12:00:00" },
        { "2024-12-31 23:59:59.999", "2025-01-01T00:00:00.001Z" },
    };

    public void Dispose() => _session.Dispose();

    [Theory]
    [MemberData(nameof(Windows))]
    public void Events_per_hour_counts_people_and_bots_in_each_hour(string start, string end)
    {
        var rows = InWindow(start, end)
            .GroupBy(e => Expect.Hour(e.EventTime))
            .OrderBy(g => g.Key)
            .Select(g => new object?[] { g.Key, (long)g.Count(), (long)g.Count(e => !e.IsBot), (long)g.Count(e => e.IsBot) })
            .ToList();

        var actual = Run("events_per_hour", ("start", start), ("end", end));

        Expect.Table(["hour_start", "events", "human_events", "bot_events"], rows, actual);
        Assert.NotEmpty(rows);
    }

    [Fact]
    public void Events_per_hour_keeps_to_one_pixel_when_asked()
    {
        var rows = InWindow("2024-12-30", "2025-01-02").Where(e => e.PixelId == LakeData.Rogue)
            .GroupBy(e => Expect.Hour(e.EventTime))
            .Select(g => new object?[] { g.Key, (long)g.Count(), (long)g.Count(e => !e.IsBot), (long)g.Count(e => e.IsBot) })
            .ToList();

        var actual = Run("events_per_hour", ("start", "2024-12-30"), ("end", "2025-01-02"), ("pixel_id", LakeData.Rogue));

        Expect.Table(["hour_start", "events", "human_events", "bot_events"], rows, actual);
        Assert.Equal(new object?[] { LakeData.Spike }, actual.Column("hour_start"));
    }

    [Theory]
    [InlineData("day", "2024-12-30", "2025-01-02", "")]
    [InlineData("hour", "2024-12-31 12:00", "2025-01-01 12:00", "")]
    [InlineData("day", "2024-12-30", "2025-01-02", LakeData.Mail)]
    public void Visitors_are_distinct_visitor_ids_per_period(string granularity, string start, string end, string pixel)
    {
        Func<DateTimeOffset, DateTimeOffset> bucket = granularity == "day" ? Expect.Day : Expect.Hour;
        var rows = InWindow(start, end).Where(e => pixel.Length == 0 || e.PixelId == pixel)
            .GroupBy(e => bucket(e.EventTime))
            .OrderBy(g => g.Key)
            .Select(g => new object?[]
            {
                g.Key,
                (long)g.Select(e => e.VisitorId).Distinct().Count(),
                (long)g.Where(e => !e.IsBot).Select(e => e.VisitorId).Distinct().Count(),
                (long)g.Count(),
            })
            .ToList();

        var actual = Run("visitors", ("start", start), ("end", end), ("granularity", granularity), ("pixel_id", pixel));

        Expect.Table(["period_start", "visitors", "human_visitors", "events"], rows, actual);
        Assert.True(rows.Count > 1);
    }

    [Theory]
    [InlineData("2024-12-30", "2025-01-02", 20)]
    [InlineData("2025-01-01", "2025-01-02", 3)]
    public void Top_user_agents_rank_combinations_by_events_with_their_bot_share(string start, string end, int limit)
    {
        var rows = InWindow(start, end)
            .GroupBy(e => (e.UaBrowser, e.UaOs, e.UaDevice))
            .Select(g => new
            {
                g.Key,
                Events = (long)g.Count(),
                Bots = (long)g.Count(e => e.IsBot),
                Visitors = (long)g.Select(e => e.VisitorId).Distinct().Count(),
            })
            .OrderByDescending(x => x.Events)
            .ThenBy(x => x.Key.UaBrowser, Comparer<string?>.Create(Expect.NullsLast))
            .ThenBy(x => x.Key.UaOs, Comparer<string?>.Create(Expect.NullsLast))
            .ThenBy(x => x.Key.UaDevice, Comparer<string?>.Create(Expect.NullsLast))
            .Take(limit)
            .Select(x => new object?[] { x.Key.UaBrowser, x.Key.UaOs, x.Key.UaDevice, x.Events, x.Bots, (double)x.Bots / x.Events, x.Visitors })
            .ToList();

        var actual = Run("top_user_agents", ("start", start), ("end", end), ("limit", limit.ToString(CultureInfo.InvariantCulture)));

        Expect.Table(["ua_browser", "ua_os", "ua_device", "events", "bot_events", "bot_share", "visitors"], rows, actual);
        Assert.Equal(Math.Min(limit, 7), rows.Count);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Events_by_pixel_count_each_event_name(string start, string end)
    {
        var rows = InWindow(start, end)
            .GroupBy(e => (e.PixelId, e.EventName))
            .OrderBy(g => g.Key.PixelId, StringComparer.Ordinal).ThenBy(g => g.Key.EventName, StringComparer.Ordinal)
            .Select(g => new object?[]
            {
                g.Key.PixelId,
                g.Key.EventName,
                (long)g.Count(),
                (long)g.Count(e => !e.IsBot),
                (long)g.Count(e => e.IsBot),
                (long)g.Select(e => e.VisitorId).Distinct().Count(),
                g.Min(e => e.EventTime),
                g.Max(e => e.EventTime),
            })
            .ToList();

        var actual = Run("events_by_pixel", ("start", start), ("end", end));

        Expect.Table(["pixel_id", "event_name", "events", "human_events", "bot_events", "visitors", "first_event_time", "last_event_time"], rows, actual);
    }

    [Theory]
    [InlineData("2024-12-30", "2025-01-02", 20)]
    [InlineData("2024-12-31 12:00", "2025-01-01 12:00", 4)]
    public void Top_referrers_rank_hosts_with_their_medium_totals(string start, string end, int limit)
    {
        var people = InWindow(start, end).Where(e => !e.IsBot).ToList();
        var perMedium = people.GroupBy(e => e.ReferrerMedium).ToDictionary(g => g.Key, g => (long)g.Count());
        var rows = people
            .GroupBy(e => (e.ReferrerMedium, e.ReferrerHost))
            .Select(g => new { g.Key, Events = (long)g.Count(), Visitors = (long)g.Select(e => e.VisitorId).Distinct().Count() })
            .OrderByDescending(x => x.Events)
            .ThenBy(x => x.Key.ReferrerMedium, StringComparer.Ordinal)
            .ThenBy(x => x.Key.ReferrerHost, Comparer<string?>.Create(Expect.NullsLast))
            .Take(limit)
            .Select(x => new object?[]
            {
                x.Key.ReferrerMedium, x.Key.ReferrerHost, x.Events, x.Visitors,
                perMedium[x.Key.ReferrerMedium], (double)perMedium[x.Key.ReferrerMedium] / people.Count,
            })
            .ToList();

        var actual = Run("top_referrers", ("start", start), ("end", end), ("limit", limit.ToString(CultureInfo.InvariantCulture)));

        Expect.Table(["referrer_medium", "referrer_host", "events", "visitors", "medium_events", "medium_share"], rows, actual);
        Assert.Equal(Math.Min(limit, 7), rows.Count);
    }

    [Theory]
    [InlineData("2024-12-30", "2025-01-02", "", 50)]
    [InlineData("2024-12-31 12:00", "2025-01-01", LakeData.Mail, 7)]
    [InlineData("2024-12-31 23:59:59.999", "2025-01-01 00:00:00.001", "", 50)]
    public void Recent_events_are_the_latest_first(string start, string end, string pixel, int limit)
    {
        var rows = InWindow(start, end).Where(e => pixel.Length == 0 || e.PixelId == pixel)
            .OrderByDescending(e => e.EventTime).ThenByDescending(e => e.EventId, StringComparer.Ordinal)
            .Take(limit)
            .Select(e => new object?[]
            {
                e.EventTime, e.EventId, e.PixelId, e.EventName, e.Channel, e.PageUrl, e.ReferrerMedium, e.ReferrerHost, e.VisitorId,
                e.Country, e.UaBrowser, e.UaOs, e.UaDevice, e.IsBot, e.BotReason, e.IsMachineOpen, e.Value, e.Currency,
            })
            .ToList();

        var actual = Run("recent_events", ("start", start), ("end", end), ("pixel_id", pixel), ("limit", limit.ToString(CultureInfo.InvariantCulture)));

        Expect.Table(
            ["event_time", "event_id", "pixel_id", "event_name", "channel", "page_url", "referrer_medium", "referrer_host", "visitor_id",
             "country", "ua_browser", "ua_os", "ua_device", "is_bot", "bot_reason", "is_machine_open", "value", "currency"],
            rows, actual);
        Assert.NotEmpty(rows);
    }

    [Theory]
    [InlineData("2024-12-30", "2025-01-02", "", "")]
    [InlineData("2024-12-30", "2025-01-02", " purchase , add_to_cart", "")]
    [InlineData("2024-12-31 12:00", "2025-01-01 12:00", "lead,signup", "")]
    [InlineData("2024-12-30", "2025-01-02", "", LakeData.Shop)]
    public void Conversions_sum_values_per_currency(string start, string end, string names, string pixel)
    {
        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rows = InWindow(start, end)
            .Where(e => !e.IsBot && !e.IsMachineOpen && e.Channel != "email" && (pixel.Length == 0 || e.PixelId == pixel))
            .Where(e => wanted.Length == 0 ? e.EventName != "pageview" : wanted.Contains(e.EventName))
            .GroupBy(e => (e.PixelId, e.EventName, e.Currency))
            .OrderBy(g => g.Key.PixelId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.EventName, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Currency, Comparer<string?>.Create(Expect.NullsLast))
            .Select(g =>
            {
                var values = g.Where(e => e.Value is not null).Select(e => e.Value!.Value).ToList();
                return new object?[]
                {
                    g.Key.PixelId, g.Key.EventName, g.Key.Currency, (long)g.Count(), (long)g.Select(e => e.VisitorId).Distinct().Count(),
                    (long)values.Count, values.Count == 0 ? null : values.Sum(), values.Count == 0 ? null : values.Average(),
                };
            })
            .ToList();

        var actual = Run("conversions", ("start", start), ("end", end), ("event_names", names), ("pixel_id", pixel));

        Expect.Table(["pixel_id", "event_name", "currency", "conversions", "visitors", "valued_conversions", "value_sum", "value_avg"], rows, actual);
        Assert.NotEmpty(rows);
    }

    [Fact]
    public void Conversions_keep_currencies_apart()
    {
        var actual = Run("conversions", ("start", "2024-12-30"), ("end", "2025-01-02"), ("event_names", "purchase"), ("pixel_id", LakeData.Shop));

        Assert.Equal(new object?[] { "EUR", "USD" }, actual.Column("currency"));
        Assert.All(actual.Column("value_sum"), v => Assert.True((double)v! > 0));
    }

    [Theory]
    [InlineData("2024-12-30", "2025-01-02", "")]
    [InlineData("2024-12-31 12:00", "2025-01-01 12:00", LakeData.Mail)]
    [InlineData("2024-12-30", "2025-01-02", LakeData.Shop)]
    public void Email_opens_separate_people_from_machines(string start, string end, string pixel)
    {
        var rows = InWindow(start, end).Where(e => e.Channel == "email" && (pixel.Length == 0 || e.PixelId == pixel))
            .GroupBy(e => (Day: Expect.Day(e.EventTime), e.PixelId, e.UtmCampaign))
            .OrderBy(g => g.Key.Day)
            .ThenBy(g => g.Key.PixelId, StringComparer.Ordinal)
            .ThenBy(g => g.Key.UtmCampaign, Comparer<string?>.Create(Expect.NullsLast))
            .Select(g => new object?[]
            {
                g.Key.Day, g.Key.PixelId, g.Key.UtmCampaign, (long)g.Count(),
                (long)g.Count(e => !e.IsMachineOpen && !e.IsBot),
                (long)g.Count(e => e.IsMachineOpen),
                (long)g.Count(e => e.IsBot && !e.IsMachineOpen),
                (long)g.Where(e => !e.IsMachineOpen && !e.IsBot).Select(e => e.VisitorId).Distinct().Count(),
                (double)g.Count(e => e.IsMachineOpen) / g.Count(),
            })
            .ToList();

        var actual = Run("email_opens", ("start", start), ("end", end), ("pixel_id", pixel));

        Expect.Table(
            ["day_start", "pixel_id", "utm_campaign", "opens", "human_opens", "machine_opens", "bot_opens", "human_openers", "machine_share"],
            rows, actual);
        Assert.Equal(pixel == LakeData.Shop, rows.Count == 0);
    }

    // The whole test window scored against a day of baseline; a start inside an hour, a shorter baseline, a lower
    // threshold and a list of known pixels; a window that ends before the spike (so a stray empty hour after end
    // would be reported); a two-hour baseline whose mean falls below 1 (where the Poisson floor decides the score).
    [Theory]
    [InlineData("2024-12-31", "2025-01-02", 24, "3", "")]
    [InlineData("2024-12-31 05:30", "2025-01-01 20:15", 12, "2.5", "px_shop,px_mail")]
    [InlineData("2025-01-01 06:00", "2025-01-01 18:00", 6, "4", "")]
    [InlineData("2024-12-30 12:00", "2024-12-31 04:00", 6, "3", "")]
    [InlineData("2024-12-30 03:00", "2024-12-30 23:00", 2, "1.2", "")]
    public void Abnormal_events_match_the_documented_definition(string start, string end, int baselineHours, string threshold, string known)
    {
        var from = Parse(start);
        var to = Parse(end);
        var z = double.Parse(threshold, CultureInfo.InvariantCulture);
        var expected = AbnormalEvents(from, to, baselineHours, z, known);

        var actual = Run("abnormal_events", ("start", start), ("end", end), ("baseline_hours", baselineHours.ToString(CultureInfo.InvariantCulture)),
            ("z_threshold", threshold), ("known_pixel_ids", known));

        Expect.Table(["kind", "hour_start", "pixel_id", "observed", "baseline_mean", "baseline_stddev", "score"], expected, actual);
    }

    [Fact]
    public void Abnormal_events_find_every_planted_anomaly()
    {
        var actual = Run("abnormal_events", ("start", "2024-12-31"), ("end", "2025-01-02"));

        var found = actual.Rows.Select(r => ((string)r[0]!, (DateTimeOffset)r[1]!, (string?)r[2])).ToList();
        Assert.Equal(
            new List<(string, DateTimeOffset, string?)>
            {
                ("bot_spike", LakeData.BotOnlySpike, null),
                ("volume", LakeData.EmptyHour, null),
                ("bad_rows_spike", LakeData.Spike, null),
                ("bot_spike", LakeData.Spike, null),
                ("unknown_pixel", LakeData.Spike, LakeData.Rogue),
                ("volume", LakeData.Spike, null),
            },
            found);
        Assert.True((double)actual[1, "score"]! < 0, "the empty hour is a drop");
    }

    [Fact]
    public void Abnormal_events_list_pixels_missing_from_the_known_list()
    {
        var actual = Run("abnormal_events", ("start", "2024-12-31"), ("end", "2025-01-02"), ("known_pixel_ids", "px_shop, px_mail"));

        Assert.Equal(new object?[] { LakeData.Blog, LakeData.Rogue }, actual.Rows.Where(r => (string)r[0]! == "unknown_pixel").Select(r => r[2]).Order());
    }

    private List<object?[]> AbnormalEvents(DateTimeOffset start, DateTimeOffset end, int baselineHours, double threshold, string known)
    {
        var first = Expect.Hour(start).AddHours(-baselineHours);
        var last = Expect.Hour(end).AddHours(-1);
        var hours = new List<DateTimeOffset>();
        for (var h = first; h <= (last > first ? last : first); h = h.AddHours(1))
        {
            hours.Add(h);
        }

        var scanned = lake.Events.Where(e => e.EventTime >= first && e.EventTime < end).ToList();
        var events = hours.Select(h => (double)scanned.Count(e => Expect.Hour(e.EventTime) == h)).ToArray();
        var bots = hours.Select(h => (double)scanned.Count(e => e.IsBot && Expect.Hour(e.EventTime) == h)).ToArray();
        var bad = hours.Select(h => (double)lake.BadRows.Count(b => b.Time >= first && b.Time < end && Expect.Hour(b.Time) == h)).ToArray();

        var rows = new List<object?[]>();
        for (var i = 0; i < hours.Count; i++)
        {
            if (hours[i] < start)
            {
                continue;
            }

            foreach (var (kind, series, bothWays) in new[] { ("volume", events, true), ("bot_spike", bots, false), ("bad_rows_spike", bad, false) })
            {
                var baseline = series[(i - baselineHours)..i];
                var mean = baseline.Average();
                var stddev = Math.Sqrt(baseline.Select(x => (x - mean) * (x - mean)).Average());
                var score = (series[i] - mean) / Math.Max(stddev, Math.Sqrt(Math.Max(mean, 1)));
                var shown = bothWays ? Math.Abs(score) : score;
                Assert.True(Math.Abs(shown - threshold) > 1e-6, $"{kind} at {hours[i]:O} scores {score}, too close to the threshold for a robust test");
                if (shown >= threshold)
                {
                    rows.Add([kind, hours[i], null, (long)series[i], mean, stddev, score]);
                }
            }
        }

        var list = known.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pixel in scanned.GroupBy(e => e.PixelId))
        {
            var inWindow = pixel.Where(e => e.EventTime >= start).ToList();
            var unknown = list.Length == 0 ? pixel.All(e => e.EventTime >= start) : !list.Contains(pixel.Key);
            if (inWindow.Count > 0 && unknown)
            {
                rows.Add(["unknown_pixel", Expect.Hour(inWindow.Min(e => e.EventTime)), pixel.Key, (long)inWindow.Count, null, null, null]);
            }
        }

        return
        [
            .. rows.OrderBy(r => (DateTimeOffset)r[1]!)
                .ThenBy(r => (string)r[0]!, StringComparer.Ordinal)
                .ThenBy(r => (string?)r[2], Comparer<string?>.Create(Expect.NullsLast)),
        ];
    }

    private IEnumerable<EventRow> InWindow(string start, string end)
    {
        var from = Parse(start);
        var to = Parse(end);
        return lake.Events.Where(e => e.EventTime >= from && e.EventTime < to);
    }

    // The test's own reading of the windows above (UTC; a trailing Z allowed).
    private static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text.TrimEnd('Z'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private Table Run(string name, params (string Name, string Value)[] values)
    {
        var sql = lake.Query(name).Render(values.ToDictionary(v => v.Name, v => v.Value), SqlDialect.DuckDb, new FixedClock(LakeData.End));
        return _session.Query(sql);
    }
}
