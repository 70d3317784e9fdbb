using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Support;

/// <summary>
/// Runs tools/kpl/kpl.js, which wraps the npm package aws-kinesis-agg: one node process per batch of JSON-line
/// requests. A missing node or package fails the test: the cross-check is the point, so it must not be skipped.
/// </summary>
internal static class NodeKpl
{
    private const string InstallHint = "Run ./test.sh, which installs the npm packages the tests need (tools/install.sh).";

    public static IReadOnlyList<JsonObject> Aggregate(IReadOnlyList<string> requests) => Run("aggregate", requests);

    public static IReadOnlyList<JsonObject> Deaggregate(IReadOnlyList<string> requests) => Run("deaggregate", requests);

    private static List<JsonObject> Run(string mode, IReadOnlyList<string> requests)
    {
        var node = FindOnPath("node")
            ?? throw new Xunit.Sdk.XunitException($"node is not on PATH; the aws-kinesis-agg cross-checks need Node.js 20+. {InstallHint}");
        var package = Path.Combine(RepositoryRoot.Path, "tools", "node_modules", "aws-kinesis-agg", "package.json");
        if (!File.Exists(package))
        {
            throw new Xunit.Sdk.XunitException($"aws-kinesis-agg is not installed ({package} is missing). {InstallHint}");
        }

        var start = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "tools", "kpl", "kpl.js"));
        start.ArgumentList.Add(mode);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");

        // Write and read concurrently: node answers while it reads, and a full stdout pipe would block it.
        var writer = Task.Run(() =>
        {
            foreach (var line in requests)
            {
                process.StandardInput.Write(line);
                process.StandardInput.Write('\n');
            }

            process.StandardInput.Close();
        });
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new Xunit.Sdk.XunitException($"node tools/kpl/kpl.js {mode} did not finish within 2 minutes.");
        }

        writer.GetAwaiter().GetResult();
        var output = stdout.GetAwaiter().GetResult();
        var errors = stderr.GetAwaiter().GetResult();
        if (process.ExitCode == 3)
        {
            throw new Xunit.Sdk.XunitException($"{errors.Trim()} {InstallHint}");
        }

        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"node tools/kpl/kpl.js {mode} exited with {process.ExitCode}: {errors}");
        }

        var replies = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToList();
        Assert.True(replies.Count == requests.Count, $"kpl.js answered {replies.Count} of {requests.Count} requests. stderr: {errors}");
        return replies;
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
