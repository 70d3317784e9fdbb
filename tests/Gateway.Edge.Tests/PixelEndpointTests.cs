using System.Net;
using System.Text;
using Gateway.Edge.Tests.Support;
using Gateway.Processing;

namespace Gateway.Edge.Tests;

public sealed class PixelEndpointTests
{
    // nginx empty_gif, specs/08 §8.1.
    private const string GifBase64 = "R0lGODlhAQABAIABAAAAAP///yH5BAEAAAEALAAAAAABAAEAAAICTAEAOw==";

    [Fact]
    public async Task Get_answers_the_43_byte_gif_with_no_cache_headers()
    {
        await using var edge = await EdgeHost.StartAsync();

        using var response = await edge.Client.GetAsync(new Uri("/p.gif?pid=px1&e=pageview", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Convert.FromBase64String(GifBase64), body);
        Assert.Equal(43, body.Length);
        Assert.Equal("image/gif", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(43, response.Content.Headers.ContentLength);
        Assert.Equal("no-cache, no-store, must-revalidate", response.Headers.NonValidated["Cache-Control"].ToString());
        Assert.Equal("no-cache", Assert.Single(response.Headers.GetValues("Pragma")));
        Assert.Equal("0", Assert.Single(response.Content.Headers.GetValues("Expires")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Head_answers_headers_only_and_is_recorded()
    {
        await using var edge = await EdgeHost.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Head, "/p.gif?pid=px1");
        using var response = await edge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(43, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("HEAD", edge.SingleRecordFields()[4]);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Other_methods_get_405_naming_the_allowed_ones_and_are_not_recorded(string method)
    {
        await using var edge = await EdgeHost.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), "/p.gif?pid=px1");
        using var response = await edge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        Assert.Empty(edge.Stream.Appended);
    }

    [Fact]
    public async Task Every_hit_is_appended_as_the_cloudfront_record_before_the_answer()
    {
        await using var edge = await EdgeHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/p.gif?pid=px1&url=https%3A%2F%2Fshop.example%2Fa%20b&e=purchase");
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Test/1.0");
        request.Headers.TryAddWithoutValidation("Referer", "https://shop.example/cart?x=1");
        request.Headers.TryAddWithoutValidation("Cookie", "_fbp=fb.1.1.2; a=b");

        using var response = await edge.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (partitionKey, line) = Assert.Single(edge.Stream.Appended);
        var f = line.Split('\t');
        Assert.Equal(RealtimeLogFields.Default.Count, f.Length);
        Assert.Equal("1700000000.123", f[0]);
        Assert.Equal("127.0.0.0", f[1]); // viewer address truncated to /24: the full IP is never stored
        Assert.Equal("200", f[2]);
        Assert.Equal("GET", f[4]);
        Assert.Equal("http", f[5]);
        Assert.Equal("127.0.0.1", f[6]);
        // Real-time logs put the whole target, query included, in cs-uri-stem (standard logs do not).
        Assert.Equal("/p.gif?pid=px1&url=https%253A%252F%252Fshop.example%252Fa%2520b&e=purchase", f[7]);
        Assert.Equal("LOCAL1", f[8]);
        Assert.Equal(56, f[9].Length);
        Assert.Equal(partitionKey, f[9]);
        Assert.Equal(f[9], Assert.Single(response.Headers.GetValues("x-amz-cf-id")));
        Assert.Matches(@"^\d+\.\d{3}$", f[10]);
        Assert.Equal("Mozilla/5.0%20(X11;%20Linux%20x86_64)%20Test/1.0", f[11]);
        Assert.Equal("https://shop.example/cart?x=1", f[12]);
        Assert.Equal("_fbp=fb.1.1.2;%20a=b", f[13]);
        // The client's %3A arrives as %253A: CloudFront re-encodes '%' in the query, so consumers decode twice.
        Assert.Equal("pid=px1&url=https%253A%252F%252Fshop.example%252Fa%2520b&e=purchase", f[14]);
        Assert.Equal(["-", "-", "-"], f[15..18]);
    }

    [Fact]
    public async Task Sc_bytes_is_the_size_of_the_response_on_the_wire()
    {
        await using var edge = await EdgeHost.StartAsync();

        var closing = await edge.SendRawAsync(Encoding.ASCII.GetBytes("GET /p.gif?pid=1 HTTP/1.1\r\nHost: pixel.test\r\nConnection: close\r\n\r\n"));
        using var keepAlive = await edge.Client.GetAsync(new Uri("/p.gif?pid=2", UriKind.Relative));

        Assert.StartsWith("HTTP/1.1 200 OK", closing, StringComparison.Ordinal);
        var records = edge.Stream.Appended.Select(a => a.Line.Split('\t')).ToList();
        Assert.Equal(closing.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), records[0][3]);
        // Same response without "Connection: close\r\n" (19 bytes).
        Assert.Equal((closing.Length - 19).ToString(System.Globalization.CultureInfo.InvariantCulture), records[1][3]);
    }

    [Fact]
    public async Task Url_of_8192_bytes_is_served_and_one_byte_more_gets_414()
    {
        await using var edge = await EdgeHost.StartAsync();
        var prefix = "/p.gif?pid=px1&pad=";
        var fits = prefix + new string('a', 8192 - prefix.Length);
        var tooLong = fits + "a";

        using var ok = await edge.Client.GetAsync(new Uri(fits, UriKind.Relative));
        using var rejected = await edge.Client.GetAsync(new Uri(tooLong, UriKind.Relative));
        using var wayTooLong = await edge.Client.GetAsync(new Uri(fits + new string('b', 10_000), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, rejected.StatusCode);
        Assert.Contains("8192", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, wayTooLong.StatusCode);
        Assert.Single(edge.Stream.Appended);
    }

    public static TheoryData<Exception> AppendFailures => new()
    {
        // Embedded stream: the disk is full.
        new IOException("disk full"),
        // Kinesis stream: the service refused the record, or could not be reached.
        new Gateway.Aws.AwsServiceException("Kinesis", "PutRecords", "ProvisionedThroughputExceededException", "Rate exceeded", null, "add shards"),
        new HttpRequestException("connection refused"),
        // The stream's own request timed out.
        new TaskCanceledException("timed out"),
    };

    [Theory]
    [MemberData(nameof(AppendFailures))]
    public async Task A_failed_append_answers_503_and_never_the_gif(Exception failure)
    {
        await using var edge = await EdgeHost.StartAsync();
        edge.Stream.FailWith = failure;

        using var response = await edge.Client.GetAsync(new Uri("/p.gif?pid=px1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotEqual("image/gif", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Trusted_proxy_supplies_viewer_address_country_and_asn()
    {
        await using var edge = await EdgeHost.StartAsync(new EdgeOptions { TrustedProxies = [IPNetwork.Parse("127.0.0.0/8")] });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/p.gif?pid=px1");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.77, 2001:db8:85a3:1234::1, 127.0.0.9");
        request.Headers.TryAddWithoutValidation("CloudFront-Viewer-Country", "DE");
        request.Headers.TryAddWithoutValidation("CloudFront-Viewer-ASN", "3320");

        using var response = await edge.Client.SendAsync(request);

        var f = edge.SingleRecordFields();
        Assert.Equal("2001:db8:85a3::", f[1]); // right-most untrusted hop, truncated to /48
        Assert.Equal("198.51.100.0,%202001:db8:85a3::,%20127.0.0.0", f[15]);
        Assert.Equal("DE", f[16]);
        Assert.Equal("3320", f[17]);
    }

    [Fact]
    public async Task Untrusted_peers_cannot_set_country_asn_or_viewer_address()
    {
        await using var edge = await EdgeHost.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/p.gif?pid=px1");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "198.51.100.77");
        request.Headers.TryAddWithoutValidation("CloudFront-Viewer-Country", "DE");
        request.Headers.TryAddWithoutValidation("CloudFront-Viewer-ASN", "3320");

        using var response = await edge.Client.SendAsync(request);

        var f = edge.SingleRecordFields();
        Assert.Equal("127.0.0.0", f[1]);
        Assert.Equal("198.51.100.0", f[15]);
        Assert.Equal(["-", "-"], f[16..18]);
    }
}
