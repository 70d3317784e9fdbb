using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Bench;

/// <summary>The stand-in: parses every body (as Meta must), counts events, answers 200 — or 503 while down.</summary>
internal sealed class CapiSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _requests;
    private long _events;
    private long _refused;

    private CapiSink(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public volatile bool Down;

    public long Requests => Interlocked.Read(ref _requests);

    public long Events => Interlocked.Read(ref _events);

    public long RefusedWhileDown => Interlocked.Read(ref _refused);

    public static async Task<CapiSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 16 << 20;
        });
        var app = builder.Build();
        var sink = new CapiSink(app);
        app.Run(sink.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        sink.Endpoint = new Uri(app.Urls.Single() + "/");
        return sink;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _events, 0);
        Interlocked.Exchange(ref _refused, 0);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync().ConfigureAwait(false);

    private async Task HandleAsync(HttpContext context)
    {
        using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
        if (Down)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = 503;
            await context.Response.WriteAsync("""{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2,"is_transient":true}}""").ConfigureAwait(false);
            return;
        }

        var count = document.RootElement.GetProperty("data").GetArrayLength();
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _events, count);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"events_received\":{count},\"messages\":[],\"fbtrace_id\":\"bench\"}}").ConfigureAwait(false);
    }
}
