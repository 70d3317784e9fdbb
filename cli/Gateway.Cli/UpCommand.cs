using System.CommandLine;
using System.Runtime.InteropServices;
using Gateway.Edge;
using Gateway.Parquet.Lake;
using Gateway.Processing.Enrichment;
using Gateway.Streams;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Gateway.Cli;

/// <summary><c>gateway up</c>: the whole local pipeline in one process.</summary>
internal static class UpCommand
{
    // Bounds a clean stop: a destination outage must not keep the process from exiting.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var stream = new Option<string?>("--stream")
        {
            Description = "Where the raw stream lives: embedded (default, under the data directory) or kinesis (any Kinesis-API endpoint); same as stream.kind",
        };
        stream.AcceptOnlyFromAmong("embedded", "kinesis");
        var endpoint = new Option<string?>("--kinesis-endpoint")
        {
            Description = "Kinesis-API endpoint for --stream kinesis (kinesalite, LocalStack); omit for AWS; same as stream.kinesis.endpoint",
        };
        var command = new Command("up", "Run the local pipeline: pixel edge on Kestrel, the raw and aggregated streams (embedded under the data directory, or Kinesis), the aggregate and enrich stages (events and bad-rows, embedded), and the lake stage (Hive-partitioned Parquet under the data directory, or S3).") { config, stream, endpoint };
        command.SetAction((result, ct) =>
        {
            var overrides = new Dictionary<string, string?>
            {
                ["stream:kind"] = result.GetValue(stream),
                ["stream:kinesis:endpoint"] = result.GetValue(endpoint),
            };
            if (overrides["stream:kinesis:endpoint"] is not null && overrides["stream:kind"] is null)
            {
                // An endpoint only makes sense for a Kinesis stream.
                overrides["stream:kind"] = "kinesis";
            }

            return RunAsync(result.GetValue(config), overrides, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, IReadOnlyDictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var config = CommonOptions.Load(configPath, overrides);
        if (config is null)
        {
            return 2;
        }

        // The forward stage's control plane; the admin API changes it while running.
        ForwardConfigStore forward;
        try
        {
            forward = ForwardConfigStore.Open(configPath);
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        // Counts only: the settings hold secrets.
        forward.Changed += snapshot => Console.WriteLine($"gateway up: forward settings changed through the admin API and saved to {forward.Path} (version {snapshot.Version}): {snapshot.Settings.Pixels.Count} pixel(s), {snapshot.Settings.Destinations.Count} destination(s)");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

        // Compiling the rule sets takes a while; it overlaps with opening (and recovering) the streams.
        var loadingRules = Task.Run(EnricherResources.Load, CancellationToken.None);

        PipelineStreams streams;
        try
        {
            streams = await PipelineStreams.OpenAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or HttpRequestException or Gateway.Aws.AwsServiceException)
        {
            var where = config.Kinesis is { } kinesis ? $"Kinesis stream '{kinesis.StreamName}' at {kinesis.Endpoint?.ToString() ?? "AWS"}" : config.RawStream.Directory;
            await Console.Error.WriteLineAsync($"cannot open the raw stream ({where}): {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (streams.ConfigureAwait(false))
        {
            EnrichedStreams enriched;
            try
            {
                enriched = await EnrichedStreams.OpenAsync(config, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"cannot open the events and bad-rows streams ({Path.Combine(config.DataDirectory, "streams")}): {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            await using (enriched.ConfigureAwait(false))
            {
                EventEnricher enricher;
                string keyLine;
                try
                {
                    // After the streams: their writer locks keep a second "up" on this data directory from generating a second key.
                    // Events on a domain the forward settings block or do not allow are stored with a note saying so.
                    (enricher, keyLine) = await EnrichStage.CreateEnricherAsync(config, loadingRules, flag: row => forward.Router.DomainNote(row)).ConfigureAwait(false);
                }
                catch (EnrichStage.StartException ex)
                {
                    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                    return ex.ExitCode;
                }

                // The forward stage enriches on its own (its dedup memory follows what it forwarded); same rules and key.
                var (forwardEnricher, _) = await EnrichStage.CreateEnricherAsync(config, loadingRules).ConfigureAwait(false);
                AdminToken? adminToken;
                try
                {
                    // After the streams, like the visitor-id key: their writer locks keep a second "up" from generating a second token.
                    adminToken = AdminToken.ForUp(config, out var adminLine);

                    // Printed at once: a generated token is shown only here, even if a later step fails.
                    Console.WriteLine(adminLine);
                }
                catch (InvalidDataException ex)
                {
                    await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                    return 2;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"cannot read or create the admin token file '{config.AdminTokenFile}': {ex.Message}; fix the permissions of {Path.GetDirectoryName(config.AdminTokenFile)}, set admin.token, or set admin.enabled to false").ConfigureAwait(false);
                    return 1;
                }

                ILakeStore lakeStore;
                try
                {
                    lakeStore = LakeStage.Store(config);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
                {
                    await Console.Error.WriteLineAsync($"cannot open the lake ({LakeStage.Describe(config)}): {ex.Message}").ConfigureAwait(false);
                    return 1;
                }

                return await RunStagesAsync(config, streams, enriched, enricher, keyLine, lakeStore, new ForwardParts(forward, forwardEnricher, adminToken), stop.Token, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> RunStagesAsync(GatewayConfig config, PipelineStreams streams, EnrichedStreams enriched, EventEnricher enricher, string keyLine, ILakeStore lakeStore, ForwardParts forward, CancellationToken stop, CancellationToken cancellationToken)
    {
        var checkpoints = new FileCheckpointStore(config.CheckpointDirectory);
        var forwarding = ForwardStage.Create(config, forward.Store, forward.Enricher, streams.Aggregated, enriched.BadRows, checkpoints, ReportFailure);
        await using var forwardingScope = forwarding.ConfigureAwait(false);
        using var dashboard = DashboardStage.Create(config, forward.Store, forward.Token, enriched, forwarding.Metrics, ReportFailure, out var dashboardLine);
        Action<IEndpointRouteBuilder>? routes = forward.Token is { } token
            ? r =>
            {
                r.MapAdminApi(forward.Store, token).MapForwardStatus(forwarding);
                dashboard?.Map(r);
            }
            : null;
        var aggregate = new StreamConsumer(
            "aggregate",
            streams.Raw,
            checkpoints,
            new AggregateProcessor(streams.Aggregated, config.AggregateTargetBytes),
            new StreamConsumerOptions
            {
                // Hits trickle in one at a time; waiting a moment for more fills the ~5 KB records (KPL default: 100 ms).
                Linger = TimeSpan.FromMilliseconds(config.AggregateLingerMs),
                OnFailure = (shard, error, retryIn) => ReportFailure("aggregate", shard, error, retryIn),
            });
        var enrichment = new EnrichProcessor(enricher, enriched.Events, enriched.BadRows);
        var enrich = new StreamConsumer(
            "enrich",
            streams.Aggregated,
            checkpoints,
            enrichment,
            new StreamConsumerOptions { OnFailure = (shard, error, retryIn) => ReportFailure("enrich", shard, error, retryIn) });
        // Staged files of an earlier process that stopped before committing them: their rows are read again below.
        var leftovers = LakeStage.RemoveLeftovers(lakeStore);
        var lake = new LakeStage(
            LakeStage.WriterOptions(config),
            lakeStore,
            enriched.Events,
            enriched.BadRows,
            checkpoints,
            new LakeStageOptions
            {
                // The error only: rows carry event data, which stays out of logs.
                OnFailure = (what, error, retryIn) => Console.Error.WriteLine($"gateway up: lake stage: {what} failed ({error.GetType().Name}: {error.Message}); retrying in {retryIn.TotalSeconds:0.#} s"),
            });

        string[] banner =
        [
            $"gateway up: aggregate stage: raw → aggregated, KPL records of up to {config.AggregateTargetBytes} bytes",
            $"gateway up: enrich stage: aggregated → events, bad-rows: embedded streams in {Path.Combine(config.DataDirectory, "streams")}"
                + (config.Kinesis is null ? "" : " (local, also with the Kinesis raw and aggregated streams)")
                + $"; repeated event ids within {config.Enrich.DedupWindow.TotalSeconds:0} s are dropped (up to {config.Enrich.DedupCapacity} ids remembered)",
            keyLine,
            $"gateway up: lake stage: events, bad-rows → Parquet in {LakeStage.Describe(config)} (events/, bad_rows/ by event hour, year=/month=/day=/hour=); "
                + $"a file per partition every {config.Lake.BufferTime.TotalSeconds:0} s or {config.Lake.BufferBytes} bytes, {config.Lake.Codec.ToString().ToLowerInvariant()}, at most {config.Lake.MaxOpenPartitions} partitions open"
                + (leftovers > 0 ? $"; removed {leftovers} staged file(s) an earlier stop left behind" : ""),
            await forwarding.DescribeAsync(cancellationToken).ConfigureAwait(false),
            dashboardLine,
        ];

        using var halt = new CancellationTokenSource();
        using var drainAggregate = new CancellationTokenSource();
        using var drainEnrich = new CancellationTokenSource();
        using var drainLake = new CancellationTokenSource();
        using var drainForward = new CancellationTokenSource();
        var aggregating = aggregate.RunAsync(halt.Token, drainAggregate.Token);
        var enriching = enrich.RunAsync(halt.Token, drainEnrich.Token);
        var storing = lake.RunAsync(halt.Token, drainLake.Token);
        var sending = forwarding.RunAsync(halt.Token, drainForward.Token);
        using var drainDashboard = new CancellationTokenSource();
        var watching = dashboard?.RunAsync(halt.Token, drainDashboard.Token) ?? Task.CompletedTask;
        try
        {
            var code = await ServeAsync(config, streams, banner, routes, stop, cancellationToken).ConfigureAwait(false);
            if (code != 0)
            {
                return code;
            }
        }
        finally
        {
            // The edge has stopped answering; let the stages catch up with what it acknowledged, in flow order and
            // within a bound. Whatever is left stays behind the stages' checkpoints and is processed on the next start.
            await drainAggregate.CancelAsync().ConfigureAwait(false);
            await DrainAsync("aggregate", aggregating, "aggregated").ConfigureAwait(false);
            await drainEnrich.CancelAsync().ConfigureAwait(false);
            await DrainAsync("enrich", enriching, "enriched").ConfigureAwait(false);
            // The dashboard counts what enrich wrote; it is saved with its stream positions, so nothing is counted twice.
            await drainDashboard.CancelAsync().ConfigureAwait(false);
            await DrainAsync("dashboard", watching, "counted by the dashboard").ConfigureAwait(false);
            // Every buffered partition is committed and checkpointed before the process exits.
            await drainLake.CancelAsync().ConfigureAwait(false);
            await DrainAsync("lake", storing, "written to the lake").ConfigureAwait(false);
            // Forwarding drains last and within the same bound: during a destination's outage its events spill rather than wait.
            await drainForward.CancelAsync().ConfigureAwait(false);
            await DrainAsync("forward", sending, "forwarded").ConfigureAwait(false);
            await halt.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(aggregating, enriching, storing, sending, watching).ConfigureAwait(false);

            // Counts only: rows carry event data, which stays out of logs.
            var counts = enrichment.Counts;
            Console.WriteLine($"gateway up: enrich stage wrote {counts.Events} event(s) and {counts.BadRows} bad row(s), dropped {counts.Duplicates} duplicate(s); user-agent cache {counts.UserAgentCacheHits} hit(s), {counts.UserAgentCacheMisses} miss(es)");
            var stored = lake.Stats;
            Console.WriteLine($"gateway up: lake stage committed {stored.Events.Rows} event(s) in {stored.Events.Files} file(s) and {stored.BadRows.Rows} bad row(s) in {stored.BadRows.Files} file(s), {stored.Bytes} bytes; dropped {stored.DuplicatesDropped} duplicate(s)"
                + (stored.BufferedRows > 0 ? $"; {stored.BufferedRows} row(s) not committed are read again on the next start" : ""));
            Console.WriteLine($"gateway up: forward stage read {forwarding.Processor.Events} event(s); {forwarding.BadRows.Count} bad row(s) (stale or incomplete); dead letters and spill: gateway dlq list");
        }

        Console.WriteLine("gateway up: stopped cleanly");
        return 0;
    }

    private static async Task DrainAsync(string stage, Task running, string done)
    {
        if (await Task.WhenAny(running, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false) != running)
        {
            await Console.Error.WriteLineAsync($"gateway up: the {stage} stage did not catch up within {DrainTimeout.TotalSeconds:0} s; the rest is {done} on the next start").ConfigureAwait(false);
        }
    }

    // The error only: records carry event data, which stays out of logs.
    private static void ReportFailure(string stage, string shard, Exception error, TimeSpan retryIn) =>
        Console.Error.WriteLine($"gateway up: {stage} stage failed on {shard} ({error.GetType().Name}: {error.Message}); retrying the batch in {retryIn.TotalSeconds:0.#} s");

    private static async Task<int> ServeAsync(GatewayConfig config, PipelineStreams streams, IEnumerable<string> banner, Action<IEndpointRouteBuilder>? routes, CancellationToken stop, CancellationToken cancellationToken)
    {
        EdgeServer edge;
        try
        {
            edge = await EdgeServer.StartAsync(config.Edge, streams.Raw, logging: l => l.AddSimpleConsole(o => o.SingleLine = true), routes: routes, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"cannot listen on {config.Edge.Url} (edge.url): {ex.Message}; pick another port or stop the other process").ConfigureAwait(false);
            return 1;
        }

        await using (edge.ConfigureAwait(false))
        {
            Console.WriteLine($"gateway up: edge listening on {string.Join(", ", edge.Urls)}");
            Console.WriteLine($"gateway up: data in {config.DataDirectory}; streams: {streams.Description}");
            foreach (var line in banner)
            {
                Console.WriteLine(line);
            }

            Console.WriteLine("gateway up: press Ctrl+C to stop");
            try
            {
                await Task.Delay(Timeout.Infinite, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown requested: the edge stops accepting, then the streams flush pending appends on dispose.
            }
        }

        return 0;
    }
}

/// <summary>What <c>up</c> prepares for the forward stage before the stages start.</summary>
internal sealed record ForwardParts(ForwardConfigStore Store, EventEnricher Enricher, AdminToken? Token);
