using System.CommandLine;
using System.Runtime.InteropServices;
using Gateway.Edge;
using Gateway.Streams;
using Microsoft.Extensions.Logging;

namespace Gateway.Cli;

/// <summary><c>gateway up</c>: the whole local pipeline in one process.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var command = new Command("up", "Run the local pipeline: pixel edge on Kestrel and the durable raw stream under the data directory.") { config };
        command.SetAction((result, ct) => RunAsync(result.GetValue(config), ct));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, CancellationToken cancellationToken)
    {
        var config = CommonOptions.Load(configPath);
        if (config is null)
        {
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

        EmbeddedStream raw;
        try
        {
            raw = await EmbeddedStream.OpenAsync(config.RawStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"cannot open the raw stream in {config.RawStream.Directory}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (raw.ConfigureAwait(false))
        {
            EdgeServer edge;
            try
            {
                edge = await EdgeServer.StartAsync(config.Edge, raw, logging: l => l.AddSimpleConsole(o => o.SingleLine = true), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"cannot listen on {config.Edge.Url} (edge.url): {ex.Message}; pick another port or stop the other process").ConfigureAwait(false);
                return 1;
            }

            await using (edge.ConfigureAwait(false))
            {
                var guarantee = config.RawStream.Durability == Durability.Fsync
                    ? "a 2xx means the hit is fsynced to disk"
                    : $"a 2xx means the hit is written to the OS (survives kill -9) and fsynced within {config.RawStream.FlushInterval.TotalMilliseconds:0} ms";
                Console.WriteLine($"gateway up: edge listening on {string.Join(", ", edge.Urls)}");
                Console.WriteLine($"gateway up: data in {config.DataDirectory}; raw stream: {config.RawStream.ShardCount} shard(s), {guarantee}");
                Console.WriteLine("gateway up: press Ctrl+C to stop");
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Shutdown requested: the edge stops accepting, then the stream flushes pending appends on dispose.
                }
            }
        }

        Console.WriteLine("gateway up: stopped cleanly");
        return 0;
    }
}
