using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Dashboards.Http;

/// <summary>
/// The page's files, embedded in the assembly at build time: ours from <c>Web/</c> and uPlot's from the npm package
/// under <c>tools/</c>. Served from our origin, so the page needs no CDN and no build step.
/// </summary>
internal static class DashboardAssets
{
    private const string Prefix = "web/";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>The names served under <c>/dashboard/assets/</c>.</summary>
    public static IEnumerable<string> Names => Assets.Keys.Where(n => !n.EndsWith(".html", StringComparison.Ordinal));

    /// <summary>An HTML template's text.</summary>
    public static string Html(string name) => Encoding.UTF8.GetString(Assets[name].Bytes);

    /// <summary>Answers <c>GET /dashboard/assets/{name}</c>: the file with its type and a validator, or 404.</summary>
    public static IResult Serve(HttpContext context, string name)
    {
        if (name.EndsWith(".html", StringComparison.Ordinal) || !Assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // The files change only with a new build; revalidating is cheap (304) and never serves a stale script.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource[Prefix.Length..];
            assets[name] = new Asset(bytes, ContentType(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
