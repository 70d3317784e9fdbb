namespace Gateway.Aws;

/// <summary>Supplies the credentials to sign the next request with (the seam tests use to inject static keys).</summary>
public interface IAwsCredentialsProvider
{
    /// <summary>Current credentials; providers of temporary credentials refresh them before they expire.</summary>
    ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}
