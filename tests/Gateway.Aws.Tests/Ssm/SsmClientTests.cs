using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gateway.Aws.Ssm;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests.Ssm;

/// <summary>The SSM client against <see cref="FakeSsm"/>, a signature-checking JSON 1.1 server on 127.0.0.1.</summary>
public sealed class SsmClientTests : IAsyncLifetime
{
    private const string TokenName = "/gateway/prod/meta-access-token";
    private const string Secret = "EAAB-not-a-real-token-7f3c9d";

    private FakeSsm _ssm = null!;
    private SsmClient _client = null!;

    public async Task InitializeAsync()
    {
        _ssm = await FakeSsm.StartAsync();
        _client = _ssm.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _ssm.DisposeAsync();
    }

    [Fact]
    public async Task GetParameter_posts_the_documented_body_with_the_SSM_target_signed_for_ssm()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);

        await _client.GetParameterAsync(TokenName);

        // The fake recomputes the SigV4 signature from the raw request; a refusal would be listed here.
        Assert.Empty(_ssm.Server.Rejections);
        var call = Assert.Single(_ssm.Server.CallsTo("GetParameter"));
        Assert.Equal("AmazonSSM.GetParameter", call.Headers["x-amz-target"]);
        Assert.Equal("application/x-amz-json-1.1", call.Headers["content-type"]);
        // The API reference's request syntax: {"Name": "string", "WithDecryption": boolean}.
        Assert.Equal($"{{\"Name\":\"{TokenName}\",\"WithDecryption\":true}}", call.BodyText);
        Assert.Contains("Credential=AKIDEXAMPLE/20150830/eu-west-1/ssm/aws4_request", call.Headers["authorization"], StringComparison.Ordinal);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target,", call.Headers["authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_parameter_is_read_with_version_ARN_and_the_millisecond_of_LastModifiedDate()
    {
        _ssm.Put("/gateway/prod/region", "eu-west-1");
        _ssm.Put("/gateway/prod/region", "eu-central-1", lastModified: DateTimeOffset.Parse("2024-03-05T06:07:08.946Z", CultureInfo.InvariantCulture));

        var parameter = await _client.GetParameterAsync("/gateway/prod/region");

        Assert.Equal("/gateway/prod/region", parameter.Name);
        Assert.Equal("String", parameter.Type);
        Assert.Equal("eu-central-1", parameter.Value);
        Assert.Equal(2, parameter.Version);
        Assert.Equal(new DateTimeOffset(2024, 3, 5, 6, 7, 8, 946, TimeSpan.Zero), parameter.LastModified);
        Assert.Equal("arn:aws:ssm:eu-west-1:111122223333:parameter/gateway/prod/region", parameter.Arn);
    }

    [Fact]
    public async Task A_version_selector_reads_that_version()
    {
        _ssm.Put("/gateway/prod/region", "eu-west-1");
        _ssm.Put("/gateway/prod/region", "eu-central-1");

        var parameter = await _client.GetParameterAsync("/gateway/prod/region:1");

        Assert.Equal("eu-west-1", parameter.Value);
        Assert.Equal(1, parameter.Version);
        Assert.Equal("/gateway/prod/region", parameter.Name);
    }

    [Fact]
    public async Task The_documented_response_is_read_and_the_members_the_record_lacks_are_ignored()
    {
        // The AWS CLI's output for get-parameter, plus the members the API reference lists that the record does not carry.
        const string Documented = """
            {"Parameter":{"Name":"/This/is/Key","LastModifiedDate":1535362148.994,"Value":"Value","Version":1,"Type":"String",
             "ARN":"arn:aws:ssm:us-east-1:123456789012:parameter/This/is/Key","DataType":"text","Selector":":1","SourceResult":""}}
            """;
        await using var server = await FakeJson11Server.StartAsync(
            SsmClient.SigningName, SsmClient.TargetPrefix, "us-east-1", TestAws.Credentials, _ => new Json11Reply(HttpStatusCode.OK, Documented));
        using var client = new SsmClient(
            new SsmClientOptions { Region = "us-east-1", ServiceUrl = server.Endpoint, Credentials = new StaticCredentialsProvider(TestAws.Credentials) },
            new FakeTimeProvider(TestAws.SigningTime));

        var parameter = await client.GetParameterAsync("/This/is/Key");

        Assert.Equal(new SsmParameter("/This/is/Key", "String", "Value", 1, DateTimeOffset.FromUnixTimeMilliseconds(1_535_362_148_994), "arn:aws:ssm:us-east-1:123456789012:parameter/This/is/Key"), parameter);
    }

    [Fact]
    public async Task A_SecureString_is_decrypted_by_default_and_only_its_ciphertext_comes_back_without_decryption()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);

        var decrypted = await _client.GetParameterAsync(TokenName);
        var encrypted = await _client.GetParameterAsync(TokenName, withDecryption: false);

        Assert.Equal(Secret, decrypted.Value);
        Assert.Equal(FakeSsm.CiphertextOf(Secret), encrypted.Value);
        Assert.Equal(SsmParameter.SecureStringType, encrypted.Type);
        Assert.Equal([true, false], _ssm.Server.CallsTo("GetParameter").Select(c => (bool)c.Body["WithDecryption"]!));
    }

    [Fact]
    public async Task A_missing_parameter_is_ParameterNotFound_naming_the_parameter_and_how_to_create_it()
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetParameterAsync("/gateway/prod/missing"));

        Assert.Equal("ParameterNotFound", e.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.False(e.IsRetryable);
        Assert.StartsWith("SSM GetParameter failed with ParameterNotFound (HTTP 400)", e.Message, StringComparison.Ordinal);
        // Parameter Store sends no message for this code, so the name and the command come from the client's fix alone.
        Assert.Null(e.ServiceMessage);
        Assert.Contains("parameter '/gateway/prod/missing' does not exist in eu-west-1", e.Message, StringComparison.Ordinal);
        Assert.Contains("aws ssm put-parameter --region eu-west-1 --name '/gateway/prod/missing'", e.Message, StringComparison.Ordinal);
        Assert.Contains("fix the name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_denied_names_ssm_GetParameter_and_kms_Decrypt()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);
        _ssm.DenyAccess();

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetParameterAsync(TokenName));

        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Contains("does not allow ssm:GetParameter on parameter '/gateway/prod/meta-access-token'", e.Fix, StringComparison.Ordinal);
        Assert.Contains("kms:Decrypt", e.Fix, StringComparison.Ordinal);
        Assert.Contains(e.Fix!, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_version_is_ParameterVersionNotFound_pointing_at_the_history()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetParameterAsync(TokenName + ":7"));

        Assert.Equal("ParameterVersionNotFound", e.ErrorCode);
        Assert.Contains("'/gateway/prod/meta-access-token:7' does not exist", e.Fix, StringComparison.Ordinal);
        Assert.Contains("get-parameter-history", e.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unusable_KMS_key_is_InvalidKeyId_pointing_at_the_key()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);
        _ssm.BreakKey(TokenName);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetParameterAsync(TokenName));

        Assert.Equal("InvalidKeyId", e.ErrorCode);
        Assert.Contains("KMS key that encrypts SecureString parameter '/gateway/prod/meta-access-token' is not usable", e.Fix, StringComparison.Ordinal);
        Assert.Contains("aws kms describe-key", e.Fix, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_is_retryable_and_says_to_back_off_or_cache()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);
        _ssm.Throttle(1);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _client.GetParameterAsync(TokenName));
        var retried = await _client.GetParameterAsync(TokenName);

        Assert.Equal("ThrottlingException", e.ErrorCode);
        Assert.True(e.IsRetryable);
        Assert.Contains("retry with backoff", e.Fix, StringComparison.Ordinal);
        Assert.Contains("cache", e.Fix, StringComparison.Ordinal);
        Assert.Equal(Secret, retried.Value);
    }

    [Fact]
    public async Task A_response_without_a_member_names_the_member_and_never_quotes_the_value()
    {
        // A Parameter with its Value but without Type: the client must refuse it without echoing the body.
        var body = new JsonObject { ["Parameter"] = new JsonObject { ["Name"] = TokenName, ["Value"] = Secret, ["Version"] = 1 } };
        await using var server = await FakeJson11Server.StartAsync(
            SsmClient.SigningName, SsmClient.TargetPrefix, FakeSsm.Region, TestAws.Credentials, _ => Json11Reply.Ok(body));
        using var client = new SsmClient(
            new SsmClientOptions { Region = FakeSsm.Region, ServiceUrl = server.Endpoint, Credentials = new StaticCredentialsProvider(TestAws.Credentials) },
            new FakeTimeProvider(TestAws.SigningTime));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetParameterAsync(TokenName));

        Assert.Equal("MalformedResponse", e.ErrorCode);
        Assert.Contains("has no Parameter.Type", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToString_of_a_parameter_hides_its_value()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);

        var parameter = await _client.GetParameterAsync(TokenName);

        Assert.Equal(Secret, parameter.Value);
        Assert.DoesNotContain(Secret, parameter.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, $"read {parameter}", StringComparison.Ordinal);
        Assert.Equal(
            "SsmParameter { Name = /gateway/prod/meta-access-token, Type = SecureString, Value = ***, Version = 1, "
            + "LastModified = 2023-11-14T22:13:20.1230000+00:00, Arn = arn:aws:ssm:eu-west-1:111122223333:parameter/gateway/prod/meta-access-token }",
            parameter.ToString());
    }

    [Fact]
    public async Task The_credentials_of_the_options_sign_the_request()
    {
        _ssm.Put(TokenName, Secret, SsmParameter.SecureStringType);
        using var client = new SsmClient(
            new SsmClientOptions { Region = FakeSsm.Region, ServiceUrl = _ssm.Server.Endpoint, Credentials = new StaticCredentialsProvider(new AwsCredentials("AKIDOTHER", "other-secret")) },
            new FakeTimeProvider(TestAws.SigningTime));

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetParameterAsync(TokenName));

        Assert.Equal("UnrecognizedClientException", e.ErrorCode);
        Assert.Contains("credentials or signature were not accepted", e.Fix, StringComparison.Ordinal);
        Assert.Contains("access key 'AKIDOTHER' is unknown", Assert.Single(_ssm.Server.Rejections), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_s_HttpClient_is_used_and_left_open()
    {
        _ssm.Put("/gateway/prod/region", "eu-west-1");
        var counter = new CountingHandler();
        using var http = new HttpClient(counter);
        var options = new SsmClientOptions { Region = FakeSsm.Region, ServiceUrl = _ssm.Server.Endpoint, HttpClient = http, Credentials = new StaticCredentialsProvider(TestAws.Credentials) };

        using (var first = new SsmClient(options, new FakeTimeProvider(TestAws.SigningTime)))
        {
            await first.GetParameterAsync("/gateway/prod/region");
        }

        using var second = new SsmClient(options, new FakeTimeProvider(TestAws.SigningTime));
        Assert.Equal("eu-west-1", (await second.GetParameterAsync("/gateway/prod/region")).Value);
        Assert.Equal(2, counter.Requests);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_an_HttpRequestException_naming_SSM_and_the_endpoint()
    {
        // A port that was just free: connecting is refused at once, and nothing leaves 127.0.0.1.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        using var client = new SsmClient(
            new SsmClientOptions { Region = FakeSsm.Region, ServiceUrl = endpoint, Credentials = new StaticCredentialsProvider(TestAws.Credentials) },
            new FakeTimeProvider(TestAws.SigningTime));

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetParameterAsync(TokenName));

        Assert.StartsWith($"SSM GetParameter could not reach {endpoint} (", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("check the endpoint/region and the network.", e.Message, StringComparison.Ordinal);
        Assert.Equal(HttpRequestError.ConnectionError, e.HttpRequestError);
    }

    [Fact]
    public async Task An_empty_name_is_refused_before_any_request()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetParameterAsync(""));

        Assert.Empty(_ssm.Server.Calls);
        Assert.Empty(_ssm.Server.Rejections);
    }

    [Theory]
    // The commercial partition.
    [InlineData("eu-west-1", "https://ssm.eu-west-1.amazonaws.com/")]
    // The China partition has its own domain.
    [InlineData("cn-north-1", "https://ssm.cn-north-1.amazonaws.com.cn/")]
    public void Without_a_ServiceUrl_the_client_calls_the_regional_endpoint(string region, string expected)
    {
        using var client = new SsmClient(new SsmClientOptions { Region = region, Credentials = new StaticCredentialsProvider(TestAws.Credentials) });

        Assert.Equal(new Uri(expected), client.Endpoint);
        Assert.Equal(region, client.Region);
        Assert.Equal(new Uri(expected), SsmClient.DefaultEndpoint(region));
    }

    /// <summary>Passes requests on to the network and counts them.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
