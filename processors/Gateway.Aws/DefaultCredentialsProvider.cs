using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Gateway.Aws;

/// <summary>The AWS SDK's default credential chain: environment, shared profile (incl. SSO), web identity, container and EC2 instance metadata.</summary>
/// <remarks>The SDK caches and refreshes temporary credentials, so calling this before every request is cheap.</remarks>
public sealed class DefaultCredentialsProvider : IAwsCredentialsProvider
{
    /// <summary>The shared instance; the SDK keeps its own cache, so one is enough per process.</summary>
    public static DefaultCredentialsProvider Instance { get; } = new();

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">No source in the chain has credentials.</exception>
    public async ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        ImmutableCredentials resolved;
        try
        {
            var source = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync().ConfigureAwait(false);
            resolved = await source.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw new InvalidOperationException(
                "No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE naming a profile in ~/.aws/config "
                + "(run 'aws sso login' for SSO profiles), or run where an instance, container or web-identity role is available. "
                + $"The SDK said: {e.Message}",
                e);
        }

        return new AwsCredentials(resolved.AccessKey, resolved.SecretKey, resolved.UseToken ? resolved.Token : null);
    }
}
