using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Shared;

/// <summary>
/// Runs a node script that checks our formats with an npm package written by someone else (aws-kinesis-agg,
/// hyparquet): request lines on stdin, one JSON object per line on stdout. A missing node or package fails the test:
/// the cross-check is the point, so it must not be skipped. Exit code 3 is the script's own "package missing".
/// </summary>
internal static class NodeScript
{
    private const string InstallHint = "Run ./test.sh, which installs the npm packages the tests need (tools/install.sh).";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> and returns its JSON reply lines.</summary>
    /// <param name="package">The npm package the script needs under tools/node_modules.</param>
    /// <param name="script">Path of the script.</param>
    /// <param name="arguments">Arguments after the script.</param>
    /// <param name="input">Lines written to stdin (concurrently with reading stdout), or null for none.</param>
    public static List<JsonObject> Run(string package, string script, IEnumerable<string> arguments, IReadOnlyList<string>? input = null)
    {
        var node = FindOnPath("node")
            ?? throw new Xunit.Sdk.XunitException($"node is not on PATH; the {package} cross-checks need Node.js 20+. {InstallHint}");
        var manifest = Path.Combine(RepositoryRoot.Path, "tools", "node_modules", package, "package.json");
        if (!File.Exists(manifest))
        {
            throw new Xunit.Sdk.XunitException($"{package} is not installed ({manifest} is missing). {InstallHint}");
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
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var name = $"node {Path.GetFileName(script)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");

        // Write and read concurrently: node answers while it reads, and a full stdout pipe would block it.
        var writer = Task.Run(() =>
        {
            foreach (var line in input ?? [])
            {
                process.StandardInput.Write(line);
                process.StandardInput.Write('\n');
            }

            process.StandardInput.Close();
        });
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"{name} did not finish within {Timeout.TotalMinutes} minutes.");
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
            throw new Xunit.Sdk.XunitException($"{name} exited with {process.ExitCode}: {errors}");
        }

        var replies = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var expected = input?.Count;
        Assert.True(expected is null || replies.Count == expected, $"{name} answered {replies.Count} of {expected} requests. stderr: {errors}");
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
