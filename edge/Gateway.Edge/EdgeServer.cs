using System.Text;
using Gateway.Edge.Internal;
using Gateway.Streams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Edge;

/// <summary>The local pixel edge: Kestrel serving the beacon endpoints and appending one record per hit to the raw stream.</summary>
public sealed class EdgeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EdgeServer(WebApplication app) => _app = app;

    /// <summary>The addresses Kestrel actually bound (port 0 in <see cref="EdgeOptions.Url"/> resolved).</summary>
    public IReadOnlyList<string> Urls =>
        [.. _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses];

    /// <summary>Builds and starts the edge; returns once it accepts connections.</summary>
    /// <param name="options">Listen address and limits.</param>
    /// <param name="raw">The stream every hit is appended to.</param>
    /// <param name="time">The clock of the records (default: the system clock).</param>
    /// <param name="logging">Log providers (default: none).</param>
    /// <param name="routes">More endpoints on the same listener (the admin API, the dashboard), mapped after the edge's own.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<EdgeServer> StartAsync(EdgeOptions options, IRecordStream raw, TimeProvider? time = null, Action<ILoggingBuilder>? logging = null, Action<IEndpointRouteBuilder>? routes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(raw);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }

        // Per-request framework logs would carry URLs (event data) and cost throughput; keep only warnings.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Our own 414 check is exact; Kestrel's request-line limit (method + target + version) is the backstop.
            kestrel.Limits.MaxRequestLineSize = options.MaxUrlBytes + 64;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes + 1;
            // Header bytes are decoded as UTF-8 so a non-ASCII User-Agent is logged as its UTF-8 bytes, as CloudFront does.
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(raw);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<HitRecorder>();

        var app = builder.Build();
        app.UsePixel();
        // Explicit, so routing runs after the pixel middleware instead of being inserted first.
        app.UseRouting();
        app.MapEdgeApi();
        routes?.Invoke(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new EdgeServer(app);
    }

    /// <summary>Stops accepting requests, lets in-flight ones finish, and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
