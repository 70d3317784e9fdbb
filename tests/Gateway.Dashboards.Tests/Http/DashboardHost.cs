using Gateway.Dashboards.Http;
using Gateway.Dashboards.Live;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Dashboards.Tests.Http;

/// <summary>The dashboard's routes on Kestrel at 127.0.0.1 with a free port, guarded by <see cref="Token"/>.</summary>
internal sealed class DashboardHost : IAsyncDisposable
{
    public const string Token = "dashboard-test-token-0123456789";

    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, DashboardFeed feed, Uri baseAddress)
    {
        _app = app;
        Feed = feed;
        BaseAddress = baseAddress;
    }

    public DashboardFeed Feed { get; }

    public Uri BaseAddress { get; }

    public IEnumerable<RouteEndpoint> Endpoints => _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    public static async Task<DashboardHost> StartAsync(DashboardFeed feed, DashboardServices? services = null, byte[]? sessionKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var key = sessionKey ?? "session-key-for-tests"u8.ToArray();
        app.MapDashboard(feed, new DashboardAuth(t => t == Token, () => key), services);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardHost(app, feed, new Uri(address));
    }

    public HttpClient Client(bool withToken = true, bool followRedirects = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = false }) { BaseAddress = BaseAddress };
        if (withToken)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
