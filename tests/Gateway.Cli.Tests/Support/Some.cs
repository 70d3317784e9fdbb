using System.Globalization;
using System.Text;
using Gateway.Processing;
using Gateway.Streams;

namespace Gateway.Cli.Tests.Support;

/// <summary>Test data for the enrich stage: real-time log lines as the edge writes them and the KPL records the aggregate stage makes of them.</summary>
internal static class Some
{
    /// <summary>A line with the default fields, in canonical order (what <c>gateway up</c>'s edge writes).</summary>
    public static string RealtimeLogLine(string query, string requestId = "Zq1-example-request-id-0001==", string ip = "198.51.100.23", long timestamp = 1_700_000_000) =>
        string.Join('\t',
            timestamp.ToString(CultureInfo.InvariantCulture) + ".123", ip, "200", "43", "GET", "https", "px.shop.example", "/p.gif?" + query, "LOCAL1",
            requestId, "0.002", "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/120.0.0.0%20Safari/537.36",
            "https://shop.example/cart", "-", query, "-", "DE", "3320");

    /// <summary>
    /// One record of the aggregated stream as the aggregate stage writes it: <paramref name="lines"/> packed into a single
    /// KPL aggregate (one line alone stays a plain record, as the KPL does), each keyed by its request id like the edge.
    /// </summary>
    public static StreamRecord AggregatedRecord(string sequenceNumber, params string[] lines)
    {
        var users = lines.Select(line => new UserRecord(line.Split('\t')[9], Encoding.UTF8.GetBytes(line))).ToList();
        var put = Assert.Single(BatchAggregation.Aggregate(users, new KplAggregatorOptions { TargetSize = 64 * 1024 }));
        Assert.Equal(lines.Length > 1, KplDeaggregator.Inspect(put.Data).IsAggregated);
        return new StreamRecord("shardId-000000000000", sequenceNumber, DateTimeOffset.FromUnixTimeSeconds(1_700_000_001), put.PartitionKey, put.Data);
    }

    /// <summary>Every record of every shard of <paramref name="stream"/>, oldest first per shard.</summary>
    public static Task<List<StreamRecord>> ReadAllAsync(IRecordStream stream) => Gateway.Tests.Shared.StreamContents.ReadAllAsync(stream);
}
