using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Gateway.Processing;
using Gateway.Streams;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Gateway.Edge.Internal;

/// <summary>
/// Turns a beacon request into the real-time log record CloudFront would produce and appends it to the raw
/// stream before the response is sent: a 2xx means the stream acknowledged the record.
/// </summary>
internal sealed partial class HitRecorder(EdgeOptions options, IRecordStream stream, TimeProvider time, ILogger<HitRecorder> logger)
{
    private static readonly StringValues NoStore = "no-cache, no-store, must-revalidate";
    private static readonly StringValues NoCache = "no-cache";
    private static readonly StringValues ExpiresNow = "0";
    private static readonly StringValues ImageGif = "image/gif";

    private readonly RealtimeLogFormatter _formatter = new(options.Fields);
    private readonly RequestIds _ids = new();
    private readonly bool _wantsHeaderDump = options.Fields.Contains(RealtimeLogField.Headers) || options.Fields.Contains(RealtimeLogField.HeaderNames);

    public EdgeCounters Counters { get; } = new();

    public string NextRequestId() => _ids.Next();

    /// <summary>Sets the pixel response headers, so their wire size is known before the record is written.</summary>
    public static void SetPixelHeaders(HttpResponse response, string requestId)
    {
        response.StatusCode = StatusCodes.Status200OK;
        var headers = response.Headers;
        headers.ContentType = ImageGif;
        headers.ContentLength = PixelGif.Bytes.Length;
        headers.CacheControl = NoStore;
        headers.Pragma = NoCache;
        headers.Expires = ExpiresNow;
        headers["x-amz-cf-id"] = requestId;
    }

    /// <summary>Builds the record for the current response state and appends it; false (and a 503 set) when the stream failed.</summary>
    public async ValueTask<bool> RecordAsync(HttpContext context, string requestId, string? bodyQuery, long startTimestamp, string behaviorPattern)
    {
        var entry = Capture(context, requestId, bodyQuery, startTimestamp, behaviorPattern);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_formatter.MaxLength(entry), 4096));
        try
        {
            int written;
            while (!_formatter.TryFormat(entry, buffer, out written))
            {
                var bigger = buffer.Length * 2;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(bigger);
            }

            await stream.AppendAsync(requestId, buffer.AsMemory(0, written), context.RequestAborted).ConfigureAwait(false);
            Counters.Recorded();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Whatever the stream reports (a full disk, a Kinesis error, a network failure), the hit was not stored,
            // so it is not acknowledged: the client sees 503 and may retry. Only a viewer that hung up gets no answer.
            Counters.Failed();
            LogAppendFailed(logger, ex.GetType().Name, ex.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private RealtimeLogEntry Capture(HttpContext context, string requestId, string? bodyQuery, long startTimestamp, string behaviorPattern)
    {
        var request = context.Request;
        var response = context.Response;
        var headers = request.Headers;
        var connection = context.Connection;
        var peer = connection.RemoteIpAddress ?? IPAddress.Loopback;
        var forwardedFor = headers["X-Forwarded-For"].ToString();
        var trusted = options.TrustedProxies.Count > 0 && ClientAddress.IsTrusted(peer, options.TrustedProxies);
        var viewer = trusted ? ClientAddress.Viewer(peer, forwardedFor, options.TrustedProxies) : ClientAddress.Normalize(peer);

        // In real-time logs (unlike standard logs) cs-uri-stem is the whole request target, query string included;
        // cs-uri-query is the query alone. Body fields of POST /e are merged into cs-uri-query only, since
        // cs-uri-stem is what the viewer put on the request line.
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var query = q < 0 ? null : rawTarget[(q + 1)..];
        if (!string.IsNullOrEmpty(bodyQuery))
        {
            query = string.IsNullOrEmpty(query) ? bodyQuery : string.Concat(query, "&", bodyQuery);
        }

        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
        var status = response.StatusCode;
        var entry = new RealtimeLogEntry
        {
            TimestampUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ClientIp = ClientAddress.Truncate(viewer),
            ClientIpVersion = ClientAddress.Version(viewer),
            ClientPort = connection.RemotePort,
            Status = status,
            BytesSent = ResponseWireSize(request, response),
            BytesReceived = -1,
            Method = request.Method,
            Protocol = request.IsHttps ? "https" : "http",
            Host = request.Host.Host,
            UriStem = rawTarget,
            UriQuery = query,
            EdgeLocation = options.EdgeLocation,
            RequestId = requestId,
            HostHeader = request.Host.Value,
            TimeTakenSeconds = elapsed,
            TimeToFirstByteSeconds = elapsed,
            ProtocolVersion = request.Protocol,
            UserAgent = headers.UserAgent.ToString(),
            Referer = headers.Referer.ToString(),
            Cookie = headers.Cookie.ToString(),
            ForwardedFor = forwardedFor.Length == 0 ? null : ClientAddress.TruncateForwardedFor(forwardedFor),
            ResultType = status < 400 ? "Hit" : "Error",
            ContentType = response.ContentType,
            ContentLength = response.ContentLength ?? -1,
            AcceptEncoding = headers.AcceptEncoding.ToString(),
            Accept = headers.Accept.ToString(),
            CacheBehaviorPathPattern = behaviorPattern,
            HeadersCount = headers.Count,
        };

        if (trusted)
        {
            entry.Country = headers[options.CountryHeader].ToString();
            entry.Asn = long.TryParse(headers[options.AsnHeader].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var asn) ? asn : 0;
        }

        if (_wantsHeaderDump)
        {
            entry.Headers = string.Join('\n', headers.Select(h => $"{h.Key}:{h.Value}"));
            entry.HeaderNames = string.Join('\n', headers.Keys);
        }

        return entry;
    }

    /// <summary>
    /// Bytes of the HTTP/1.1 response as Kestrel writes it: status line, headers (plus the Date header Kestrel
    /// adds, and <c>Connection: close</c> when the viewer asked to close), blank line and body.
    /// </summary>
    private static long ResponseWireSize(HttpRequest request, HttpResponse response)
    {
        const int DateHeader = 37;
        const int ConnectionClose = 19;
        var size = "HTTP/1.1 000 \r\n".Length + ReasonPhrases.GetReasonPhrase(response.StatusCode).Length + DateHeader + 2;
        if (request.Headers.Connection.ToString().Contains("close", StringComparison.OrdinalIgnoreCase))
        {
            size += ConnectionClose;
        }

        foreach (var header in response.Headers)
        {
            foreach (var value in header.Value)
            {
                size += header.Key.Length + 2 + (value?.Length ?? 0) + 2;
            }
        }

        return size + (HttpMethods.IsHead(request.Method) ? 0 : response.ContentLength ?? 0);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "raw stream append failed ({Kind}): {Reason}; answering 503")]
    private static partial void LogAppendFailed(ILogger logger, string kind, string reason);
}

/// <summary>Running totals of the edge, for /healthz and later /metrics.</summary>
internal sealed class EdgeCounters
{
    private long _recorded;
    private long _failed;
    private long _rejected;

    public long RecordedHits => Interlocked.Read(ref _recorded);
    public long FailedAppends => Interlocked.Read(ref _failed);
    public long RejectedRequests => Interlocked.Read(ref _rejected);

    public void Recorded() => Interlocked.Increment(ref _recorded);
    public void Failed() => Interlocked.Increment(ref _failed);
    public void Rejected() => Interlocked.Increment(ref _rejected);
}
