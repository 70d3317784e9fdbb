using System.Net;
using Gateway.Processing;

namespace Gateway.Edge;

/// <summary>Settings of the local pixel edge. Defaults match what the README documents.</summary>
public sealed record EdgeOptions
{
    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:8080</c>; port 0 picks a free port.</summary>
    public string Url { get; init; } = "http://127.0.0.1:8080";

    /// <summary>Real-time log fields written per hit, canonical order.</summary>
    public IReadOnlyList<RealtimeLogField> Fields { get; init; } = RealtimeLogFields.Default;

    /// <summary>Value of <c>x-edge-location</c>.</summary>
    public string EdgeLocation { get; init; } = "LOCAL1";

    /// <summary>Peers whose <c>X-Forwarded-For</c>, country and ASN headers are believed.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Header a trusted proxy puts the viewer country in.</summary>
    public string CountryHeader { get; init; } = "CloudFront-Viewer-Country";

    /// <summary>Header a trusted proxy puts the viewer ASN in.</summary>
    public string AsnHeader { get; init; } = "CloudFront-Viewer-ASN";

    /// <summary>Origins allowed to POST beacons to <c>/e</c>; <c>*</c> allows any (the origin is echoed back).</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = ["*"];

    /// <summary>Largest accepted <c>POST /e</c> body; larger bodies get 413.</summary>
    public int MaxBodyBytes { get; init; } = 16 * 1024;

    /// <summary>Longest accepted request target (path + query); longer gets 414. CloudFront's own limit is 8192 bytes.</summary>
    public int MaxUrlBytes { get; init; } = 8192;
}
