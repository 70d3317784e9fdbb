using System.CommandLine;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Gateway.Parquet.Lake;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Spectre.Console;

namespace Gateway.Cli;

/// <summary><c>gateway replay</c>: CloudFront real-time log files through enrich → lake, for backfills and tests.</summary>
internal static class ReplayCommand
{
    private const int ReadBytes = 1 << 20;

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var data = new Option<string?>("--data")
        {
            Description = "Data directory whose lake/ receives the files (default: dataDir from the config, else ./data)",
        };
        var fields = new Option<string?>("--fields")
        {
            Description = "Comma-separated real-time log fields of the input, in order (default: edge.fields, else the standard list)",
        };
        var files = new Argument<string[]>("FILE")
        {
            Description = "Real-time log files, plain or gzip (detected from the content); - reads standard input",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("replay", "Replay CloudFront real-time log lines through the enrich stage into the Parquet lake. Re-running the same files rewrites the same lake files instead of adding rows.")
        {
            config, data, fields, files,
        };
        command.SetAction((result, ct) => RunAsync(result.GetValue(config), result.GetValue(data), result.GetValue(fields), result.GetValue(files) ?? [], ct));
        return command;
    }

    private static async Task<int> RunAsync(string? configPath, string? dataDirectory, string? fieldList, string[] paths, CancellationToken cancellationToken)
    {
        var config = CommonOptions.Load(configPath, new Dictionary<string, string?> { ["dataDir"] = dataDirectory });
        if (config is null)
        {
            return 2;
        }

        var fieldsInOrder = config.Edge.Fields;
        if (fieldList is not null)
        {
            try
            {
                fieldsInOrder = RealtimeLogFields.ParseList(fieldList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"--fields: {ex.Message}");
                return 2;
            }
        }

        if (paths.Count(p => p == "-") > 1)
        {
            Console.Error.WriteLine("FILE: standard input (-) can be given once");
            return 2;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });

        var inputs = new List<ReplayInput>();
        try
        {
            foreach (var path in paths)
            {
                inputs.Add(ReplayInput.Open(path));
            }

            // Hashing the input (for the file names) overlaps with loading the rule sets.
            var nameSeed = paths.Contains("-") ? Task.FromResult<string?>(null) : Task.Run<string?>(() => NameSeed(paths), CancellationToken.None);
            EventEnricher enricher;
            try
            {
                (enricher, _) = await EnrichStage.CreateEnricherAsync(config, Task.Run(EnricherResources.Load, CancellationToken.None), fieldsInOrder, deduplicate: false).ConfigureAwait(false);
            }
            catch (EnrichStage.StartException ex)
            {
                Console.Error.WriteLine($"gateway replay: {ex.Message}");
                return ex.ExitCode;
            }

            var options = LakeStage.WriterOptions(config) with
            {
                // Size decides every file, never the clock, and names come from the input: a re-run makes the same files.
                BufferTime = Timeout.InfiniteTimeSpan,
                NameSeed = await nameSeed.ConfigureAwait(false),
            };
            await using var lake = LakeWriter.Create(LakeStage.Store(config), options);
            var pipeline = new ReplayPipeline(enricher, lake);
            var summary = await RunWithProgressAsync(pipeline, inputs, stop.Token).ConfigureAwait(false);
            Print(summary, stop.IsCancellationRequested);
            return stop.IsCancellationRequested ? 130 : 0;
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"gateway replay: {ex.Message}");
            return 1;
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    private static async Task<ReplaySummary> RunWithProgressAsync(ReplayPipeline pipeline, IReadOnlyList<ReplayInput> inputs, CancellationToken cancellationToken)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected || Console.IsOutputRedirected)
        {
            return await pipeline.RunAsync(inputs, null, cancellationToken).ConfigureAwait(false);
        }

        var total = inputs.Sum(i => i.Length ?? 0);
        ReplaySummary? summary = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("replay", maxValue: Math.Max(1, total));
                var done = 0L;
                var started = DateTime.UtcNow;
                ReplayInput? current = null;
                summary = await pipeline.RunAsync(inputs, input =>
                {
                    if (!ReferenceEquals(current, input))
                    {
                        done += current?.Length ?? 0;
                        current = input;
                    }

                    var rate = pipeline.Lines / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    task.Description = $"{Path.GetFileName(input.Name)}: {pipeline.Lines:N0} lines, {rate:N0} lines/s";
                    task.Value = total == 0 ? 0 : done + input.Position;
                }, cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return summary!;
    }

    private static void Print(ReplaySummary summary, bool interrupted)
    {
        var seconds = Math.Max(0.001, summary.Elapsed.TotalSeconds);
        var output = Console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"gateway replay: {(interrupted ? "interrupted after " : "")}{summary.Lines:N0} lines in {seconds:0.00} s ({summary.Lines / seconds:N0} lines/s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  events: {summary.Events:N0} rows; duplicates dropped: {summary.Duplicates:N0}; bad rows: {summary.BadRows:N0}"));
        foreach (var (reason, count) in summary.BadRowsByReason)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {reason}: {count:N0}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  lake: {summary.Lake.Files:N0} files, {summary.Lake.Bytes:N0} bytes ({(summary.Events + summary.BadRows == 0 ? 0 : (double)summary.Lake.Bytes / (summary.Events + summary.BadRows)):0.0} bytes/row)"));
    }

    // The same files (by content, wherever they are and whatever their names) give the same seed. The whole content is
    // hashed: two different inputs must never share names, or the second run would replace the first one's files.
    // XXH128 reads at memory speed (SHA-256 cost a replay of 680 MB about 0.6 s); two inputs meeting by chance in 128
    // bits is not a risk, and an input crafted to collide needs the power to write replay inputs, which already
    // decides what the lake holds.
    private static string NameSeed(IEnumerable<string> paths)
    {
        var hash = new XxHash128();
        var buffer = new byte[ReadBytes];
        foreach (var path in paths)
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            hash.Append(BitConverter.GetBytes(file.Length));
            int read;
            while ((read = file.Read(buffer)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
