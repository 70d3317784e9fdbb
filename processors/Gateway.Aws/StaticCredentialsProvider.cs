namespace Gateway.Aws;

/// <summary>Always returns the same credentials (tests, local Kinesis-API servers).</summary>
public sealed class StaticCredentialsProvider(AwsCredentials credentials) : IAwsCredentialsProvider
{
    private readonly AwsCredentials _credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));

    /// <inheritdoc/>
    public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_credentials);
}
