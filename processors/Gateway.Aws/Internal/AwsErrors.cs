using System.Net;
using System.Text.Json;

namespace Gateway.Aws.Internal;

/// <summary>Reading AWS JSON error responses, and what each error code means for the caller.</summary>
internal static class AwsErrors
{
    private const int MaxQuotedBody = 200;

    /// <summary>
    /// The error code and message of a failed response. The code comes from <c>__type</c>, <c>code</c> or the
    /// X-Amzn-ErrorType header, cut at the first ':' and after the first '#' ("ns#Code:uri" → "Code"); the message from
    /// <c>message</c> or <c>Message</c>. Never throws: a body that is not JSON yields a code from the HTTP status.
    /// </summary>
    public static (string Code, string? Message) Parse(ReadOnlySpan<byte> body, string? errorTypeHeader, HttpStatusCode status)
    {
        string? code = null;
        string? message = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("__type"u8);
                    var isCode = reader.ValueTextEquals("code"u8) || reader.ValueTextEquals("Code"u8);
                    var isMessage = reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("Message"u8) || reader.ValueTextEquals("errorMessage"u8);
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (isType)
                        {
                            code = reader.GetString();
                        }
                        else if (isCode)
                        {
                            code ??= reader.GetString();
                        }
                        else if (isMessage)
                        {
                            message ??= reader.GetString();
                        }
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, a load balancer's plain text): fall back to the header and the status.
        }
        catch (InvalidOperationException)
        {
            // A truncated body that ends inside a value.
        }

        code = Sanitize(code) ?? Sanitize(errorTypeHeader);
        if (code is null)
        {
            code = status == HttpStatusCode.RequestEntityTooLarge ? "RequestEntityTooLarge" : $"Http{(int)status}";
            if (message is null && body.Length > 0)
            {
                var text = System.Text.Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxQuotedBody)]).ReplaceLineEndings(" ").Trim();
                message = text.Length == 0 ? null : $"response body: {text}";
            }
        }

        return (code, message);
    }

    /// <summary>"aws.protocoltests#FooError:http://internal.amazon.com/coral" → "FooError"; null or blank stays null.</summary>
    public static string? Sanitize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var code = raw.AsSpan();
        var colon = code.IndexOf(':');
        if (colon >= 0)
        {
            code = code[..colon];
        }

        var hash = code.IndexOf('#');
        if (hash >= 0)
        {
            code = code[(hash + 1)..];
        }

        code = code.Trim();
        return code.IsEmpty ? null : code.ToString();
    }

    /// <summary>Throttling and server faults: a later attempt may succeed.</summary>
    public static bool IsRetryable(string code, HttpStatusCode? status) =>
        code is "ProvisionedThroughputExceededException" or "LimitExceededException" or "ThrottlingException" or "Throttling"
            or "ThrottledException" or "RequestLimitExceeded" or "TooManyRequestsException" or "SlowDown"
            or "InternalFailure" or "InternalFailureException" or "InternalServerError" or "ServiceUnavailable"
            or "ServiceUnavailableException" or "RequestTimeout" or "RequestTimeoutException"
        || status is { } s && ((int)s >= 500 || s == HttpStatusCode.TooManyRequests);

    /// <summary>What a Kinesis caller should do about <paramref name="code"/>, naming <paramref name="streamName"/> where it helps.</summary>
    public static string? KinesisFix(string code, string operation, string? streamName, string region, Uri endpoint)
    {
        var stream = streamName is null ? "the stream" : $"stream '{streamName}'";
        return code switch
        {
            "ResourceNotFoundException" => operation is "GetRecords" or "GetShardIterator"
                ? $"{stream} or the shard does not exist in {region} at {endpoint}; check the stream name, shard id and region"
                : $"{stream} does not exist in {region} at {endpoint}; create it or check the name/region",
            "ResourceInUseException" => operation == "CreateStream"
                ? $"{stream} already exists; use it, or pick another name"
                : $"{stream} is not ACTIVE (being created, updated or deleted); wait until DescribeStreamSummary reports ACTIVE",
            "ProvisionedThroughputExceededException" => "a shard's limit was exceeded (writes: 1 MB/s or 1,000 records/s per shard; reads: 5 calls/s, 2 MB/s per shard); back off and retry, or add shards",
            "LimitExceededException" => "a control-plane rate or the account's shard limit was reached; slow down, or request a limit increase",
            "ExpiredIteratorException" => "the shard iterator is older than 5 minutes; call GetShardIterator again",
            "ExpiredNextTokenException" => "the ListShards NextToken is older than 5 minutes; list again from the start",
            "InvalidArgumentException" or "ValidationException" or "SerializationException" => "the request was rejected as invalid; the message names the field",
            "AccessDeniedException" => $"the credentials' IAM policy does not allow kinesis:{operation} on {stream}; grant it",
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException" or "InvalidClientTokenId" or "SignatureDoesNotMatch"
                => "the request's credentials or signature were not accepted; check AWS_PROFILE / AWS_ACCESS_KEY_ID, the secret key, the region and the clock",
            "ExpiredTokenException" or "ExpiredToken" => "the temporary credentials have expired; refresh them (e.g. 'aws sso login')",
            "KMSAccessDeniedException" or "KMSDisabledException" or "KMSInvalidStateException" or "KMSNotFoundException" or "KMSOptInRequired" or "KMSThrottlingException"
                => "the stream's KMS key is unusable for this caller; check the key's state and key policy",
            "InternalFailure" or "InternalFailureException" or "ServiceUnavailable" or "ServiceUnavailableException" => "a transient failure on the service side; retry with backoff",
            "RequestEntityTooLarge" => "the request body exceeds the service's size limit; send fewer or smaller records per call",
            _ => null,
        };
    }
}
