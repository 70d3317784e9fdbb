namespace Gateway.Edge;

/// <summary>
/// The values of one request that a CloudFront real-time log record can carry. Strings are raw (not yet
/// percent-encoded); <see cref="RealtimeLogFormatter"/> applies CloudFront's encoding. Null or empty means "-".
/// </summary>
public struct RealtimeLogEntry
{
    /// <summary>When the request was received, Unix epoch milliseconds (logged as seconds with 3 decimals).</summary>
    public long TimestampUnixMs;
    /// <summary>Viewer address as it may be stored (Gateway truncates it before it gets here; see README "Privacy").</summary>
    public string? ClientIp;
    /// <summary><c>IPv4</c> or <c>IPv6</c>.</summary>
    public string? ClientIpVersion;
    /// <summary>Viewer's source port; 0 = unknown.</summary>
    public int ClientPort;
    /// <summary>HTTP status sent; 0 is logged as <c>000</c> (viewer went away before a response).</summary>
    public int Status;
    /// <summary>Bytes sent to the viewer including headers.</summary>
    public long BytesSent;
    /// <summary>Bytes received from the viewer including headers; negative = unknown.</summary>
    public long BytesReceived;
    /// <summary>Request method.</summary>
    public string? Method;
    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string? Protocol;
    /// <summary>Domain of the distribution (locally: the Host header).</summary>
    public string? Host;
    /// <summary>Raw request path as sent, without the query string.</summary>
    public string? UriStem;
    /// <summary>Raw query string as sent, without the leading '?'.</summary>
    public string? UriQuery;
    /// <summary>Edge location code, e.g. <c>IAD89-C1</c>.</summary>
    public string? EdgeLocation;
    /// <summary>Opaque unique request id (also sent as <c>x-amz-cf-id</c>).</summary>
    public string? RequestId;
    /// <summary>The viewer's Host header.</summary>
    public string? HostHeader;
    /// <summary>Seconds from request received to response written.</summary>
    public double TimeTakenSeconds;
    /// <summary>Seconds from request received to first response byte.</summary>
    public double TimeToFirstByteSeconds;
    /// <summary>e.g. <c>HTTP/1.1</c>.</summary>
    public string? ProtocolVersion;
    /// <summary>User-Agent header.</summary>
    public string? UserAgent;
    /// <summary>Referer header.</summary>
    public string? Referer;
    /// <summary>Cookie header (logged truncated to 800 bytes).</summary>
    public string? Cookie;
    /// <summary>X-Forwarded-For header (addresses already truncated).</summary>
    public string? ForwardedFor;
    /// <summary><c>Hit</c>, <c>Miss</c>, <c>Error</c> …; used for all three result-type fields.</summary>
    public string? ResultType;
    /// <summary>Response Content-Type.</summary>
    public string? ContentType;
    /// <summary>Response Content-Length; negative = unknown.</summary>
    public long ContentLength;
    /// <summary>Two-letter viewer country, when a trusted proxy supplied it.</summary>
    public string? Country;
    /// <summary>Accept-Encoding header.</summary>
    public string? AcceptEncoding;
    /// <summary>Accept header.</summary>
    public string? Accept;
    /// <summary>Path pattern of the behaviour that served the request.</summary>
    public string? CacheBehaviorPathPattern;
    /// <summary>All request headers as <c>name:value</c> lines (logged truncated to 800 bytes).</summary>
    public string? Headers;
    /// <summary>Request header names, one per line (logged truncated to 800 bytes).</summary>
    public string? HeaderNames;
    /// <summary>Number of request headers.</summary>
    public int HeadersCount;
    /// <summary>Viewer autonomous system number, when a trusted proxy supplied it; 0 = unknown.</summary>
    public long Asn;
}
