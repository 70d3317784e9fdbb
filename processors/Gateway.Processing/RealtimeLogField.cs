namespace Gateway.Processing;

/// <summary>
/// CloudFront real-time log fields, declared in CloudFront's canonical order: a record always lists its
/// fields in this order whatever order they were configured in, so the enum value is the sort key.
/// </summary>
public enum RealtimeLogField
{
    Timestamp,
    ClientIp,
    TimeToFirstByte,
    Status,
    BytesSent,
    Method,
    Protocol,
    Host,
    UriStem,
    BytesReceived,
    EdgeLocation,
    EdgeRequestId,
    HostHeader,
    TimeTaken,
    ProtocolVersion,
    ClientIpVersion,
    UserAgent,
    Referer,
    Cookie,
    UriQuery,
    EdgeResponseResultType,
    ForwardedFor,
    SslProtocol,
    SslCipher,
    EdgeResultType,
    FleEncryptedFields,
    FleStatus,
    ContentType,
    ContentLength,
    RangeStart,
    RangeEnd,
    ClientPort,
    EdgeDetailedResultType,
    Country,
    AcceptEncoding,
    Accept,
    CacheBehaviorPathPattern,
    Headers,
    HeaderNames,
    HeadersCount,
    OriginFirstByteLatency,
    OriginLastByteLatency,
    Asn,
}

/// <summary>Names and lists of <see cref="RealtimeLogField"/> as CloudFront spells them.</summary>
public static class RealtimeLogFields
{
    private static readonly string[] Names =
    [
        "timestamp", "c-ip", "time-to-first-byte", "sc-status", "sc-bytes",
        "cs-method", "cs-protocol", "cs-host", "cs-uri-stem", "cs-bytes",
        "x-edge-location", "x-edge-request-id", "x-host-header", "time-taken", "cs-protocol-version", "c-ip-version",
        "cs-user-agent", "cs-referer", "cs-cookie", "cs-uri-query",
        "x-edge-response-result-type", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-result-type",
        "fle-encrypted-fields", "fle-status",
        "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end", "c-port", "x-edge-detailed-result-type",
        "c-country", "cs-accept-encoding", "cs-accept", "cache-behavior-path-pattern", "cs-headers", "cs-header-names", "cs-headers-count",
        "origin-fbl", "origin-lbl", "asn",
    ];

    /// <summary>The field set Gateway configures by default (edge, CDK real-time log config, parser), in canonical order.</summary>
    public static IReadOnlyList<RealtimeLogField> Default { get; } =
    [
        RealtimeLogField.Timestamp, RealtimeLogField.ClientIp, RealtimeLogField.Status, RealtimeLogField.BytesSent,
        RealtimeLogField.Method, RealtimeLogField.Protocol, RealtimeLogField.Host, RealtimeLogField.UriStem,
        RealtimeLogField.EdgeLocation, RealtimeLogField.EdgeRequestId, RealtimeLogField.TimeTaken,
        RealtimeLogField.UserAgent, RealtimeLogField.Referer, RealtimeLogField.Cookie, RealtimeLogField.UriQuery,
        RealtimeLogField.ForwardedFor, RealtimeLogField.Country, RealtimeLogField.Asn,
    ];

    /// <summary>Every field, in canonical order.</summary>
    public static IReadOnlyList<RealtimeLogField> All { get; } = Enum.GetValues<RealtimeLogField>();

    /// <summary>CloudFront's name for <paramref name="field"/>, e.g. <c>cs-uri-query</c>.</summary>
    public static string NameOf(RealtimeLogField field) => Names[(int)field];

    /// <summary>Looks a field up by its CloudFront name (case-sensitive, as the CloudFront API is).</summary>
    public static bool TryParse(string name, out RealtimeLogField field)
    {
        var index = Array.IndexOf(Names, name);
        field = (RealtimeLogField)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>
    /// Parses a configured field list. Fields must be known, unique and in canonical order — the order CloudFront
    /// delivers them in — so configured and delivered order are the same list.
    /// </summary>
    /// <exception cref="FormatException">The message names the offending field and the fix.</exception>
    public static IReadOnlyList<RealtimeLogField> ParseList(IEnumerable<string> names)
    {
        var fields = new List<RealtimeLogField>();
        foreach (var raw in names)
        {
            var name = raw.Trim();
            if (!TryParse(name, out var field))
            {
                throw new FormatException($"unknown real-time log field '{name}'; known fields in canonical order: {string.Join(", ", Names)}");
            }

            if (fields.Count > 0 && field <= fields[^1])
            {
                var problem = field == fields[^1] ? "is listed twice" : $"comes after '{NameOf(fields[^1])}' but CloudFront delivers it before";
                var sorted = string.Join(", ", fields.Append(field).Distinct().Order().Select(NameOf));
                throw new FormatException($"real-time log field '{name}' {problem}; list the fields in canonical order: {sorted}");
            }

            fields.Add(field);
        }

        if (fields.Count == 0)
        {
            throw new FormatException("the real-time log field list is empty; list at least 'timestamp' and 'cs-uri-query'");
        }

        return fields;
    }
}
