namespace Gateway.Lambda.Internal;

/// <summary>One invocation as the Runtime API's <c>/runtime/invocation/next</c> delivered it.</summary>
internal sealed record RuntimeInvocation(
    string RequestId,
    long? DeadlineMs,
    string InvokedFunctionArn,
    string? TraceId,
    byte[] Payload);
