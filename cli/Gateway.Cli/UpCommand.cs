using System.CommandLine;
using System.Runtime.InteropServices;
using Gateway.Edge;
using Gateway.Streams;
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
        var command = new Command("up", "Run the local pipeline: pixel edge on Kestrel and the raw stream (embedded under the data directory, or Kinesis).") { config, stream, endpoint };
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

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

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
            var aggregate = new StreamConsumer(
                "aggregate",
                streams.Raw,
                new FileCheckpointStore(config.CheckpointDirectory),
                new AggregateProcessor(streams.Aggregated, config.AggregateTargetBytes),
                new StreamConsumerOptions
                {
                    // Hits trickle in one at a time; waiting a moment for more fills the ~5 KB records (KPL default: 100 ms).
                    Linger = TimeSpan.FromMilliseconds(config.AggregateLingerMs),
                    // The error only: records carry event data, which stays out of logs.
                    OnFailure = (shard, error, retryIn) => Console.Error.WriteLine(
                        $"gateway up: aggregate stage failed on {shard} ({error.GetType().Name}: {error.Message}); retrying the batch in {retryIn.TotalSeconds:0.#} s"),
                });
            using var halt = new CancellationTokenSource();
            using var drain = new CancellationTokenSource();
            var aggregating = aggregate.RunAsync(halt.Token, drain.Token);
            try
            {
                var code = await ServeAsync(config, streams, stop.Token, cancellationToken).ConfigureAwait(false);
                if (code != 0)
                {
                    return code;
                }
            }
            finally
            {
                // The edge has stopped answering; let the stage catch up with what it acknowledged, within a bound.
                // Whatever is left stays in the raw stream behind the checkpoint and is aggregated on the next start.
                await drain.CancelAsync().ConfigureAwait(false);
                if (await Task.WhenAny(aggregating, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false) != aggregating)
                {
                    Console.Error.WriteLine($"gateway up: the aggregate stage did not catch up within {DrainTimeout.TotalSeconds:0} s; the rest is aggregated on the next start");
                }

                await halt.CancelAsync().ConfigureAwait(false);
                await aggregating.ConfigureAwait(false);
            }
        }

        Console.WriteLine("gateway up: stopped cleanly");
        return 0;
    }

    private static async Task<int> ServeAsync(GatewayConfig config, PipelineStreams streams, CancellationToken stop, CancellationToken cancellationToken)
    {
        EdgeServer edge;
        try
        {
            edge = await EdgeServer.StartAsync(config.Edge, streams.Raw, logging: l => l.AddSimpleConsole(o => o.SingleLine = true), cancellationToken: cancellationToken).ConfigureAwait(false);
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
            Console.WriteLine($"gateway up: aggregate stage: raw → aggregated, KPL records of up to {config.AggregateTargetBytes} bytes");
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
