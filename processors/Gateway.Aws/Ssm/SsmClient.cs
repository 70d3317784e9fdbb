using System.Net;
using Gateway.Aws.Internal;

namespace Gateway.Aws.Ssm;

/// <summary>An AWS Systems Manager Parameter Store client over the AWS JSON 1.1 protocol; reads one parameter at a time.</summary>
/// <remarks>Each call is one API call without retries. No value read ever goes into an exception message.</remarks>
public sealed class SsmClient : IDisposable
{
    /// <summary>The SigV4 service name.</summary>
    public const string SigningName = "ssm";

    /// <summary>The X-Amz-Target prefix.</summary>
    public const string TargetPrefix = "AmazonSSM";

    private const string ServiceName = "SSM";
    private const string GetParameterOperation = "GetParameter";

    private readonly AwsJsonClient _json;
    private readonly HttpClient? _ownedHttp;

    /// <summary>Creates a client; without <see cref="SsmClientOptions.HttpClient"/> it owns one, without <see cref="SsmClientOptions.Credentials"/> it uses the AWS SDK's default chain.</summary>
    /// <param name="options">Region, endpoint, HttpClient and credentials; null takes all of them from the environment.</param>
    /// <param name="time">The signing clock.</param>
    /// <exception cref="ArgumentException"><see cref="SsmClientOptions.ServiceUrl"/> is relative.</exception>
    public SsmClient(SsmClientOptions? options = null, TimeProvider? time = null)
    {
        options ??= new SsmClientOptions();
        _json = AwsJsonClient.Create(
            new AwsServiceName(ServiceName, SigningName, TargetPrefix, nameof(SsmClientOptions)),
            options.Region,
            options.ServiceUrl,
            options.HttpClient,
            options.Credentials,
            time ?? TimeProvider.System,
            (region, endpoint) => (code, operation, resource) => SsmErrors.Fix(code, operation, resource, region, endpoint),
            out _ownedHttp);
    }

    /// <summary>The URL every call is sent to.</summary>
    public Uri Endpoint => _json.Endpoint;

    /// <summary>The region requests are signed for.</summary>
    public string Region => _json.Region;

    /// <summary>https://ssm.{region}.amazonaws.com/ (amazonaws.com.cn in the China regions).</summary>
    public static Uri DefaultEndpoint(string region) => AwsJsonClient.DefaultEndpoint(SigningName, region);

    /// <summary>Reads parameter <paramref name="name"/> (a name, an ARN, either with a <c>:version</c> or <c>:label</c> selector).</summary>
    /// <param name="name">The parameter to read.</param>
    /// <param name="withDecryption">Decrypt a SecureString (needs kms:Decrypt on its key); false returns its ciphertext. String and StringList ignore it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="AwsServiceException">
    /// SSM refused: ParameterNotFound, ParameterVersionNotFound, InvalidKeyId, AccessDeniedException, ThrottlingException …;
    /// the message names the parameter and the fix. MalformedResponse when the answer lacks a member the parameter needs.
    /// </exception>
    /// <exception cref="HttpRequestException">SSM could not be reached.</exception>
    public async Task<SsmParameter> GetParameterAsync(string name, bool withDecryption = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var response = await _json.InvokeAsync(
            GetParameterOperation,
            new SsmGetParameterRequest(name, withDecryption),
            SsmJsonContext.Default.SsmGetParameterRequest,
            SsmJsonContext.Default.SsmGetParameterResponse,
            name,
            cancellationToken).ConfigureAwait(false);

        if (response.Parameter is { Name: { } parameterName, Type: { } type, Value: { } value, Version: { } version } parameter)
        {
            return new SsmParameter(parameterName, type, value, version, parameter.LastModifiedDate, parameter.Arn);
        }

        var missing = response.Parameter switch
        {
            null => "Parameter",
            { Name: null } => "Parameter.Name",
            { Type: null } => "Parameter.Type",
            { Value: null } => "Parameter.Value",
            _ => "Parameter.Version",
        };

        // Names the missing member only: the rest of the body may hold the value.
        throw new AwsServiceException(
            ServiceName,
            GetParameterOperation,
            "MalformedResponse",
            $"the answer for '{name}' has no {missing}",
            HttpStatusCode.OK,
            $"{Endpoint} answered with a body this client cannot read; check that the endpoint speaks the SSM API");
    }

    /// <summary>Disposes the HttpClient this client created, if any.</summary>
    public void Dispose() => _ownedHttp?.Dispose();
}
