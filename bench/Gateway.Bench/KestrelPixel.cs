using Gateway.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Bench;

/// <summary>
/// The same pixel answer as the edge (bytes and headers) from a bare Kestrel middleware that records nothing.
/// Its throughput is what Kestrel itself reaches on the machine, so the edge's distance from it is the cost of
/// forming and appending the record, and its distance from nginx is the cost of the web server.
/// </summary>
internal static class KestrelPixel
{
    public static async Task RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var app = builder.Build();
        app.Use(_ => context =>
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "image/gif";
            response.ContentLength = PixelGif.Bytes.Length;
            response.Headers.CacheControl = "no-cache, no-store, must-revalidate";
            response.Headers.Pragma = "no-cache";
            response.Headers.Expires = "0";
            return response.Body.WriteAsync(PixelGif.Bytes, context.RequestAborted).AsTask();
        });
        await app.RunAsync().ConfigureAwait(false);
    }
}
