using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Aws.Internal;

namespace Gateway.Aws.Tests;

public sealed class AwsErrorTests
{
    [Theory]
    // Plain code.
    [InlineData("{\"__type\":\"ResourceNotFoundException\",\"message\":\"m\"}", null, "ResourceNotFoundException", "m")]
    // Namespace prefix before '#'.
    [InlineData("{\"__type\":\"com.amazonaws.kinesis.v20131202#ExpiredIteratorException\",\"Message\":\"M\"}", null, "ExpiredIteratorException", "M")]
    // A ':' suffix as in the X-Amzn-ErrorType header.
    [InlineData("{\"__type\":\"aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/\"}", null, "FooError", null)]
    // "code" when there is no __type.
    [InlineData("{\"code\":\"ValidationException\",\"message\":\"bad\"}", null, "ValidationException", "bad")]
    // __type wins over code.
    [InlineData("{\"code\":\"Other\",\"__type\":\"Real\"}", null, "Real", null)]
    // The header when the body has no code.
    [InlineData("{\"message\":\"slow\"}", "ProvisionedThroughputExceededException:http://x/", "ProvisionedThroughputExceededException", "slow")]
    // Nested structures are skipped, not mistaken for the message.
    [InlineData("{\"Output\":{\"__type\":\"Inner\"},\"__type\":\"Outer\"}", null, "Outer", null)]
    public void Error_code_is_sanitized_and_message_read_from_either_casing(string body, string? header, string code, string? message)
    {
        var (parsedCode, parsedMessage) = AwsErrors.Parse(Encoding.UTF8.GetBytes(body), header, HttpStatusCode.BadRequest);
        Assert.Equal(code, parsedCode);
        Assert.Equal(message, parsedMessage);
    }

    [Fact]
    public void Any_body_and_header_yield_a_non_empty_code_without_throwing()
    {
        Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>(),
            ArbMap.Default.ArbFor<string>(),
            (body, header) =>
            {
                var (code, _) = AwsErrors.Parse(body ?? [], header, HttpStatusCode.InternalServerError);
                // Only the text before the first ':' is kept (a '#' may survive: only the first one is a prefix separator).
                return !string.IsNullOrWhiteSpace(code) && !code.Contains(':');
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Any_json_shaped_error_body_yields_a_code()
    {
        Prop.ForAll(
            ArbMap.Default.ArbFor<string>(),
            ArbMap.Default.ArbFor<string>(),
            (type, message) =>
            {
                var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                    new Dictionary<string, string?> { ["__type"] = type, ["message"] = message },
                    AwsTestsJsonContext.Default.DictionaryStringString);
                var (code, _) = AwsErrors.Parse(body, null, HttpStatusCode.BadRequest);
                return !string.IsNullOrWhiteSpace(code);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Credentials_never_print_the_secret_or_the_token()
    {
        var text = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "the-token").ToString();
        Assert.Contains("AKIDEXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalr", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-token", text, StringComparison.Ordinal);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class AwsTestsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
