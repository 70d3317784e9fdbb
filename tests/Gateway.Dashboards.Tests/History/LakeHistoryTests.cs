using Gateway.Dashboards.History;
using Gateway.Dashboards.Http;
using Gateway.Dashboards.Live;
using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Tests.Live;
using Gateway.Parquet.Lake;
using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Tests.History;

/// <summary>History older than the rollups, read from a lake the pipeline's writer wrote, through DuckDB.</summary>
public sealed class LakeHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Old = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(-40);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("gateway-history-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Points_and_top_values_come_from_the_lake_with_exact_visitor_counts()
    {
        var rows = new List<EventRow>();
        rows.AddRange(Enumerable.Range(0, 5).Select(i => Rows.Event("px1", Old.AddHours(1), r => r.VisitorId = $"v{i % 2}")));
        rows.AddRange(Enumerable.Range(0, 3).Select(_ => Rows.Event("px1", Old.AddDays(1).AddHours(2), r => (r.EventName, r.Value, r.Currency, r.VisitorId) = ("purchase", 2.5, "usd", "v0"))));
        rows.Add(Rows.Event("px1", Old.AddDays(1).AddHours(3), r => (r.Channel, r.EventName, r.IsMachineOpen, r.ReferrerHost) = ("email", "open", true, null)));
        rows.Add(Rows.Event("px1", Old.AddDays(1).AddHours(3), r => (r.Channel, r.EventName, r.IsBot) = ("email", "open", true)));
        rows.Add(Rows.Event("px2", Old.AddHours(1)));
        await WriteLakeAsync(rows);
        using var history = new LakeHistory(_folder.FullName);

        var result = await history.ReadAsync("px1", Old, Old.AddDays(2), RollupStep.Day, 10, default);

        Assert.Equal([(Old, 5L), (Old.AddDays(1), 5L)], result.Points.Select(p => (p.Time, p.Events)));
        Assert.Equal(2, result.Points[0].Visitors);
        var second = result.Points[1];
        Assert.Equal((1L, 1L, 0L, 3L), (second.Bots, second.MachineOpens, second.HumanOpens, second.Conversions));
        // v0, v1, and the two open rows' own random ids.
        Assert.Equal(4, result.Visitors);
        Assert.Equal(7.5, result.Value["USD"]);
        Assert.Equal([KeyValuePair.Create("pageview", 5L), KeyValuePair.Create("purchase", 3L), KeyValuePair.Create("open", 2L)], result.Top["eventNames"]);
        Assert.Contains(KeyValuePair.Create(Tally.Unknown, 1L), result.Top["referrerHosts"]);
        Assert.Equal("shop.example/landing", result.Top["pages"][0].Key);

        var hours = await history.ReadAsync(null, Old, Old.AddDays(1), RollupStep.Hour, 10, default);
        Assert.Equal([(Old.AddHours(1), 6L)], hours.Points.Select(p => (p.Time, p.Events)));
    }

    [Fact]
    public async Task A_range_across_the_rollups_window_reads_the_lake_before_it_and_the_rollups_after()
    {
        var now = DateTimeOffset.UtcNow;
        await WriteLakeAsync([Rows.Event("px1", Old.AddHours(5)), Rows.Event("px1", Old.AddHours(6))]);
        var feed = DashboardFeed.Open(null, out _);
        await feed.Events.ProcessAsync(Rows.Records("shard-0", 1, [Rows.Event("px1", now.AddHours(-1))]), default);
        using var history = new LakeHistory(_folder.FullName);
        var request = new MetricsRequest("px1", Old, MetricsRequest.Ceiling(now, RollupStep.Day), RollupStep.Day);

        var view = await MetricsView.BuildAsync(request, feed, history, null, now, default);

        Assert.Equal("lake+rollups", view.Source);
        Assert.Equal(3, view.Totals.Events);
        Assert.Equal(2, view.Points.Single(p => p.Time == Old).Events);
        Assert.Equal(1, view.Points.Where(p => p.Time > now.AddDays(-2)).Sum(p => p.Events));
        Assert.Equal(request.PointCount, view.Points.Count);
    }

    [Fact]
    public async Task A_pixel_with_a_quote_is_a_literal_not_sql()
    {
        await WriteLakeAsync([Rows.Event("it's", Old), Rows.Event("other", Old)]);
        using var history = new LakeHistory(_folder.FullName);

        var result = await history.ReadAsync("it's", Old, Old.AddDays(1), RollupStep.Day, 10, default);
        var injected = await history.ReadAsync("x' OR '1'='1", Old, Old.AddDays(1), RollupStep.Day, 10, default);

        Assert.Equal(1, result.Points.Single().Events);
        Assert.Empty(injected.Points);
    }

    private async Task WriteLakeAsync(IEnumerable<EventRow> rows)
    {
        var options = new LakeWriterOptions { NameSeed = "history", DedupWindow = TimeSpan.Zero, BufferTime = Timeout.InfiniteTimeSpan, MaxOpenPartitions = 8 };
        await using var writer = LakeWriter.Create(new DirectoryLakeStore(_folder.FullName), options);
        long position = 0;
        foreach (var row in rows)
        {
            writer.Add(row, position++);
        }

        await writer.FlushAllAsync();
    }
}
