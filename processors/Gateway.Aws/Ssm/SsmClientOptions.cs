namespace Gateway.Aws.Ssm;

/// <summary>Where an <see cref="SsmClient"/> sends its calls, and with what.</summary>
public sealed record SsmClientOptions
{
    /// <summary>The region to call and sign for; null takes it from the AWS SDK's chain (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint override (VPC endpoints, local fakes); null uses https://ssm.{region}.amazonaws.com/.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Sends the requests and stays the caller's to dispose; null makes the client create and dispose its own.</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>Signing credentials; null uses the AWS SDK's chain (env, profile, SSO, IMDS, the Lambda role).</summary>
    public IAwsCredentialsProvider? Credentials { get; init; }
}
