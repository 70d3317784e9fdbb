namespace Gateway.Aws.S3;

/// <summary>Where an <see cref="S3ObjectStore"/> sends its calls and how it splits large uploads.</summary>
public sealed record S3ObjectStoreOptions
{
    /// <summary>S3's smallest part of a multipart upload (every part but the last).</summary>
    public const long MinPartBytes = 5L << 20;

    /// <summary>S3's most parts in one multipart upload.</summary>
    public const int MaxParts = 10_000;

    /// <summary>The region to call and sign for; null takes it from the AWS SDK's chain, or us-east-1 with a <see cref="ServiceUrl"/>.</summary>
    public string? Region { get; init; }

    /// <summary>An S3-API server (s3rver, MinIO, LocalStack, a VPC endpoint); null uses AWS's endpoint for the region.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>Path-style addressing (<c>http://host/bucket/key</c>); null means "with a <see cref="ServiceUrl"/>", which local servers need.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>Files of at least this many bytes go up as multipart uploads; smaller ones in one PutObject.</summary>
    /// <remarks>Default 16 MiB, the lake's default buffer size, so its usual files go up in one request (the AWS CLI's threshold is 8 MiB).</remarks>
    public long MultipartThresholdBytes { get; init; } = 16L << 20;

    /// <summary>Size of each part but the last; at least <see cref="MinPartBytes"/>, raised when a file would need more than <see cref="MaxParts"/> parts.</summary>
    public long PartBytes { get; init; } = 8L << 20;

    /// <summary>Parts uploaded at once.</summary>
    public int MaxConcurrentParts { get; init; } = 4;

    /// <summary>Timeout of one HTTP request (one part, or one whole PutObject).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries of a throttled or failed request inside the SDK (its default is 4 with the standard mode).</summary>
    public int MaxErrorRetry { get; init; } = 4;

    /// <summary>Replaces the SDK's HTTP handler (tests: recording or failing requests).</summary>
    internal HttpMessageHandler? Handler { get; init; }
}
