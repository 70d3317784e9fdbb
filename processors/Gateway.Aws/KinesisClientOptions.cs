namespace Gateway.Aws;

/// <summary>Where a <see cref="KinesisClient"/> sends its calls.</summary>
public sealed record KinesisClientOptions
{
    /// <summary>The region to call and sign for; null takes it from the AWS SDK's chain (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint override for Kinesis-API servers (kinesalite, LocalStack, VPC endpoints); null uses https://kinesis.{region}.amazonaws.com/.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>How often <see cref="KinesisClient.WaitForStreamActiveAsync"/> asks for the stream's status.</summary>
    public TimeSpan StatusPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
