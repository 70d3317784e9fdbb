namespace Gateway.Lambda;

/// <summary>What a handler knows about the invocation it is serving.</summary>
public sealed class LambdaContext
{
    private readonly TimeProvider _time;

    /// <summary>Creates a context; the runtime loop fills it from the Runtime API's next-invocation headers.</summary>
    public LambdaContext(
        string awsRequestId,
        DateTimeOffset deadline,
        TimeProvider time,
        LambdaLogger logger,
        string invokedFunctionArn = "",
        string? traceId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(awsRequestId);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        AwsRequestId = awsRequestId;
        Deadline = deadline;
        _time = time;
        Logger = logger;
        InvokedFunctionArn = invokedFunctionArn;
        TraceId = traceId;
    }

    /// <summary>The request id (<c>Lambda-Runtime-Aws-Request-Id</c>).</summary>
    public string AwsRequestId { get; }

    /// <summary>The function, version or alias ARN that was invoked (<c>Lambda-Runtime-Invoked-Function-Arn</c>).</summary>
    public string InvokedFunctionArn { get; }

    /// <summary>The X-Ray tracing header (<c>Lambda-Runtime-Trace-Id</c>), also set as <c>_X_AMZN_TRACE_ID</c>.</summary>
    public string? TraceId { get; }

    /// <summary>When Lambda stops the function (<c>Lambda-Runtime-Deadline-Ms</c>).</summary>
    public DateTimeOffset Deadline { get; }

    /// <summary>Time left until <see cref="Deadline"/>, never negative.</summary>
    public TimeSpan RemainingTime
    {
        get
        {
            var remaining = Deadline - _time.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    /// <summary>Writes to the function's log, tagged with this request id.</summary>
    public LambdaLogger Logger { get; }
}
