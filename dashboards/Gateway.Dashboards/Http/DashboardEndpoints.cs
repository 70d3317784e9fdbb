using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Dashboards.History;
using Gateway.Dashboards.Live;
using Gateway.Processing.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Dashboards.Http;

/// <summary>What the dashboard's routes read besides the feed.</summary>
public sealed record DashboardServices
{
    /// <summary>The forward stage's counters, for the forwarded/failed panel; null when nothing is forwarded.</summary>
    public ForwardMetrics? Forward { get; init; }

    /// <summary>Where history older than the rollups comes from (the lake); null answers only from the rollups.</summary>
    public IHistorySource? History { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Most <c>/api/live</c> streams open at once; more get 503.</summary>
    public int MaxLiveClients { get; init; } = 32;
}

/// <summary>
/// The dashboard's routes: the page (<c>/dashboard</c>, its assets and the login form) and the JSON API under
/// <c>/api/</c> (metrics, live Server-Sent Events, recent events, abnormal events). docs/DASHBOARD.md is the contract.
/// </summary>
public static class DashboardEndpoints
{
    /// <summary>The page's path.</summary>
    public const string PagePath = "/dashboard";

    /// <summary>The login form's path.</summary>
    public const string LoginPath = "/dashboard/login";

    /// <summary>The API's prefix.</summary>
    public const string ApiPrefix = "/api";

    /// <summary>Most recent events one request returns.</summary>
    public const int MaxRecent = 500;

    /// <summary>Most recent events one live tick carries.</summary>
    public const int MaxRecentPerTick = 50;

    private const string ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    private const long MaxLoginBytes = 8 * 1024;

    // Ticks come on every whole second, and in between as soon as events were counted, at most this often.
    private static readonly TimeSpan EarlyTick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LivePoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Maps the page and the API; every API route and the page need <paramref name="auth"/>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes, DashboardFeed feed, DashboardAuth auth, DashboardServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(auth);
        services ??= new DashboardServices();
        var live = new LiveClients(services.MaxLiveClients);

        // RequestDelegate routes (no parameter binding): nothing here needs reflection, so the trimmed CLI keeps them whole.
        routes.MapGet(PagePath, context => (auth.IsAuthorized(context.Request) ? Page(context, DashboardAssets.Html("dashboard.html")) : Redirect(context, LoginPath)).ExecuteAsync(context));
        routes.MapGet(PagePath + "/assets/{name}", context => DashboardAssets.Serve(context, (string)context.Request.RouteValues["name"]!).ExecuteAsync(context));
        routes.MapGet(LoginPath, context => (auth.HasSession(context.Request) ? Redirect(context, PagePath) : LoginForm(context, null, StatusCodes.Status200OK)).ExecuteAsync(context));
        routes.MapPost(LoginPath, async context => await (await LoginAsync(context, auth).ConfigureAwait(false)).ExecuteAsync(context).ConfigureAwait(false));
        routes.MapPost(PagePath + "/logout", context =>
        {
            if (!SameOrigin(context.Request))
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden).ExecuteAsync(context);
            }

            context.Response.Cookies.Delete(DashboardAuth.CookieName, new CookieOptions { Path = "/", HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps });
            return Redirect(context, LoginPath).ExecuteAsync(context);
        });

        routes.MapGet(ApiPrefix + "/metrics", Api(auth, async context => await MetricsAsync(context, feed, services).ConfigureAwait(false)));
        routes.MapGet(ApiPrefix + "/recent", Api(auth, context => Task.FromResult(Recent(context, feed))));
        routes.MapGet(ApiPrefix + "/abnormal", Api(auth, _ => Task.FromResult(Abnormal(feed, services.Time.GetUtcNow()))));
        routes.MapGet(ApiPrefix + "/live", context =>
        {
            if (Refuse(context, auth) is { } refusal)
            {
                return refusal.ExecuteAsync(context);
            }

            return LiveAsync(context, feed, services, live);
        });
        return routes;
    }

    /// <summary>The API routes' wrapper: no caching, and 401 without the token or a session.</summary>
    private static RequestDelegate Api(DashboardAuth auth, Func<HttpContext, Task<IResult>> handle) => async context =>
    {
        var result = Refuse(context, auth) ?? await handle(context).ConfigureAwait(false);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    };

    private static IResult? Refuse(HttpContext context, DashboardAuth auth)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (auth.IsAuthorized(context.Request))
        {
            return null;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Json(StatusCodes.Status401Unauthorized, w => DashboardJson.Error(w, "send the admin token as Authorization: Bearer <token>, or log in at /dashboard/login"));
    }

    private static async Task<IResult> MetricsAsync(HttpContext context, DashboardFeed feed, DashboardServices services)
    {
        var now = services.Time.GetUtcNow();
        if (MetricsRequest.Parse(context.Request.Query, now, out var error) is not { } request)
        {
            return BadRequest(error!);
        }

        MetricsView view;
        try
        {
            view = await MetricsView.BuildAsync(request, feed, services.History, services.Forward, now, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && IsLakeFailure(ex))
        {
            // The message only: it names the lake's problem, never event data.
            return Json(StatusCodes.Status503ServiceUnavailable, w => DashboardJson.Error(w, $"the lake could not be read for the history before the rollups' window ({ex.GetType().Name}: {ex.Message}); ask for a range within the last {feed.Options.Rollups.Retention.TotalDays:0} days"));
        }

        return Json(StatusCodes.Status200OK, w => DashboardJson.Metrics(w, view));
    }

    private static bool IsLakeFailure(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or InvalidDataException or Catalog.DuckDb.DuckDbException;

    private static IResult Recent(HttpContext context, DashboardFeed feed)
    {
        var pixel = MetricsRequest.ReadPixel(context.Request.Query, out var error);
        if (error is not null)
        {
            return BadRequest(error);
        }

        var limit = 50;
        if (context.Request.Query.TryGetValue("limit", out var text) && !string.IsNullOrEmpty(text)
            && (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxRecent))
        {
            return BadRequest($"limit must be a whole number from 1 to {MaxRecent}");
        }

        var events = feed.Recent.Latest(limit, pixel);
        return Json(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            DashboardJson.Array(w, "events", events, DashboardJson.Recent);
            w.WriteEndObject();
        });
    }

    private static IResult Abnormal(DashboardFeed feed, DateTimeOffset now)
    {
        var active = feed.Detector.Current(now);
        var history = feed.Detector.History.Take(100).ToList();
        return Json(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            DashboardJson.Array(w, "active", active, DashboardJson.Alert);
            DashboardJson.Array(w, "history", history, DashboardJson.Alert);
            w.WriteEndObject();
        });
    }

    private static async Task LiveAsync(HttpContext context, DashboardFeed feed, DashboardServices services, LiveClients live)
    {
        var pixel = MetricsRequest.ReadPixel(context.Request.Query, out var error);
        if (error is not null)
        {
            await BadRequest(error).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (!live.TryEnter())
        {
            context.Response.Headers.RetryAfter = "5";
            await Json(StatusCodes.Status503ServiceUnavailable, w => DashboardJson.Error(w, $"{live.Limit} live streams are open already; close a dashboard tab or try again shortly")).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            var lifetime = context.RequestServices.GetService<IHostApplicationLifetime>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime?.ApplicationStopping ?? CancellationToken.None);
            var response = context.Response;
            response.ContentType = "text/event-stream; charset=utf-8";
            response.Headers["X-Accel-Buffering"] = "no";
            // Tell the browser how long to wait before reconnecting after a drop.
            await response.WriteAsync("retry: 2000\n\n", stop.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            var after = feed.Recent.LastSequence;
            var time = services.Time;
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            var lastTick = time.GetUtcNow();
            while (!stop.IsCancellationRequested)
            {
                await NextTickAsync(feed, time, after, lastTick, stop.Token).ConfigureAwait(false);
                var now = time.GetUtcNow();
                lastTick = now;
                var recent = feed.Recent.Latest(MaxRecentPerTick, pixel, after);
                after = feed.Recent.LastSequence;
                buffer.ResetWrittenCount();
                using (var json = new Utf8JsonWriter(buffer))
                {
                    Tick(json, feed, pixel, now, recent);
                }

                await response.WriteAsync("event: tick\ndata: ", stop.Token).ConfigureAwait(false);
                await response.Body.WriteAsync(buffer.WrittenMemory, stop.Token).ConfigureAwait(false);
                await response.WriteAsync("\n\n", stop.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server is stopping.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
        finally
        {
            live.Leave();
        }
    }

    /// <summary>
    /// Waits for the next whole second, or less when events were counted since the last tick and it is at least
    /// <see cref="EarlyTick"/> ago: a hit reaches the page without waiting for the second to end.
    /// </summary>
    private static async Task NextTickAsync(DashboardFeed feed, TimeProvider time, long after, DateTimeOffset lastTick, CancellationToken cancellationToken)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        while (true)
        {
            var now = time.GetUtcNow();
            if (now.ToUnixTimeSeconds() != second || (feed.Recent.LastSequence != after && now - lastTick >= EarlyTick))
            {
                return;
            }

            var toSecond = TimeSpan.FromMilliseconds(1000 - now.Millisecond);
            await Task.Delay(toSecond < LivePoll ? toSecond : LivePoll, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Tick(Utf8JsonWriter json, DashboardFeed feed, string? pixel, DateTimeOffset now, IReadOnlyList<RecentEvent> recent)
    {
        var minute = MetricsRequest.Floor(now, Rollups.RollupStep.Minute);
        var series = feed.Rollups.Series(pixel, minute, minute.AddMinutes(1), Rollups.RollupStep.Minute);
        var point = series.Count > 0 ? MetricsPoint.Of(minute, series[0].Bucket) : MetricsPoint.Empty(minute);
        json.WriteStartObject();
        json.WriteString("time", DashboardJson.Time(new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero)));
        json.WriteNumber("second", feed.LastSecond(now));
        json.WritePropertyName("minute");
        DashboardJson.Point(json, point);
        json.WriteNumber("total", feed.TotalEvents);
        DashboardJson.Array(json, "recent", recent, DashboardJson.Recent);
        json.WriteNumber("abnormal", feed.Detector.Current(now).Count);
        json.WriteEndObject();
    }

    private static async Task<IResult> LoginAsync(HttpContext context, DashboardAuth auth)
    {
        var request = context.Request;
        if (!SameOrigin(request))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }

        if (!request.HasFormContentType)
        {
            return Results.Text("send the login form (application/x-www-form-urlencoded with a token field)", "text/plain; charset=utf-8", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        if (request.ContentLength is null or > MaxLoginBytes)
        {
            return Results.Text($"the login form is at most {MaxLoginBytes} bytes, with a Content-Length", "text/plain; charset=utf-8", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var form = await request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var token = form["token"].ToString().Trim();
        if (!auth.VerifyToken(token) || auth.Issue() is not { } session)
        {
            return LoginForm(context, "That is not the admin token. Use the token gateway up printed on its first start, or admin.token.", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(DashboardAuth.CookieName, session, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = request.IsHttps,
            Path = "/",
            MaxAge = DashboardAuth.SessionLifetime,
        });
        return Redirect(context, PagePath);
    }

    private static IResult LoginForm(HttpContext context, string? error, int status)
    {
        var html = DashboardAssets.Html("login.html");
        var message = error is null ? "" : $"<p class=\"login-error\" role=\"alert\">{HtmlEncoder.Default.Encode(error)}</p>";
        return Page(context, html.Replace("<!--error-->", message, StringComparison.Ordinal), status);
    }

    private static IResult Page(HttpContext context, string html, int status = StatusCodes.Status200OK)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        // Not no-referrer: under it browsers send "Origin: null" on the page's own form posts, which look cross-site.
        headers["Referrer-Policy"] = "same-origin";
        return Results.Text(html, "text/html; charset=utf-8", statusCode: status);
    }

    // 303: after a POST the browser follows with a GET.
    private static IResult Redirect(HttpContext context, string path)
    {
        context.Response.Headers.Location = path;
        context.Response.Headers.CacheControl = "no-store";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    // A form posted from another site (login CSRF) says so: browsers send Sec-Fetch-Site and Origin on every POST.
    // Requests without either (curl, scripts) are not a browser acting for someone else.
    private static bool SameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none";
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static IResult BadRequest(string message) => Json(StatusCodes.Status400BadRequest, w => DashboardJson.Error(w, message));

    private static IResult Json(int status, Action<Utf8JsonWriter> write) => new JsonWriterResult(status, write);

    private sealed class JsonWriterResult(int status, Action<Utf8JsonWriter> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            await using (var json = new Utf8JsonWriter(buffer))
            {
                write(json);
            }

            await response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }

    private sealed class LiveClients(int limit)
    {
        private int _open;

        public int Limit => limit;

        public bool TryEnter()
        {
            if (Interlocked.Increment(ref _open) <= limit)
            {
                return true;
            }

            Interlocked.Decrement(ref _open);
            return false;
        }

        public void Leave() => Interlocked.Decrement(ref _open);
    }
}
