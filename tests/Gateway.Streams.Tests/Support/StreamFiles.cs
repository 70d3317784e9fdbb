using System.Security.Cryptography;

namespace Gateway.Streams.Tests.Support;

/// <summary>Looks at a stream directory from the outside, the way an operator would.</summary>
internal static class StreamFiles
{
    public static string ShardDirectory(string root, int shard = 0) => Path.Combine(root, $"shard-{shard:D12}");

    public static string[] Segments(string root, int shard = 0) =>
        [.. Directory.GetFiles(ShardDirectory(root, shard), "*.seg").Order(StringComparer.Ordinal)];

    /// <summary>Path → (length, SHA-256) of every file under <paramref name="root"/>.</summary>
    /// <remarks>The writer holds an exclusive flock on the empty stream.lock, which a .NET read would collide with, so that file is compared by length only.</remarks>
    public static Dictionary<string, (long Length, string Sha256)> Fingerprint(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(p => p, p => (new FileInfo(p).Length, Path.GetFileName(p) == "stream.lock" ? "" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))));

    /// <summary>Reads a whole shard from TRIM_HORIZON.</summary>
    public static async Task<List<StreamRecord>> ReadAllAsync(IRecordStream stream, string shardId)
    {
        var records = new List<StreamRecord>();
        var position = StreamPosition.TrimHorizon;
        while (true)
        {
            var result = await stream.ReadAsync(shardId, position, 1000);
            if (result.Records.Count == 0)
            {
                return records;
            }

            records.AddRange(result.Records);
            position = result.Next;
        }
    }
}
