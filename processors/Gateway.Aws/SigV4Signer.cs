using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Aws.Internal;

namespace Gateway.Aws;

/// <summary>A request as SigV4 sees it: method, path and query as sent, the headers to sign and the payload's SHA-256.</summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">The path as it appears in the request line (already percent-encoded by the client, or raw text); signing encodes it once more, as every service but S3 expects.</param>
/// <param name="Query">The query string without the leading <c>?</c>; empty when there is none.</param>
/// <param name="Headers">The headers to sign (Host included); repeated names are allowed. X-Amz-Date and X-Amz-Security-Token are added by the signer.</param>
/// <param name="PayloadHash">Lowercase hex SHA-256 of the body (<see cref="SigV4Signer.EmptyPayloadHash"/> for none).</param>
public sealed record SigV4Request(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string PayloadHash);

/// <summary>A SigV4 signature with every intermediate, so each step can be checked against AWS's published vectors.</summary>
/// <param name="AmzDate">The X-Amz-Date value, <c>yyyyMMdd'T'HHmmss'Z'</c>.</param>
/// <param name="Scope">The credential scope, <c>yyyyMMdd/region/service/aws4_request</c>.</param>
/// <param name="CanonicalRequest">The canonical request (six lines, no trailing newline).</param>
/// <param name="SignedHeaders">The lowercase signed header names joined with <c>;</c>.</param>
/// <param name="StringToSign">The four-line string to sign.</param>
/// <param name="Signature">Lowercase hex HMAC-SHA256 of the string to sign.</param>
/// <param name="Authorization">The full Authorization header value.</param>
public sealed record SigV4Signature(
    string AmzDate,
    string Scope,
    string CanonicalRequest,
    string SignedHeaders,
    string StringToSign,
    string Signature,
    string Authorization);

/// <summary>AWS Signature Version 4 (AWS4-HMAC-SHA256) for header-signed requests.</summary>
public static class SigV4Signer
{
    /// <summary>The algorithm name in the Authorization header and string to sign.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>SHA-256 of an empty payload.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const string AmzDateHeader = "x-amz-date";
    private const string SecurityTokenHeader = "x-amz-security-token";
    private const string Terminator = "aws4_request";

    /// <summary>Computes the signature of <paramref name="request"/> at <paramref name="signingTime"/>, adding x-amz-date (and x-amz-security-token for temporary credentials) to the signed headers.</summary>
    public static SigV4Signature Sign(SigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(service);

        var utc = signingTime.UtcDateTime;
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/{Terminator}";

        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count + 2);
        foreach (var header in request.Headers)
        {
            // The signer owns these two; a caller's stale copy must not be signed twice.
            if (!header.Key.Equals(AmzDateHeader, StringComparison.OrdinalIgnoreCase) && !header.Key.Equals(SecurityTokenHeader, StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(header);
            }
        }

        headers.Add(new(AmzDateHeader, amzDate));
        if (credentials.SessionToken is { } token)
        {
            headers.Add(new(SecurityTokenHeader, token));
        }

        var (canonicalHeaders, signedHeaders) = SigV4Canonical.Headers(headers);
        var canonicalRequest = string.Join(
            '\n',
            request.Method.ToUpperInvariant(),
            SigV4Canonical.Uri(request.Path),
            SigV4Canonical.QueryString(request.Query),
            canonicalHeaders,
            signedHeaders,
            request.PayloadHash);

        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";
        var key = DeriveSigningKey(credentials.SecretAccessKey, date, region, service);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(amzDate, scope, canonicalRequest, signedHeaders, stringToSign, signature, authorization);
    }

    /// <summary>
    /// Signs <paramref name="request"/> in place: signs Host, Content-Type and every X-Amz-* header already set, then
    /// sets X-Amz-Date, X-Amz-Security-Token (temporary credentials) and Authorization.
    /// </summary>
    /// <param name="request">The request; its content must be exactly <paramref name="payload"/>.</param>
    /// <param name="payload">The body bytes that will be sent.</param>
    /// <param name="credentials">The keys to sign with.</param>
    /// <param name="region">Signing region, e.g. <c>us-east-1</c>.</param>
    /// <param name="service">Signing name, e.g. <c>kinesis</c>.</param>
    /// <param name="signingTime">The time to sign for (from the caller's TimeProvider).</param>
    public static SigV4Signature SignRequest(HttpRequestMessage request, ReadOnlySpan<byte> payload, AwsCredentials credentials, string region, string service, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no RequestUri; SigV4 signs the host and path.", nameof(request));
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"SigV4 needs an absolute request URI to sign the Host header; got '{uri}'.", nameof(request));
        }

        // HttpClient sends Host as the URI's authority (the port only when it is not the scheme's default).
        var headers = new List<KeyValuePair<string, string>> { new("host", request.Headers.Host ?? uri.Authority) };
        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers.Add(new("content-type", contentType.ToString()));
        }

        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var value in header.Value)
                {
                    headers.Add(new(header.Key, value));
                }
            }
        }

        var signature = Sign(
            new SigV4Request(request.Method.Method, uri.AbsolutePath, uri.Query.TrimStart('?'), headers, HashPayload(payload)),
            credentials,
            region,
            service,
            signingTime);

        request.Headers.Remove("X-Amz-Date");
        request.Headers.Remove("X-Amz-Security-Token");
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        if (credentials.SessionToken is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        // Added without validation: the header parser would reformat the comma-separated credential parts.
        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return signature;
    }

    /// <summary>The signing key: HMAC chain over the date (<c>yyyyMMdd</c>), region, service and "aws4_request".</summary>
    public static byte[] DeriveSigningKey(string secretAccessKey, string date, string region, string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        ArgumentException.ThrowIfNullOrEmpty(date);
        var kDate = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        var kRegion = HMACSHA256.HashData(kDate, Encoding.UTF8.GetBytes(region));
        var kService = HMACSHA256.HashData(kRegion, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(kService, Encoding.UTF8.GetBytes(Terminator));
    }

    /// <summary>Lowercase hex SHA-256 of a payload.</summary>
    public static string HashPayload(ReadOnlySpan<byte> payload) => HexSha256(payload);

    private static string HexSha256(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }
}
