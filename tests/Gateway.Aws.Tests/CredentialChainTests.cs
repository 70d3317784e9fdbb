namespace Gateway.Aws.Tests;

/// <summary>The AWS SDK's chain behind our seam. Only environment variables are used, and instance metadata is switched off, so nothing leaves the machine.</summary>
public sealed class CredentialChainTests
{
    [Fact]
    public async Task Default_chain_takes_keys_token_and_region_from_the_environment()
    {
        using var environment = new EnvironmentScope(
            ("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
            ("AWS_SESSION_TOKEN", "env-token"),
            ("AWS_REGION", "ap-southeast-2"),
            ("AWS_EC2_METADATA_DISABLED", "true"));

        var credentials = await DefaultCredentialsProvider.Instance.GetCredentialsAsync();

        Assert.Equal("AKIAENVEXAMPLE", credentials.AccessKeyId);
        Assert.Equal("env-secret", credentials.SecretAccessKey);
        Assert.Equal("env-token", credentials.SessionToken);
        Assert.Equal("ap-southeast-2", AwsRegion.Resolve(null));
    }

    [Fact]
    public void A_configured_region_wins_over_the_chain()
    {
        Assert.Equal("eu-central-1", AwsRegion.Resolve(" eu-central-1 "));
    }

    [Fact]
    public void A_client_with_an_endpoint_override_still_signs_for_the_configured_region()
    {
        using var client = new KinesisClient(new KinesisClientOptions { Region = "eu-north-1", ServiceUrl = new Uri("http://127.0.0.1:4567") }, credentials: new StaticCredentialsProvider(Support.Some.Credentials));

        Assert.Equal("eu-north-1", client.Region);
        Assert.Equal(new Uri("http://127.0.0.1:4567/"), client.Endpoint);
    }

    /// <summary>Sets environment variables for one test and restores them afterwards.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly List<(string Name, string? Value)> _saved = [];

        public EnvironmentScope(params (string Name, string Value)[] variables)
        {
            foreach (var (name, value) in variables)
            {
                _saved.Add((name, Environment.GetEnvironmentVariable(name)));
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
