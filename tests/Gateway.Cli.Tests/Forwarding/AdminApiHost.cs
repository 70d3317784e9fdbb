using System.Net.Http.Headers;
using System.Text;
using Gateway.Edge;
using Gateway.Streams;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Cli.Tests.Forwarding;

/// <summary>The edge (real Kestrel on 127.0.0.1, ephemeral port) with the admin API mounted as <c>gateway up</c> mounts it.</summary>
internal sealed class AdminApiHost : IAsyncDisposable
{
    /// <summary>The token of <see cref="Client"/> when no other <see cref="AdminToken"/> is given.</summary>
    public const string Token = "test-admin-token-0123456789";

    private readonly EdgeServer _server;
    private readonly IRecordStream _raw;
    private readonly IEndpointRouteBuilder _routes;

    private AdminApiHost(EdgeServer server, IRecordStream raw, IEndpointRouteBuilder routes, ForwardConfigStore store)
    {
        _server = server;
        _raw = raw;
        _routes = routes;
        Store = store;
        BaseAddress = new Uri(server.Urls[0]);
        Client = new HttpClient { BaseAddress = BaseAddress };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        Anonymous = new HttpClient { BaseAddress = BaseAddress };
    }

    public ForwardConfigStore Store { get; }

    public Uri BaseAddress { get; }

    /// <summary>Sends <see cref="Token"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>Sends no token.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>Every route endpoint of the running app below /admin/api, as routing sees them.</summary>
    public IReadOnlyList<RouteEndpoint> AdminEndpoints =>
        [.. _routes.ServiceProvider.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(AdminApi.Prefix, StringComparison.Ordinal) == true)];

    public static async Task<AdminApiHost> StartAsync(string directory, ForwardConfigStore store, AdminToken? token = null)
    {
        var raw = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(directory, "raw"), StreamName = "raw", ShardCount = 1 });
        IEndpointRouteBuilder? captured = null;
        var server = await EdgeServer.StartAsync(new EdgeOptions { Url = "http://127.0.0.1:0" }, raw, routes: routes =>
        {
            captured = routes;
            routes.MapAdminApi(store, token ?? AdminToken.Configured(Token));
        });
        return new AdminApiHost(server, raw, captured!, store);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Anonymous.Dispose();
        await _server.DisposeAsync();
        await _raw.DisposeAsync();
    }
}
