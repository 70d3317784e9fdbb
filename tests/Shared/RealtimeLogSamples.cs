using Gateway.Processing;

namespace Gateway.Tests.Shared;

/// <summary>The golden real-time log record of the tests: the default 18 fields as CloudFront (and the edge) logs them for a pageview.</summary>
internal static class RealtimeLogSamples
{
    /// <summary>Field values as logged (user agent once-encoded; <c>-</c> for empty).</summary>
    public static IReadOnlyDictionary<RealtimeLogField, string> Golden { get; } = new Dictionary<RealtimeLogField, string>
    {
        [RealtimeLogField.Timestamp] = "1607374321.541",
        [RealtimeLogField.ClientIp] = "192.0.2.0",
        [RealtimeLogField.Status] = "200",
        [RealtimeLogField.BytesSent] = "273",
        [RealtimeLogField.Method] = "GET",
        [RealtimeLogField.Protocol] = "https",
        [RealtimeLogField.Host] = "d111111abcdef8.cloudfront.net",
        [RealtimeLogField.UriStem] = "/p.gif?pid=px1&e=pageview",
        [RealtimeLogField.EdgeLocation] = "IAD89-C1",
        [RealtimeLogField.EdgeRequestId] = "ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYeaGyGxMawvRJWA==",
        [RealtimeLogField.TimeTaken] = "0.082",
        [RealtimeLogField.UserAgent] = "Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_0%20like%20Mac%20OS%20X)",
        [RealtimeLogField.Referer] = "https://shop.example/",
        [RealtimeLogField.Cookie] = "-",
        [RealtimeLogField.UriQuery] = "pid=px1&e=pageview",
        [RealtimeLogField.ForwardedFor] = "-",
        [RealtimeLogField.Country] = "US",
        [RealtimeLogField.Asn] = "16509",
    };
}
