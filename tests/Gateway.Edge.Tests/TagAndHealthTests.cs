using System.Net;
using System.Text.Json;
using Gateway.Edge.Tests.Support;

namespace Gateway.Edge.Tests;

public sealed class TagAndHealthTests
{
    [Fact]
    public async Task Tag_script_is_served_as_cacheable_javascript_that_beacons_with_an_image_fallback()
    {
        await using var edge = await EdgeHost.StartAsync();

        using var response = await edge.Client.GetAsync(new Uri("/gw.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=3600", response.Headers.CacheControl?.ToString());
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("navigator.sendBeacon", script, StringComparison.Ordinal);
        Assert.Contains("/p.gif?", script, StringComparison.Ordinal);
        Assert.Empty(edge.Stream.Appended);
    }

    [Fact]
    public async Task Healthz_reports_counts_of_recorded_and_rejected_hits()
    {
        await using var edge = await EdgeHost.StartAsync();
        (await edge.Client.GetAsync(new Uri("/p.gif?pid=1", UriKind.Relative))).Dispose();
        (await edge.Client.PostAsync(new Uri("/p.gif", UriKind.Relative), null)).Dispose();

        using var response = await edge.Client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, health.RootElement.GetProperty("recordedHits").GetInt64());
        Assert.Equal(1, health.RootElement.GetProperty("rejectedRequests").GetInt64());
    }
}
