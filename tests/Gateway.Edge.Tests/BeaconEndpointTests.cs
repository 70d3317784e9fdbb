using System.Net;
using System.Text;
using Gateway.Edge.Tests.Support;

namespace Gateway.Edge.Tests;

public sealed class BeaconEndpointTests
{
    private const int QueryField = 14;

    [Fact]
    public async Task Form_body_is_merged_into_the_query_and_answered_204()
    {
        await using var edge = await EdgeHost.StartAsync();
        using var content = new StringContent("e=signup&url=https%3A%2F%2Fa.example%2F", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await edge.Client.PostAsync(new Uri("/e?pid=px1", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var f = edge.SingleRecordFields();
        Assert.Equal("POST", f[4]);
        // cs-uri-stem is the request line's target; the body's fields are merged into cs-uri-query only.
        Assert.Equal("/e?pid=px1", f[7]);
        Assert.Equal("pid=px1&e=signup&url=https%253A%252F%252Fa.example%252F", f[QueryField]);
    }

    [Fact]
    public async Task Json_object_fields_become_query_parameters()
    {
        await using var edge = await EdgeHost.StartAsync();
        using var content = new StringContent("""{"pid":"px1","e":"purchase","v":19.99,"ok":true,"items":[1,2],"note":null,"q":"a&b=c"}""", Encoding.UTF8, "application/json");

        using var response = await edge.Client.PostAsync(new Uri("/e", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("pid=px1&e=purchase&v=19.99&ok=true&items=%255B1%252C2%255D&note=&q=a%2526b%253Dc", edge.SingleRecordFields()[QueryField]);
    }

    [Theory]
    [InlineData("{\"pid\":", "not valid JSON")] // truncated
    [InlineData("[1,2]", "must be an object")] // array, not fields
    public async Task Bad_json_gets_400_with_the_reason_and_is_not_recorded(string body, string reason)
    {
        await using var edge = await EdgeHost.StartAsync();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await edge.Client.PostAsync(new Uri("/e", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(edge.Stream.Appended);
    }

    [Fact]
    public async Task Body_of_16_KB_is_accepted_and_one_byte_more_gets_413()
    {
        await using var edge = await EdgeHost.StartAsync();
        var fits = "pid=px1&pad=" + new string('x', (16 * 1024) - 12);

        using var ok = await edge.Client.PostAsync(new Uri("/e", UriKind.Relative), new StringContent(fits, Encoding.UTF8, "text/plain"));
        using var tooBig = await edge.Client.PostAsync(new Uri("/e", UriKind.Relative), new StringContent(fits + "x", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Single(edge.Stream.Appended);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_gets_413()
    {
        await using var edge = await EdgeHost.StartAsync();
        var chunk = new string('x', 4000);
        var request = new StringBuilder("POST /e HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        for (var i = 0; i < 5; i++)
        {
            request.Append("fa0\r\n").Append(chunk).Append("\r\n");
        }

        request.Append("0\r\n\r\n");

        var raw = await edge.SendRawAsync(Encoding.ASCII.GetBytes(request.ToString()));

        Assert.True(raw.StartsWith("HTTP/1.1 413", StringComparison.Ordinal), raw);
        Assert.Empty(edge.Stream.Appended);
    }

    [Fact]
    public async Task Preflight_allows_post_with_content_type_from_the_calling_origin()
    {
        await using var edge = await EdgeHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/e");
        request.Headers.Add("Origin", "https://shop.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await edge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("https://shop.example", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.Contains("POST", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Equal("Content-Type", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.Empty(edge.Stream.Appended);
    }

    [Fact]
    public async Task Origins_outside_the_allow_list_get_403_and_are_not_recorded()
    {
        await using var edge = await EdgeHost.StartAsync(new EdgeOptions { AllowedOrigins = ["https://shop.example"] });
        using var allowed = new HttpRequestMessage(HttpMethod.Post, "/e?pid=px1") { Content = new StringContent("e=a") };
        allowed.Headers.Add("Origin", "https://shop.example");
        using var denied = new HttpRequestMessage(HttpMethod.Post, "/e?pid=px1") { Content = new StringContent("e=b") };
        denied.Headers.Add("Origin", "https://evil.example");

        using var ok = await edge.Client.SendAsync(allowed);
        using var rejected = await edge.Client.SendAsync(denied);

        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, rejected.StatusCode);
        Assert.Contains("evil.example", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(edge.Stream.Appended);
    }

    [Fact]
    public async Task Get_on_the_beacon_endpoint_gets_405()
    {
        await using var edge = await EdgeHost.StartAsync();

        using var response = await edge.Client.GetAsync(new Uri("/e?pid=px1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST, OPTIONS", string.Join(", ", response.Content.Headers.Allow));
    }
}
