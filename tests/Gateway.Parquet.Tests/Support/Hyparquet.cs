using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.Shared;

namespace Gateway.Parquet.Tests.Support;

/// <summary>What hyparquet decoded from one file.</summary>
internal sealed record HyparquetFile(string File, bool Ok, string? Error, long NumRows, JsonArray Schema, JsonArray Rows)
{
    /// <summary>The file as hyparquet read it; fails the test with hyparquet's error otherwise.</summary>
    public HyparquetFile EnsureOk()
    {
        Assert.True(Ok, $"hyparquet could not read {File}: {Error}");
        return this;
    }
}

/// <summary>
/// Runs hyparquet/read.mjs (copied next to the test binaries), which reads Parquet files with the npm package
/// hyparquet: one node process for a batch of files. A missing node or package fails the test: the cross-check with a
/// reader we did not write is the point, so it must not be skipped.
/// </summary>
internal static class Hyparquet
{
    private const string InstallHint = "Run ./test.sh, which installs the npm packages the tests need (tools/install.sh).";

    public static HyparquetFile Read(string file) => ReadAll([file])[0];

    public static IReadOnlyList<HyparquetFile> ReadAll(IReadOnlyList<string> files)
    {
        var node = FindOnPath("node")
            ?? throw new Xunit.Sdk.XunitException($"node is not on PATH; the hyparquet cross-checks need Node.js 20+. {InstallHint}");
        var package = Path.Combine(RepositoryRoot.Path, "tools", "node_modules", "hyparquet", "package.json");
        if (!File.Exists(package))
        {
            throw new Xunit.Sdk.XunitException($"hyparquet is not installed ({package} is missing). {InstallHint}");
        }

        var start = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hyparquet", "read.mjs"));
        start.ArgumentList.Add(RepositoryRoot.Path);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("node hyparquet/read.mjs did not finish within 2 minutes.");
        }

        var output = stdout.GetAwaiter().GetResult();
        var errors = stderr.GetAwaiter().GetResult();
        if (process.ExitCode == 3)
        {
            throw new Xunit.Sdk.XunitException($"{errors.Trim()} {InstallHint}");
        }

        if (process.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"node hyparquet/read.mjs exited with {process.ExitCode}: {errors}");
        }

        var results = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Select(json => new HyparquetFile(
                (string)json["file"]!,
                (bool)json["ok"]!,
                (string?)json["error"],
                json["numRows"] is { } rows ? long.Parse((string)rows!, System.Globalization.CultureInfo.InvariantCulture) : -1,
                json["schema"]?.AsArray() ?? [],
                json["rows"]?.AsArray() ?? []))
            .ToList();
        Assert.True(results.Count == files.Count, $"read.mjs answered for {results.Count} of {files.Count} files. stderr: {errors}");
        return results;
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
