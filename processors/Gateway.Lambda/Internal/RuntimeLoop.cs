namespace Gateway.Lambda.Internal;

/// <summary>Fetches invocations one at a time, runs the handler, and posts its response or error.</summary>
internal sealed class RuntimeLoop
{
    // Lambda functions are at most 15 minutes long; a deadline further away than this is a missing or bogus header.
    private static readonly TimeSpan LongestDeadline = TimeSpan.FromDays(1);

    private readonly IRuntimeApiClient _client;
    private readonly ILambdaHandler _handler;
    private readonly IEnvironmentVariables _environment;
    private readonly TimeProvider _time;
    private readonly LambdaLogger _log;
    private readonly TimeSpan _reportMargin;

    public RuntimeLoop(IRuntimeApiClient client, ILambdaHandler handler, IEnvironmentVariables environment, TimeProvider time, LambdaLogger log, TimeSpan reportMargin)
    {
        _client = client;
        _handler = handler;
        _environment = environment;
        _time = time;
        _log = log;
        _reportMargin = reportMargin;
    }

    /// <summary>Serves invocations until <paramref name="cancellationToken"/> fires (OperationCanceledException) or the API fails.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await RunOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Serves one invocation.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var invocation = await _client.NextInvocationAsync(cancellationToken).ConfigureAwait(false);

        // Shutdown only interrupts the wait for an invocation, never the answer to one already received: Lambda
        // would otherwise wait for it until the deadline.
        await InvokeAsync(invocation).ConfigureAwait(false);
    }

    private async Task InvokeAsync(RuntimeInvocation invocation)
    {
        // The X-Ray SDK reads the trace header from this variable (runtimes-api, Next invocation).
        _environment.Set("_X_AMZN_TRACE_ID", invocation.TraceId);
        var log = _log.ForRequest(invocation.RequestId);
        var deadline = invocation.DeadlineMs is { } ms && ms >= 0 && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.MaxValue;
        if (deadline == DateTimeOffset.MaxValue)
        {
            log.Warn($"The invocation has no usable {RuntimeApiClient.DeadlineHeader} header; the handler runs without a deadline.");
        }

        var context = new LambdaContext(invocation.RequestId, deadline, _time, log, invocation.InvokedFunctionArn, invocation.TraceId);
        var budget = context.RemainingTime - _reportMargin;
        using var deadlineSource = budget > TimeSpan.Zero && budget < LongestDeadline
            ? new CancellationTokenSource(budget, _time)
            : new CancellationTokenSource();
        if (budget <= TimeSpan.Zero)
        {
            deadlineSource.Cancel();
        }

        var report = deadlineSource.IsCancellationRequested
            ? DeadlineExceeded(invocation.RequestId, $"The invocation arrived with {context.RemainingTime.TotalMilliseconds:0} ms left, within the {_reportMargin.TotalMilliseconds:0} ms kept for reporting; the handler did not run.", log)
            : await RunHandlerAsync(invocation, context, deadlineSource.Token, log).ConfigureAwait(false);
        var status = await _client.SendAsync(report, CancellationToken.None).ConfigureAwait(false);
        if (status == 413 && report.Kind == RuntimeReportKind.Response)
        {
            var message = $"The response of {report.Body.Length} bytes is larger than Lambda accepts (6 MB).";
            log.Error(message);
            status = await _client.SendAsync(
                RuntimeReport.InvocationError(invocation.RequestId, RuntimeError.Of(RuntimeError.ResponseTooLarge, message)),
                CancellationToken.None).ConfigureAwait(false);
        }

        if (status != 202)
        {
            // 400 (e.g. the invocation already timed out) and 403 concern this invocation only; the next one may work.
            log.Warn($"The Runtime API answered {status} to the {report}.");
        }
    }

    private async Task<RuntimeReport> RunHandlerAsync(RuntimeInvocation invocation, LambdaContext context, CancellationToken deadline, LambdaLogger log)
    {
        try
        {
            var response = await _handler.HandleAsync(invocation.Payload, context, deadline).ConfigureAwait(false);
            return RuntimeReport.Response(invocation.RequestId, response);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return DeadlineExceeded(
                invocation.RequestId,
                $"The handler was cancelled {_reportMargin.TotalMilliseconds:0} ms before the deadline ({context.Deadline:O}).",
                log);
        }
        catch (Exception e)
        {
            // Whatever the handler throws becomes this invocation's error; the loop goes on with the next one.
            log.Error($"The handler failed on an event of {invocation.Payload.Length} bytes", e);
            return RuntimeReport.InvocationError(invocation.RequestId, RuntimeError.FromException(RuntimeError.FunctionUnhandled, e));
        }
    }

    private static RuntimeReport DeadlineExceeded(string requestId, string message, LambdaLogger log)
    {
        log.Error(message);
        return RuntimeReport.InvocationError(requestId, RuntimeError.Of(RuntimeError.DeadlineExceeded, message));
    }
}
