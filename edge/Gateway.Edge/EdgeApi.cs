using System.Diagnostics;
using Gateway.Edge.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Gateway.Edge;

/// <summary>The edge: the pixel middleware, and endpoints for the beacon POST, the JS tag and the health check.</summary>
public static class EdgeApi
{
    private static readonly StringValues PixelMethods = "GET, HEAD";
    private static readonly StringValues BeaconMethods = "POST, OPTIONS";
    private static readonly byte[] TagScript = LoadTag();

    /// <summary>
    /// Serves <c>/p.gif</c> ahead of routing. The pixel is the hot path (every hit of every page and email) and
    /// endpoint routing costs about a fifth of Kestrel's throughput on it (bench/edge-vs-nginx.sh), so it is a
    /// plain middleware that answers every method (405 names the allowed ones) and passes other paths on.
    /// </summary>
    public static IApplicationBuilder UsePixel(this IApplicationBuilder app)
    {
        var recorder = app.ApplicationServices.GetRequiredService<HitRecorder>();
        var options = app.ApplicationServices.GetRequiredService<EdgeOptions>();
        return app.Use(next => context =>
            string.Equals(context.Request.Path.Value, "/p.gif", StringComparison.Ordinal)
                ? PixelAsync(context, recorder, options)
                : next(context));
    }

    /// <summary>Maps <c>/e</c>, <c>/gw.js</c> and <c>/healthz</c>.</summary>
    public static IEndpointRouteBuilder MapEdgeApi(this IEndpointRouteBuilder app)
    {
        var recorder = app.ServiceProvider.GetRequiredService<HitRecorder>();
        var options = app.ServiceProvider.GetRequiredService<EdgeOptions>();

        // Map (not MapPost) so that every method reaches the handler and gets a 405 that names the allowed ones.
        app.Map("/e", context => BeaconAsync(context, recorder, options));
        app.MapGet("/gw.js", () => TypedResults.Bytes(TagScript, "application/javascript; charset=utf-8"))
            .AddEndpointFilter(async (ctx, next) =>
            {
                ctx.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
                return await next(ctx).ConfigureAwait(false);
            });
        app.MapGet("/healthz", () => TypedResults.Ok(new Health("ok", recorder.Counters.RecordedHits, recorder.Counters.FailedAppends, recorder.Counters.RejectedRequests)));
        return app;
    }

    private static async Task PixelAsync(HttpContext context, HitRecorder recorder, EdgeOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            await RejectAsync(context, recorder, StatusCodes.Status405MethodNotAllowed, "the pixel answers GET and HEAD only", PixelMethods).ConfigureAwait(false);
            return;
        }

        if (!TargetFits(context, options))
        {
            await RejectAsync(context, recorder, StatusCodes.Status414UriTooLong, $"the URL is longer than {options.MaxUrlBytes} bytes; shorten or drop parameters", default).ConfigureAwait(false);
            return;
        }

        var requestId = recorder.NextRequestId();
        HitRecorder.SetPixelHeaders(context.Response, requestId);
        if (!await recorder.RecordAsync(context, requestId, bodyQuery: null, start, "/p.gif").ConfigureAwait(false))
        {
            return;
        }

        if (!HttpMethods.IsHead(method))
        {
            await context.Response.Body.WriteAsync(PixelGif.Bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task BeaconAsync(HttpContext context, HitRecorder recorder, EdgeOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        var request = context.Request;
        var response = context.Response;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !OriginAllowed(origin, options))
        {
            await RejectAsync(context, recorder, StatusCodes.Status403Forbidden, $"origin '{origin}' is not in edge.allowedOrigins", default).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            SetCors(response, origin);
            response.Headers.AccessControlAllowMethods = BeaconMethods;
            response.Headers.AccessControlAllowHeaders = "Content-Type";
            response.Headers.AccessControlMaxAge = "86400";
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            await RejectAsync(context, recorder, StatusCodes.Status405MethodNotAllowed, "the beacon endpoint answers POST (and OPTIONS for CORS) only", BeaconMethods).ConfigureAwait(false);
            return;
        }

        if (!TargetFits(context, options))
        {
            await RejectAsync(context, recorder, StatusCodes.Status414UriTooLong, $"the URL is longer than {options.MaxUrlBytes} bytes; shorten or drop parameters", default).ConfigureAwait(false);
            return;
        }

        if (request.ContentLength > options.MaxBodyBytes)
        {
            await RejectAsync(context, recorder, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {options.MaxBodyBytes} bytes", default).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(request, options.MaxBodyBytes + 1, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > options.MaxBodyBytes)
        {
            await RejectAsync(context, recorder, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {options.MaxBodyBytes} bytes", default).ConfigureAwait(false);
            return;
        }

        if (!BeaconBody.TryToQuery(body, request.ContentType, out var bodyQuery, out var error))
        {
            await RejectAsync(context, recorder, StatusCodes.Status400BadRequest, error, default).ConfigureAwait(false);
            return;
        }

        var requestId = recorder.NextRequestId();
        SetCors(response, origin);
        response.StatusCode = StatusCodes.Status204NoContent;
        response.Headers.CacheControl = "no-store";
        response.Headers["x-amz-cf-id"] = requestId;
        await recorder.RecordAsync(context, requestId, bodyQuery, start, "/e").ConfigureAwait(false);
    }

    private static bool TargetFits(HttpContext context, EdgeOptions options) =>
        context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget.Length <= options.MaxUrlBytes;

    private static bool OriginAllowed(string origin, EdgeOptions options)
    {
        foreach (var allowed in options.AllowedOrigins)
        {
            if (allowed == "*" || string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static void SetCors(HttpResponse response, string origin)
    {
        if (origin.Length == 0)
        {
            return;
        }

        // sendBeacon sends credentials, and a credentialed CORS response must echo the origin rather than '*'.
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlAllowCredentials = "true";
        response.Headers.Vary = "Origin";
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while (buffer.Length < limit && (read = await request.Body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static Task RejectAsync(HttpContext context, HitRecorder recorder, int status, string message, StringValues allow)
    {
        recorder.Counters.Rejected();
        var response = context.Response;
        response.StatusCode = status;
        if (!StringValues.IsNullOrEmpty(allow))
        {
            response.Headers.Allow = allow;
        }

        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n", context.RequestAborted);
    }

    private static byte[] LoadTag()
    {
        using var resource = typeof(EdgeApi).Assembly.GetManifestResourceStream("gw.js")
            ?? throw new InvalidOperationException("gw.js is missing from the Gateway.Edge assembly resources");
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }

    private sealed record Health(string Status, long RecordedHits, long FailedAppends, long RejectedRequests);
}
