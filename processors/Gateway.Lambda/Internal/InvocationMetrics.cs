using Gateway.Processing.Metrics;

namespace Gateway.Lambda.Internal;

/// <summary>Starts an invocation's <see cref="GatewayMetricSet"/>, named after the function that was invoked.</summary>
internal static class InvocationMetrics
{
    /// <summary>An empty set for <paramref name="handler"/>, dated now, with the invocation's request id as a property.</summary>
    public static GatewayMetricSet Start(string handler, LambdaContext context, TimeProvider time, IEnumerable<string>? pixels = null, IEnumerable<string>? destinations = null) =>
        new GatewayMetricSet(handler, FunctionName(context.InvokedFunctionArn, handler), time.GetUtcNow(), pixels, destinations)
            .SetProperty("RequestId", context.AwsRequestId);

    /// <summary>
    /// The function's name from its ARN (<c>arn:aws:lambda:region:account:function:name[:qualifier]</c>), without the
    /// version or alias, as AWS/Lambda's FunctionName dimension has it; <paramref name="fallback"/> without an ARN.
    /// </summary>
    public static string FunctionName(string? functionArn, string fallback)
    {
        var parts = functionArn?.Split(':');
        return parts is { Length: >= 7 } && parts[5] == "function" && parts[6].Length > 0 ? parts[6] : fallback;
    }
}
