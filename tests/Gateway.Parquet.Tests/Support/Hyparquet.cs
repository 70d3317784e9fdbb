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
    public static HyparquetFile Read(string file) => ReadAll([file])[0];

    public static IReadOnlyList<HyparquetFile> ReadAll(IReadOnlyList<string> files)
    {
        var results = NodeScript.Run("hyparquet", Path.Combine(AppContext.BaseDirectory, "hyparquet", "read.mjs"), [RepositoryRoot.Path, .. files])
            .Select(json => new HyparquetFile(
                (string)json["file"]!,
                (bool)json["ok"]!,
                (string?)json["error"],
                json["numRows"] is { } rows ? long.Parse((string)rows!, System.Globalization.CultureInfo.InvariantCulture) : -1,
                json["schema"]?.AsArray() ?? [],
                json["rows"]?.AsArray() ?? []))
            .ToList();
        Assert.True(results.Count == files.Count, $"read.mjs answered for {results.Count} of {files.Count} files.");
        return results;
    }
}
