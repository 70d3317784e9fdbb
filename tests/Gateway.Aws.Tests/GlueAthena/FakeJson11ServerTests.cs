using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests.GlueAthena;

/// <summary>The fake refuses what AWS refuses, so a client test passing against it means the request was well-formed and signed.</summary>
public sealed class FakeJson11ServerTests : IAsyncLifetime
{
    private const string Body = "{\"QueryExecutionId\":\"q\"}";

    private FakeJson11Server _server = null!;

    public async Task InitializeAsync() =>
        _server = await FakeJson11Server.StartAsync("athena", "AmazonAthena", "eu-west-1", Some.Credentials, _ => Json11Reply.Ok(new JsonObject { ["ok"] = true }));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_correctly_signed_request_is_answered()
    {
        using var response = await SendAsync(Signed());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GetQueryExecution", Assert.Single(_server.Calls).Operation);
        Assert.Empty(_server.Rejections);
    }

    [Theory]
    // Signed with another secret.
    [InlineData("wrong secret", "InvalidSignatureException")]
    // Scoped to another service.
    [InlineData("wrong service", "InvalidSignatureException")]
    // Scoped to another region.
    [InlineData("wrong region", "InvalidSignatureException")]
    // The body changed after signing.
    [InlineData("body changed", "InvalidSignatureException")]
    // The target changed after signing.
    [InlineData("target changed", "InvalidSignatureException")]
    // X-Amz-Target left out of SignedHeaders.
    [InlineData("target unsigned", "IncompleteSignatureException")]
    // No Authorization at all.
    [InlineData("no authorization", "MissingAuthenticationTokenException")]
    // A signature that is not 64 hex digits.
    [InlineData("short signature", "IncompleteSignatureException")]
    // JSON 1.0 content type.
    [InlineData("content type", "SerializationException")]
    // Another service's target prefix.
    [InlineData("foreign target", "UnknownOperationException")]
    // A path other than /.
    [InlineData("path", "UnknownOperationException")]
    public async Task A_request_AWS_would_refuse_is_refused_with_AWS_s_code(string fault, string code)
    {
        var request = fault switch
        {
            "wrong secret" => Signed(credentials: new AwsCredentials(Some.Credentials.AccessKeyId, "not-the-secret")),
            "wrong service" => Signed(service: "glue"),
            "wrong region" => Signed(region: "us-east-1"),
            "body changed" => Signed(after: r => r.Content = Json("{\"QueryExecutionId\":\"other\"}")),
            "target changed" => Signed(after: r => Replace(r, "X-Amz-Target", "AmazonAthena.StopQueryExecution")),
            "target unsigned" => Signed(before: r => r.Headers.Remove("X-Amz-Target"), after: r => r.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonAthena.GetQueryExecution")),
            "no authorization" => Signed(after: r => r.Headers.Remove("Authorization")),
            "short signature" => Signed(after: r => Replace(r, "Authorization", r.Headers.GetValues("Authorization").Single()[..^1])),
            "content type" => Signed(before: r => r.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0")),
            "foreign target" => Signed(before: r => Replace(r, "X-Amz-Target", "Kinesis_20131202.PutRecords")),
            "path" => Signed(path: "/x"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };

        using var response = await SendAsync(request);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(code, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["__type"]);
        Assert.Empty(_server.Calls);
        Assert.StartsWith(code, Assert.Single(_server.Rejections), StringComparison.Ordinal);
    }

    private static ByteArrayContent Json(string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(FakeJson11Server.ContentType);
        return content;
    }

    private static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using var http = new HttpClient();
        using (request)
        {
            return await http.SendAsync(request);
        }
    }

    /// <summary>A GetQueryExecution request signed by the project's signer; <paramref name="before"/> edits it before signing, <paramref name="after"/> after.</summary>
    private HttpRequestMessage Signed(
        AwsCredentials? credentials = null,
        string service = "athena",
        string region = "eu-west-1",
        string path = "/",
        Action<HttpRequestMessage>? before = null,
        Action<HttpRequestMessage>? after = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Endpoint, path)) { Content = Json(Body) };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "AmazonAthena.GetQueryExecution");
        before?.Invoke(request);
        SigV4Signer.SignRequest(request, Encoding.UTF8.GetBytes(Body), credentials ?? Some.Credentials, region, service, Some.SigningTime);
        after?.Invoke(request);
        return request;
    }
}
