using Gateway.Dashboards.History;
using Gateway.Dashboards.Http;
using Gateway.Dashboards.Live;
using Gateway.Dashboards.Rollups;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Microsoft.AspNetCore.Routing;

namespace Gateway.Cli;

/// <summary>
/// The dashboard in <c>gateway up</c>: two consumers of the enriched streams feed the rollups (saved under
/// <c>data/rollups</c> with their stream positions), and the edge's host serves <c>/dashboard</c> and <c>/api/</c>.
/// </summary>
internal sealed class DashboardStage : IDisposable
{
    private readonly DashboardFeed _feed;
    private readonly DashboardAuth _auth;
    private readonly DashboardServices _services;
    private readonly StreamConsumer _events;
    private readonly StreamConsumer _badRows;
    private readonly LakeHistory? _history;

    private DashboardStage(DashboardFeed feed, DashboardAuth auth, DashboardServices services, StreamConsumer events, StreamConsumer badRows, LakeHistory? history)
    {
        _feed = feed;
        _auth = auth;
        _services = services;
        _events = events;
        _badRows = badRows;
        _history = history;
    }

    /// <summary>The feed (rollups, detector, recent events).</summary>
    public DashboardFeed Feed => _feed;

    /// <summary>
    /// The stage, or null with the reason in <paramref name="line"/> when it is off (<c>dashboard.enabled</c> false, or
    /// no admin token to guard it). A snapshot that could not be read is moved aside and reported in the line.
    /// </summary>
    public static DashboardStage? Create(GatewayConfig config, ForwardConfigStore forward, AdminToken? token, EnrichedStreams enriched, ForwardMetrics? metrics, Action<string, string, Exception, TimeSpan> reportFailure, out string line)
    {
        if (!config.Dashboard.Enabled)
        {
            line = "gateway up: dashboard off (dashboard.enabled is false)";
            return null;
        }

        if (token is null)
        {
            line = "gateway up: dashboard off: it is guarded by the admin token, and admin.enabled is false";
            return null;
        }

        var options = new DashboardFeedOptions
        {
            SnapshotPath = config.RollupsFile,
            SnapshotInterval = config.Dashboard.SnapshotInterval,
            Rollups = new RollupOptions { Retention = config.Dashboard.Retention },
            // With pixels configured for forwarding, other ids are unknown and alert; without, every id is followed.
            IsKnownPixel = id => forward.Router is var router && (!router.HasPixels || router.IsConfigured(id)),
        };
        DashboardFeed feed;
        string? problem;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(config.RollupsFile)!);
            feed = DashboardFeed.Open(options, out problem);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The pipeline runs on without it: the hits and the lake do not depend on the dashboard.
            line = $"gateway up: dashboard off: cannot use {config.RollupsFile} ({ex.GetType().Name}: {ex.Message}); fix the folder's permissions and restart, or set dashboard.enabled to false";
            return null;
        }

        var history = config.Lake.Mode == LakeMode.Local ? new LakeHistory(config.LakeDirectory) : null;
        var services = new DashboardServices { Forward = metrics, History = history };
        var consumerOptions = (string stage) => new StreamConsumerOptions { OnFailure = (shard, error, retryIn) => reportFailure(stage, shard, error, retryIn) };
        var events = new StreamConsumer(DashboardFeed.EventsConsumer, enriched.Events, feed.Checkpoints, feed.Events, consumerOptions("dashboard"));
        var badRows = new StreamConsumer(DashboardFeed.BadRowsConsumer, enriched.BadRows, feed.Checkpoints, feed.BadRows, consumerOptions("dashboard"));
        line = $"gateway up: dashboard at /dashboard (log in with the admin token), API at /api/; rollups by minute for {options.Rollups.MinuteRetention.TotalHours:0} h and by hour for {options.Rollups.Retention.TotalDays:0} days in {config.RollupsFile}"
            + (feed.TotalEvents > 0 ? $", resumed with {feed.TotalEvents} event(s) counted" : "")
            + (history is null ? "; older history is not available with lake.mode direct" : "; older history from the lake")
            + (problem is null ? "" : $"; {problem}");
        var auth = new DashboardAuth(token.Verify, token.SessionKey);
        return new DashboardStage(feed, auth, services, events, badRows, history);
    }

    /// <summary>Adds the page and the API to the edge's routes.</summary>
    public void Map(IEndpointRouteBuilder routes) => routes.MapDashboard(_feed, _auth, _services);

    /// <summary>
    /// Runs the consumers and the feed's clock until <paramref name="stop"/>, or until they caught up after
    /// <paramref name="drain"/>; then writes the snapshot a last time.
    /// </summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken drain)
    {
        using var clock = new CancellationTokenSource();
        var ticking = _feed.RunAsync(error => Console.Error.WriteLine($"gateway up: dashboard: saving the rollups to {Path.GetDirectoryName(_feed.Options.SnapshotPath)} failed ({error.GetType().Name}: {error.Message}); trying again in {_feed.Options.SnapshotInterval.TotalSeconds:0} s"), clock.Token);
        try
        {
            await Task.WhenAll(_events.RunAsync(stop, drain), _badRows.RunAsync(stop, drain)).ConfigureAwait(false);
        }
        finally
        {
            // After the consumers: the last snapshot holds every batch they counted.
            await clock.CancelAsync().ConfigureAwait(false);
            await ticking.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _history?.Dispose();
}
