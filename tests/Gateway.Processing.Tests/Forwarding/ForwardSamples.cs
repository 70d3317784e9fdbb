using System.Text;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Processing.Tests.Enrichment;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>Forward-stage test data: events made by the real enricher from real-time log lines, and settings documents.</summary>
internal static class ForwardSamples
{
    /// <summary>The clock of <see cref="Enrichers.Enrich"/>'s lines: 1 700 000 000 s is 2023-11-14T22:13:20Z.</summary>
    public static readonly DateTimeOffset LineTime = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    /// <summary>An event and its hit fields from a default-field line with <paramref name="query"/> (values as logged).</summary>
    public static ForwardItem Item(string query, string cookie = "-", string referer = "-", string ip = "198.51.100.23", string? userAgent = null)
    {
        var line = userAgent is null
            ? Enrichers.Line(query, ip: ip, referer: referer, cookie: cookie)
            : Enrichers.Line(query, userAgent: userAgent, ip: ip, referer: referer, cookie: cookie);
        // As the forward stage does: the hit is read from the enricher's own parse of the line.
        ForwardHit? hit = null;
        var result = Enrichers.Create().Enrich(Encoding.UTF8.GetBytes(line), DateTimeOffset.FromUnixTimeSeconds(1_700_000_100), (in RealtimeLogLine parsed) => hit = ForwardHit.Read(parsed));
        Assert.True(result.Status == EnrichStatus.Event, $"the line did not enrich: {result.BadRow?.Message}");
        return new ForwardItem(result.Event!, hit!);
    }

    /// <summary>A Meta destination document entry.</summary>
    public static string Meta(string name = "meta", string token = "test-token", string? dataset = null, string? endpoint = null, int? maxBatch = null) =>
        "{" + $"\"name\":\"{name}\",\"type\":\"meta\",\"accessToken\":\"{token}\""
            + (dataset is null ? "" : $",\"datasetId\":\"{dataset}\"")
            + (endpoint is null ? "" : $",\"endpoint\":\"{endpoint}\"")
            + (maxBatch is null ? "" : $",\"maxBatchEvents\":{maxBatch}") + "}";
}
