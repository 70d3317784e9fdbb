namespace Gateway.Lambda;

/// <summary>One Lambda function behind the bootstrap: raw event JSON in, response JSON out.</summary>
/// <remarks>
/// Handlers stay thin: decode the event, call a library in <c>processors/</c>, encode the response. An exception
/// that escapes is reported to Lambda as an invocation error; the bootstrap keeps serving the next invocation.
/// </remarks>
public interface ILambdaHandler
{
    /// <summary>Handles one invocation; <paramref name="cancellationToken"/> fires shortly before the deadline.</summary>
    ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken);
}
