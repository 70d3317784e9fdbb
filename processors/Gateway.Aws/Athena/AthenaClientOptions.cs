namespace Gateway.Aws.Athena;

/// <summary>Where an <see cref="AthenaClient"/> sends its calls, and how <see cref="AthenaClient.RunQueryAsync(AthenaQuery, CancellationToken)"/> waits and pages.</summary>
public sealed record AthenaClientOptions
{
    /// <summary>The region to call and sign for; null takes it from the AWS SDK's chain (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; init; }

    /// <summary>An endpoint override (VPC endpoints, local fakes); null uses https://athena.{region}.amazonaws.com/.</summary>
    public Uri? ServiceUrl { get; init; }

    /// <summary>The wait before the second status poll; each later wait doubles, up to <see cref="MaxPollDelay"/>.</summary>
    /// <remarks>Short, because most small queries finish within a second; doubling keeps a long query from spending the account's GetQueryExecution rate.</remarks>
    public TimeSpan FirstPollDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between status polls.</summary>
    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows asked for per GetQueryResults page, 1..1,000.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Attempts per call inside RunQueryAsync when Athena throttles or fails transiently (1 = no retries).</summary>
    public int MaxAttempts { get; init; } = 3;
}
