namespace Gateway.Aws.Glue;

/// <summary>Where a <see cref="GlueClient"/> sends its calls.</summary>
public sealed record GlueClientOptions
{
    /// <summary>The region to call and sign for; null takes it from the AWS SDK's chain (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint override (VPC endpoints, local fakes); null uses https://glue.{region}.amazonaws.com/.</summary>
    public Uri? ServiceUrl { get; init; }
}
