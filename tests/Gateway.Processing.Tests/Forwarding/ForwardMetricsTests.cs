using System.Collections.Concurrent;
using System.Text;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>Forward metrics: counting, hourly buckets and retention on a fake clock, the caps that bound memory, and the JSON file.</summary>
public sealed class ForwardMetricsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 10, 10, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset TenOClock = new(2025, 3, 10, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-forward-metrics-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Counts_add_up_per_pixel_and_event_and_the_success_rate_is_forwarded_over_settled()
    {
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase", 5);
        metrics.Forwarded("px1", "Purchase", "meta", 2);
        metrics.Forwarded("px1", "Purchase", "hook");
        metrics.Failed("px1", "Purchase", "meta");
        metrics.Dropped("px1", "Purchase", "domain_blocked");
        _clock.Advance(TimeSpan.FromMinutes(7));
        metrics.Received("px1", "Purchase");
        metrics.Received("px2", "PageView", 3);

        var rows = All(metrics);

        Assert.Equal([("px1", "Purchase"), ("px2", "PageView")], rows.Select(r => (r.PixelId, r.EventName)));
        var purchase = rows[0];
        Assert.Equal((6L, 3L, 1L, 1L), (purchase.Received, purchase.Forwarded, purchase.Failed, purchase.Dropped));
        Assert.Equal(Counts(("hook", 1), ("meta", 2)), Sorted(purchase.ForwardedByDestination));
        Assert.Equal(Counts(("meta", 1)), Sorted(purchase.FailedByDestination));
        Assert.Equal(Counts(("domain_blocked", 1)), Sorted(purchase.DroppedByReason));
        Assert.Equal(0.75, purchase.SuccessRate);
        Assert.Equal(Start.AddMinutes(7), purchase.LastSeen);
        // Nothing settled yet: no rate rather than 0 % or 100 %.
        Assert.Null(rows[1].SuccessRate);
        Assert.Empty(rows[1].ForwardedByDestination);
    }

    [Fact]
    public void Query_sums_the_hours_its_window_overlaps()
    {
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase", 2);
        metrics.Forwarded("px1", "Purchase", "meta", 2);
        _clock.Advance(TimeSpan.FromMinutes(45)); // 11:15
        metrics.Received("px1", "Purchase", 3);
        metrics.Failed("px1", "Purchase", "meta");
        metrics.Received("px2", "Lead");

        Assert.Equal(2, Single(metrics.Query(TenOClock, TenOClock.AddHours(1))).Received);
        Assert.Equal(3, metrics.Query(TenOClock.AddHours(1), TenOClock.AddHours(2), "px1")[0].Received);
        // A window touching both hours by a minute takes both whole hours.
        var both = metrics.Query(TenOClock.AddMinutes(59), TenOClock.AddMinutes(61), "px1");
        Assert.Equal((5L, 2L, 1L), (Single(both).Received, both[0].Forwarded, both[0].Failed));
        Assert.Equal(Start.AddMinutes(45), both[0].LastSeen);
        // The window's end is exclusive: [9:00, 10:00) does not reach the 10:00 hour.
        Assert.Empty(metrics.Query(TenOClock.AddHours(-1), TenOClock));
        Assert.Equal(["px1", "px2"], All(metrics).Select(r => r.PixelId));

        var series = metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal([TenOClock, TenOClock.AddHours(1)], series.Select(b => b.Hour));
        Assert.Equal([2L, 4L], series.Select(b => b.Received));
        Assert.Equal([1.0, 0.0], series.Select(b => b.SuccessRate!.Value));
        Assert.Equal([1L], metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, "px2").Select(b => b.Received));
    }

    [Fact]
    public void Hours_past_thirty_days_are_dropped_as_the_clock_advances()
    {
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase");
        _clock.Advance(TimeSpan.FromDays(1));
        metrics.Received("px1", "Purchase");

        _clock.Advance(TimeSpan.FromDays(29) + TimeSpan.FromMinutes(29)); // 10:59, 30 days on: 10:59 30 days ago is still in the first hour
        Assert.Equal(2, Single(All(metrics)).Received);
        Assert.Equal(2, metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Count);

        // 11:00: all of the first day's 10:00 hour is now older than 30 days; the second day's hour stays.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, Single(All(metrics)).Received);
        Assert.Equal([TenOClock.AddDays(1)], metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Select(b => b.Hour));

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(All(metrics));
    }

    [Fact]
    public void Counting_alone_drops_old_hours_so_a_store_nobody_queries_stays_bounded()
    {
        var metrics = new ForwardMetrics(_clock, new ForwardMetricsOptions { Retention = TimeSpan.FromHours(2) });
        for (var hour = 0; hour < 10; hour++)
        {
            metrics.Received("px1", "Purchase");
            _clock.Advance(TimeSpan.FromHours(1));
        }

        // The current hour and the two before it: a bucket is kept while any part of it is within retention.
        metrics.Received("px1", "Purchase");
        Assert.Equal(3, metrics.HoursHeld);
    }

    [Fact]
    public void Keys_past_the_cap_count_under_other_so_totals_stay_exact()
    {
        var metrics = new ForwardMetrics(_clock, new ForwardMetricsOptions { MaxKeysPerBucket = 3 });
        for (var i = 0; i < 10; i++)
        {
            metrics.Received($"px{i}", "PageView", i + 1);
            metrics.Dropped($"px{i}", "PageView", "pixel_unknown");
        }

        // A key seen before the cap keeps counting as itself.
        metrics.Received("px0", "PageView");

        var rows = All(metrics);
        Assert.Equal(["(other)", "px0", "px1", "px2"], rows.Select(r => r.PixelId));
        Assert.Equal([4L + 5 + 6 + 7 + 8 + 9 + 10, 2L, 2L, 3L], rows.Select(r => r.Received));
        Assert.Equal(56, rows.Sum(r => r.Received));
        Assert.Equal(7, rows[0].DroppedByReason["pixel_unknown"]);
        Assert.Equal("(other)", rows[0].EventName);

        // The cap is per hour: a new hour has room for new keys again.
        _clock.Advance(TimeSpan.FromHours(1));
        metrics.Received("px9", "PageView");
        Assert.Equal("px9", Single(metrics.Query(TenOClock.AddHours(1), TenOClock.AddHours(2))).PixelId);
    }

    [Fact]
    public void Reasons_and_destinations_past_the_cap_count_under_other()
    {
        var metrics = new ForwardMetrics(_clock, new ForwardMetricsOptions { MaxNamesPerKey = 4 });
        for (var i = 0; i < 10; i++)
        {
            metrics.Dropped("px1", "Purchase", $"reason{i}");
            metrics.Forwarded("px1", "Purchase", $"hook{i}", 2);
        }

        var row = Single(All(metrics));
        Assert.Equal(Counts(("(other)", 6), ("reason0", 1), ("reason1", 1), ("reason2", 1), ("reason3", 1)), Sorted(row.DroppedByReason));
        Assert.Equal(12, row.ForwardedByDestination["(other)"]);
        Assert.Equal(row.Forwarded, row.ForwardedByDestination.Values.Sum());
        Assert.Equal(10, row.Dropped);
    }

    [Fact]
    public void Long_ids_are_cut_to_128_characters_the_same_way_every_time()
    {
        var metrics = new ForwardMetrics(_clock);
        var prefix = new string('a', 128);
        metrics.Received(prefix + "first-tail", "Purchase");
        metrics.Received(prefix + "another-tail", "Purchase");
        metrics.Dropped("px1", "Purchase", new string('r', 500));
        metrics.Dropped("px1", "Purchase", new string('r', 300));
        // A surrogate pair across the cut is left out whole, so the id stays valid text.
        metrics.Received(new string('b', 127) + "\U0001F600tail", "Purchase");

        var rows = All(metrics);
        Assert.Equal([prefix, new string('b', 127), "px1"], rows.Select(r => r.PixelId));
        Assert.Equal(2, rows[0].Received);
        Assert.Equal(2, rows[2].DroppedByReason[new string('r', 128)]);
        Assert.Equal(2, Single(metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, prefix + "any-tail")).Received);
    }

    [Fact]
    public void Concurrent_updates_from_several_threads_give_exact_totals()
    {
        const int Threads = 8;
        const int PerThread = 50_000;
        var metrics = new ForwardMetrics(_clock);
        var join = Run(Threads, t =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                // Few hot keys, so lost updates would show.
                var pixel = PixelNames[i % PixelNames.Length];
                metrics.Received(pixel, "Purchase");
                if (i % 2 == 0)
                {
                    metrics.Forwarded(pixel, "Purchase", "meta");
                }
                else
                {
                    metrics.Failed(pixel, "Purchase", "hook");
                }

                // One thread moves the clock across an hour boundary while the others count.
                if (t == 0 && i == PerThread / 2)
                {
                    _clock.Advance(TimeSpan.FromHours(1));
                }
            }
        });
        join();

        var rows = All(metrics);
        Assert.Equal(Threads * PerThread, rows.Sum(r => r.Received));
        Assert.Equal(Threads * PerThread / 2, rows.Sum(r => r.Forwarded));
        Assert.Equal(Threads * PerThread / 2, rows.Sum(r => r.FailedByDestination.GetValueOrDefault("hook")));
        Assert.Equal(2, metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Count);
    }

    [Fact]
    public void Queries_while_new_keys_arrive_neither_fail_nor_go_back()
    {
        const int Threads = 4;
        const int PerThread = 20_000;
        // Room for every key, so keys keep being added to the hour the reader is reading.
        var metrics = new ForwardMetrics(_clock, new ForwardMetricsOptions { MaxKeysPerBucket = 1_000_000 });
        var writersDone = 0;
        var join = Run(Threads, t =>
        {
            try
            {
                for (var i = 0; i < PerThread; i++)
                {
                    metrics.Received($"px-{t}-{i}", "Lead");
                    metrics.Dropped($"px-{t}-{i}", "Lead", "pixel_unknown");
                }
            }
            finally
            {
                Interlocked.Increment(ref writersDone);
            }
        });
        Exception? readerError = null;
        try
        {
            long last = 0;
            do
            {
                var total = metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Sum(r => r.Received);
                Assert.True(total >= last, $"received went back from {last} to {total}");
                last = total;
            }
            while (Volatile.Read(ref writersDone) < Threads);
        }
        catch (Exception ex)
        {
            readerError = ex;
        }

        join();
        Assert.Null(readerError);
        Assert.Equal(Threads * PerThread, All(metrics).Sum(r => r.Dropped));
    }

    [Fact]
    public void Counting_a_key_already_seen_allocates_nothing()
    {
        var metrics = new ForwardMetrics(_clock);
        var longId = new string('p', 300);
        Count(metrics, longId);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            Count(metrics, longId);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1_001, Single(All(metrics)).Received);

        static void Count(ForwardMetrics metrics, string pixelId)
        {
            metrics.Received(pixelId, "Purchase");
            metrics.Forwarded(pixelId, "Purchase", "meta");
            metrics.Failed(pixelId, "Purchase", "hook");
            metrics.Dropped(pixelId, "Purchase", "domain_blocked");
        }
    }

    [Fact]
    public void Writing_produces_the_version_1_format()
    {
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase", 2);
        metrics.Forwarded("px1", "Purchase", "meta");
        metrics.Failed("px1", "Purchase", "hook");
        metrics.Dropped("px1", "Purchase", "domain_blocked");
        _clock.Advance(TimeSpan.FromHours(1));
        metrics.Dropped("px2", "Lead", "bot");

        Assert.Equal(
            """
            {"version":1,"hours":[
            {"hour":"2025-03-10T10:00:00Z","keys":[{"pixel":"px1","event":"Purchase","received":2,"forwarded":1,"failed":1,"dropped":1,"lastSeen":"2025-03-10T10:30:00Z","droppedByReason":{"domain_blocked":1},"forwardedByDestination":{"meta":1},"failedByDestination":{"hook":1}}]},
            {"hour":"2025-03-10T11:00:00Z","keys":[{"pixel":"px2","event":"Lead","dropped":1,"droppedByReason":{"bot":1}}]}]}
            """.Replace("\n", "", StringComparison.Ordinal),
            Json(metrics));
    }

    [Fact]
    public void A_hand_written_version_1_file_reads_as_written()
    {
        // Indented, with an offset instead of Z and fields left out: what a person editing the file might write.
        const string Written = """
            {
              "version": 1,
              "hours": [
                {
                  "hour": "2025-03-10T09:00:00Z",
                  "keys": [
                    {
                      "pixel": "px1", "event": "Purchase",
                      "received": 5, "forwarded": 3, "failed": 1, "dropped": 1,
                      "lastSeen": "2025-03-10T09:41:07.5Z",
                      "droppedByReason": { "domain_blocked": 1 },
                      "forwardedByDestination": { "meta": 2, "hook": 1 },
                      "failedByDestination": { "meta": 1 }
                    }
                  ]
                },
                {
                  "hour": "2025-03-10T12:00:00+02:00",
                  "keys": [
                    { "pixel": "px1", "event": "Purchase", "received": 2, "forwarded": 2, "forwardedByDestination": { "meta": 2 } },
                    { "pixel": "px2", "event": "PageView", "received": 7, "lastSeen": null }
                  ]
                }
              ]
            }
            """;

        var metrics = Read(Written);

        var rows = All(metrics);
        Assert.Equal([("px1", "Purchase"), ("px2", "PageView")], rows.Select(r => (r.PixelId, r.EventName)));
        Assert.Equal((7L, 5L, 1L, 1L), (rows[0].Received, rows[0].Forwarded, rows[0].Failed, rows[0].Dropped));
        Assert.Equal(Counts(("hook", 1), ("meta", 4)), Sorted(rows[0].ForwardedByDestination));
        Assert.Equal(Counts(("meta", 1)), Sorted(rows[0].FailedByDestination));
        Assert.Equal(Counts(("domain_blocked", 1)), Sorted(rows[0].DroppedByReason));
        Assert.Equal(new DateTimeOffset(2025, 3, 10, 9, 41, 7, 500, TimeSpan.Zero), rows[0].LastSeen);
        Assert.Null(rows[1].LastSeen);
        Assert.Equal([(TenOClock.AddHours(-1), 5L), (TenOClock, 9L)], metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Select(b => (b.Hour, b.Received)));
    }

    [Fact]
    public void Json_round_trip_keeps_every_counter_and_counting_resumes_in_the_current_hour()
    {
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase", 4);
        metrics.Forwarded("px1", "Purchase", "meta", 3);
        metrics.Failed("px1", "Purchase", "meta");
        _clock.Advance(TimeSpan.FromMinutes(45));
        metrics.Dropped("px2", "Lead", "bot", 2);
        metrics.Received("px2", "Lead", 2);

        var read = Read(Json(metrics));

        Assert.Equal(Describe(metrics), Describe(read));
        read.Received("px2", "Lead");
        Assert.Equal([4L, 3L], read.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue).Select(b => b.Received));
    }

    [Fact]
    public void An_id_that_is_not_valid_text_is_saved_with_a_replacement_character()
    {
        // A lone surrogate can arrive from a decoded query string; it must not make the file unwritable.
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px\uD800", "Purchase");

        Assert.Equal("px\uFFFD", Single(All(Read(Json(metrics)))).PixelId);
    }

    [Fact]
    public void Reading_drops_hours_past_retention()
    {
        var metrics = Read("""
            {"version":1,"hours":[
              {"hour":"2025-02-01T10:00:00Z","keys":[{"pixel":"px1","event":"Purchase","received":1}]},
              {"hour":"2025-03-01T10:00:00Z","keys":[{"pixel":"px1","event":"Purchase","received":2}]}]}
            """);

        // Dropped while reading, not only hidden by the next query.
        Assert.Equal(1, metrics.HoursHeld);
        Assert.Equal(2, Single(All(metrics)).Received);
    }

    [Fact]
    public void Reading_applies_the_key_cap_to_what_a_file_holds()
    {
        var metrics = Read(
            """
            {"version":1,"hours":[{"hour":"2025-03-10T10:00:00Z","keys":[
              {"pixel":"px1","event":"Purchase","received":1},
              {"pixel":"px2","event":"Purchase","received":2},
              {"pixel":"px3","event":"Purchase","received":3}]}]}
            """,
            new ForwardMetricsOptions { MaxKeysPerBucket = 1 });

        Assert.Equal([("(other)", 5L), ("px1", 1L)], All(metrics).Select(r => (r.PixelId, r.Received)));
    }

    [Theory]
    // Not JSON at all, and JSON cut off mid-way, as a crash during a non-atomic copy would leave it.
    [InlineData("", "not valid JSON at line 1")]
    [InlineData("{\"version\":1,\"hours\":[", "not valid JSON at line 1")]
    [InlineData("[]", "$: expected an object with version and hours; got array []")]
    [InlineData("{\"hours\":[]}", "version: missing")]
    // A newer format is named as such, before its unknown properties could be.
    [InlineData("{\"version\":2,\"hours\":[],\"buckets\":[]}", "version: 2 is not supported; this build reads version 1")]
    [InlineData("{\"version\":1}", "hours: missing")]
    [InlineData("{\"version\":1,\"hours\":{}}", "hours: expected an array; got object {}")]
    [InlineData("{\"version\":1,\"hours\":[],\"extra\":1}", "extra: unknown property")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"2025-03-10T10:30:00Z\",\"keys\":[]}]}", "hours[0].hour: 2025-03-10T10:30:00.0000000+00:00 is not the start of an hour")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"yesterday\",\"keys\":[]}]}", "hours[0].hour: expected an ISO 8601 time")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"2025-03-10T10:00:00Z\",\"keys\":[{\"event\":\"Purchase\"}]}]}", "hours[0].keys[0].pixel: missing")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"2025-03-10T10:00:00Z\",\"keys\":[{\"pixel\":\"p\",\"event\":\"e\",\"received\":-1}]}]}", "hours[0].keys[0].received: expected a count (a whole number, 0 or more); got number -1")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"2025-03-10T10:00:00Z\",\"keys\":[{\"pixel\":\"p\",\"event\":\"e\",\"received\":1.5}]}]}", "hours[0].keys[0].received: expected a count")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"2025-03-10T10:00:00Z\",\"keys\":[{\"pixel\":\"p\",\"event\":\"e\",\"droppedByReason\":{\"bot\":\"3\"}}]}]}", "hours[0].keys[0].droppedByReason.bot: expected a count")]
    [InlineData("{\"version\":1,\"hours\":[{\"hour\":\"2025-03-10T10:00:00Z\",\"keys\":[{\"pixel\":\"p\",\"event\":\"e\",\"lastSeen\":42}]}]}", "hours[0].keys[0].lastSeen: expected an ISO 8601 time")]
    public void An_unreadable_file_throws_naming_what_is_wrong(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_loads_as_an_empty_store()
    {
        var loaded = ForwardMetricsFile.Load(Path.Combine(_dir.FullName, "metrics.json"), _clock);

        Assert.Null(loaded.Problem);
        Assert.Empty(All(loaded.Metrics));
    }

    [Fact]
    public void A_corrupt_file_is_moved_aside_and_reported_and_the_store_starts_empty()
    {
        var path = Path.Combine(_dir.FullName, "metrics.json");
        const string Corrupt = "{\"version\":1,\"hours\":[{\"hour\":\"2025-03-";
        File.WriteAllText(path, Corrupt);

        var loaded = ForwardMetricsFile.Load(path, _clock);

        var aside = path + ".corrupt-20250310T103000Z";
        Assert.NotNull(loaded.Problem);
        Assert.Contains($"moved it to {aside}", loaded.Problem, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", loaded.Problem, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.Equal(Corrupt, File.ReadAllText(aside));
        Assert.Empty(All(loaded.Metrics));
        loaded.Metrics.Received("px1", "Purchase");
        Assert.Single(All(loaded.Metrics));

        // A second corrupt file within the same second does not replace the first one set aside.
        File.WriteAllText(path, "garbage");
        Assert.Contains($"moved it to {aside}-2", ForwardMetricsFile.Load(path, _clock).Problem, StringComparison.Ordinal);
        Assert.Equal(Corrupt, File.ReadAllText(aside));
    }

    [Fact]
    public void Save_replaces_the_file_and_leaves_no_temp_file_behind()
    {
        // In a directory that does not exist yet, as on a fresh data directory.
        var path = Path.Combine(_dir.FullName, "forward", "metrics.json");
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase");
        ForwardMetricsFile.Save(metrics, path);
        metrics.Received("px1", "Purchase", 2);
        ForwardMetricsFile.Save(metrics, path);

        Assert.Equal(["metrics.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        var loaded = ForwardMetricsFile.Load(path, _clock);
        Assert.Null(loaded.Problem);
        Assert.Equal(3, Single(All(loaded.Metrics)).Received);
    }

    [Fact]
    public void A_save_that_fails_leaves_no_temp_file_behind()
    {
        // The target is a directory, so the final rename fails after the temp file was written.
        var path = Path.Combine(_dir.FullName, "metrics.json");
        Directory.CreateDirectory(path);
        var metrics = new ForwardMetrics(_clock);
        metrics.Received("px1", "Purchase");

        Assert.ThrowsAny<IOException>(() => ForwardMetricsFile.Save(metrics, path));

        Assert.Empty(_dir.GetFiles());
    }

    private static readonly string[] PixelNames = ["px1", "px2"];

    /// <summary>Starts <paramref name="count"/> threads that begin <paramref name="work"/> (given their index) together; the action returned waits for them and rethrows what they threw.</summary>
    private static Action Run(int count, Action<int> work)
    {
        var start = new Barrier(count);
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, count).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                work(t);
            }
            catch (Exception ex)
            {
                // Thrown on a thread of its own it would take the test host down instead of failing the test.
                errors.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        return () =>
        {
            threads.ForEach(t => t.Join());
            start.Dispose();
            if (!errors.IsEmpty)
            {
                throw new AggregateException(errors);
            }
        };
    }

    private static IReadOnlyList<ForwardMetricsRow> All(ForwardMetrics metrics) => metrics.Query(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

    private static ForwardMetricsRow Single(IReadOnlyList<ForwardMetricsRow> rows) => Assert.Single(rows);

    private static KeyValuePair<string, long>[] Counts(params (string Name, long Count)[] counts) =>
        [.. counts.Select(c => KeyValuePair.Create(c.Name, c.Count))];

    private static KeyValuePair<string, long>[] Sorted(IReadOnlyDictionary<string, long> counts) =>
        [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal)];

    private static string Json(ForwardMetrics metrics)
    {
        using var buffer = new MemoryStream();
        metrics.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private ForwardMetrics Read(string json, ForwardMetricsOptions? options = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return ForwardMetrics.ReadFrom(stream, _clock, options);
    }

    /// <summary>Every row and hour with every field, as text, so two stores compare in one assertion.</summary>
    private static string Describe(ForwardMetrics metrics)
    {
        var text = new StringBuilder();
        foreach (var row in All(metrics))
        {
            text.AppendLine($"{row.PixelId}/{row.EventName} {row.Received} {row.Forwarded} {row.Failed} {row.Dropped} {row.LastSeen:O} " +
                $"{Map(row.DroppedByReason)} {Map(row.ForwardedByDestination)} {Map(row.FailedByDestination)}");
        }

        foreach (var bucket in metrics.Buckets(DateTimeOffset.MinValue, DateTimeOffset.MaxValue))
        {
            text.AppendLine($"{bucket.Hour:O} {bucket.Received} {bucket.Forwarded} {bucket.Failed} {bucket.Dropped}");
        }

        return text.ToString();

        static string Map(IReadOnlyDictionary<string, long> counts) => string.Join(",", Sorted(counts).Select(c => $"{c.Key}={c.Value}"));
    }
}
