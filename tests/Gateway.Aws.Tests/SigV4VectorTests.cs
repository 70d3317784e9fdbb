using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Aws.Tests;

/// <summary>
/// AWS's published SigV4 test suite (aws-c-auth tests/aws-signing-test-suite/v4, reproduced in specs/05):
/// every intermediate is checked, not only the final signature.
/// </summary>
public sealed class SigV4VectorTests
{
    private static readonly AwsCredentials Keys = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SigningTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly KeyValuePair<string, string>[] HostOnly = [new("Host", "example.amazonaws.com")];

    public static TheoryData<string, SigV4Request, AwsCredentials, string, string?, string> Vectors => new()
    {
        {
            // get-vanilla (specs/05 §5.2, full canonical request and string to sign given).
            "get-vanilla",
            new SigV4Request("GET", "/", "", HostOnly, SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        },
        {
            // post-vanilla: only the method line differs.
            "post-vanilla",
            new SigV4Request("POST", "/", "", HostOnly, SigV4Signer.EmptyPayloadHash),
            Keys,
            "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "553f88c9e4d10fc9e109e2aeb65f030801b70c2f6468faca261d401ae622fc87",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"
        },
        {
            // get-vanilla-query-order-key-case: parameters sorted by name, case-sensitively.
            "get-vanilla-query-order-key-case",
            new SigV4Request("GET", "/", "Param2=value2&Param1=value1", HostOnly, SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        },
        {
            // get-vanilla-with-session-token: the token is signed as x-amz-security-token.
            "get-vanilla-with-session-token",
            new SigV4Request("GET", "/", "", HostOnly, SigV4Signer.EmptyPayloadHash),
            new AwsCredentials(Keys.AccessKeyId, Keys.SecretAccessKey, "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-security-token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267\n\nhost;x-amz-date;x-amz-security-token\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
            "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"
        },
        {
            // get-utf8: a UTF-8 path segment is percent-encoded byte by byte (signature from the suite's header-signed-request).
            "get-utf8",
            new SigV4Request("GET", "/ሴ", "", HostOnly, SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"
        },
        {
            // get-space-normalized: a space in the path becomes %20, never +.
            "get-space-normalized",
            new SigV4Request("GET", "/example space/", "", HostOnly, SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/example%20space/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"
        },
        {
            // get-vanilla-utf8-query: a UTF-8 query name is encoded like the path.
            "get-vanilla-utf8-query",
            new SigV4Request("GET", "/", "ሴ=bar", HostOnly, SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/\n%E1%88%B4=bar\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"
        },
        {
            // get-vanilla-query-unreserved: the unreserved set passes through unencoded.
            "get-vanilla-query-unreserved",
            new SigV4Request(
                "GET",
                "/",
                "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                HostOnly,
                SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/\n-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
        },
        {
            // get-header-value-trim: values trimmed, inner space runs collapsed (even inside quotes).
            "get-header-value-trim",
            new SigV4Request("GET", "/", "", [new("Host", "example.amazonaws.com"), new("My-Header1", " value1"), new("My-Header2", " \"a   b   c\"")], SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\nx-amz-date:20150830T123600Z\n\nhost;my-header1;my-header2;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"
        },
        {
            // get-header-key-duplicate: repeated names joined with commas in the order sent.
            "get-header-key-duplicate",
            new SigV4Request("GET", "/", "", [new("Host", "example.amazonaws.com"), new("My-Header1", "value2"), new("My-Header1", "value2"), new("My-Header1", "value1")], SigV4Signer.EmptyPayloadHash),
            Keys,
            "GET\n/\n\nhost:example.amazonaws.com\nmy-header1:value2,value2,value1\nx-amz-date:20150830T123600Z\n\nhost;my-header1;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            null,
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"
        },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Official_vector_matches_at_every_step(string name, SigV4Request request, AwsCredentials credentials, string canonicalRequest, string? canonicalRequestHash, string signature)
    {
        var result = SigV4Signer.Sign(request, credentials, "us-east-1", "service", SigningTime);

        Assert.Equal(canonicalRequest, result.CanonicalRequest);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        if (canonicalRequestHash is not null)
        {
            // The suite's own hash of its canonical request, so the expected text above is checked too.
            Assert.Equal(canonicalRequestHash, hash);
        }

        Assert.Equal($"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n{hash}", result.StringToSign);
        Assert.Equal(signature, result.Signature);
        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={result.SignedHeaders}, Signature={signature}",
            result.Authorization);
        Assert.Equal("20150830T123600Z", result.AmzDate);
        Assert.False(string.IsNullOrEmpty(name));
    }

    [Fact]
    public void Signing_key_derivation_matches_the_published_intermediate_keys()
    {
        var secret = Encoding.UTF8.GetBytes("AWS4" + Keys.SecretAccessKey);
        var kDate = HMACSHA256.HashData(secret, "20150830"u8);
        var kRegion = HMACSHA256.HashData(kDate, "us-east-1"u8);
        var kService = HMACSHA256.HashData(kRegion, "service"u8);
        Assert.Equal("0138c7a6cbd60aa727b2f653a522567439dfb9f3e72b21f9b25941a42f04a7cd", Convert.ToHexStringLower(kDate));
        Assert.Equal("f33d5808504bf34812e5fade63308b424b244c59189be2a591dd2282c7cb563f", Convert.ToHexStringLower(kRegion));
        Assert.Equal("f7fd819348e53789a8474fb1aebea778f5af85c40612e0f064eecd5642c81bc1", Convert.ToHexStringLower(kService));

        Assert.Equal(
            "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75",
            Convert.ToHexStringLower(SigV4Signer.DeriveSigningKey(Keys.SecretAccessKey, "20150830", "us-east-1", "service")));
    }

    [Fact]
    public void Kinesis_PutRecords_request_signs_as_botocore_does()
    {
        // specs/05 §5.4: a Kinesis-shaped request, signature cross-checked against botocore's SigV4Auth.
        var body = "{\"StreamName\":\"clicks\",\"Records\":[{\"Data\":\"aGVsbG8=\",\"PartitionKey\":\"user-1\"}]}"u8.ToArray();
        Assert.Equal(79, body.Length);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://kinesis.us-east-1.amazonaws.com/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.PutRecords");

        var result = SigV4Signer.SignRequest(request, body, Keys, "us-east-1", "kinesis", SigningTime);

        Assert.Equal(
            "POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:kinesis.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\nx-amz-target:Kinesis_20131202.PutRecords\n\n"
            + "content-type;host;x-amz-date;x-amz-target\n67e849c7fdfeafdbed40466df09829084fc735d91466502586f183d30d8c151a",
            result.CanonicalRequest);
        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/kinesis/aws4_request\n6cca432a5636ed2a92b07d8b22542a5320bc65983d2a688d0457bb5e6179a4c4",
            result.StringToSign);
        Assert.Equal("84ff4bb5866c97b214c68190ab39bdf3022b4332984ee1fba8c0441019f331c0", result.Signature);
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal(result.Authorization, request.Headers.GetValues("Authorization").Single());
        Assert.False(request.Headers.Contains("X-Amz-Security-Token"));
    }

    [Fact]
    public void Signing_a_request_twice_replaces_the_headers_instead_of_adding_a_second_copy()
    {
        // A retried request is re-signed with a later date; two X-Amz-Date headers would be signed as "a,b" and rejected.
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:4567/") { Content = new ByteArrayContent([]) };
        var session = new AwsCredentials("ASIAEXAMPLE", "secret", "token-1");
        SigV4Signer.SignRequest(request, [], session, "us-east-1", "kinesis", SigningTime);
        var second = SigV4Signer.SignRequest(request, [], session, "us-east-1", "kinesis", SigningTime.AddMinutes(1));

        Assert.Equal("20150830T123700Z", Assert.Single(request.Headers.GetValues("X-Amz-Date")));
        Assert.Equal("token-1", Assert.Single(request.Headers.GetValues("X-Amz-Security-Token")));
        Assert.Equal(second.Authorization, Assert.Single(request.Headers.GetValues("Authorization")));
        Assert.Contains("host:127.0.0.1:4567\n", second.CanonicalRequest, StringComparison.Ordinal);
        Assert.Contains("x-amz-date:20150830T123700Z\nx-amz-security-token:token-1\n", second.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Path_is_normalized_and_an_already_encoded_path_is_encoded_again()
    {
        // Non-S3 services sign the path as sent, encoded once more: %20 on the wire is %2520 in the canonical URI.
        var sent = SigV4Signer.Sign(new SigV4Request("GET", "/a/./b/../c//d%20e/", "", HostOnly, SigV4Signer.EmptyPayloadHash), Keys, "us-east-1", "service", SigningTime);
        Assert.Equal("/a/c/d%2520e/", sent.CanonicalRequest.Split('\n')[1]);
    }

    [Fact]
    public void Query_values_are_sorted_after_their_names_and_encoded_with_uppercase_hex()
    {
        var result = SigV4Signer.Sign(new SigV4Request("GET", "/", "b=2&a=z&a=y&c=%2f+%7e&flag", HostOnly, SigV4Signer.EmptyPayloadHash), Keys, "us-east-1", "service", SigningTime);
        // '+' is a literal plus in SigV4 (encoded %2B), %2f decodes to '/' and is re-encoded as %2F, %7e to the unreserved '~'.
        Assert.Equal("a=y&a=z&b=2&c=%2F%2B~&flag=", result.CanonicalRequest.Split('\n')[2]);
    }
}
