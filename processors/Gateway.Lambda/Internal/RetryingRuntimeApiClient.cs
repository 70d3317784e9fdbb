namespace Gateway.Lambda.Internal;

/// <summary>Retries transient Runtime API failures (refused or reset connections, 429/502/503/504) after short delays.</summary>
/// <remarks>
/// The Runtime API is local to the execution environment, so failures are rare and short; a few quick retries ride
/// them out, and anything longer ends the process so Lambda replaces the environment.
/// </remarks>
internal sealed class RetryingRuntimeApiClient : IRuntimeApiClient
{
    private readonly IRuntimeApiClient _inner;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<TimeSpan> _delays;
    private readonly LambdaLogger _log;

    public RetryingRuntimeApiClient(IRuntimeApiClient inner, TimeProvider time, IReadOnlyList<TimeSpan> delays, LambdaLogger log)
    {
        _inner = inner;
        _time = time;
        _delays = delays;
        _log = log;
    }

    public Task<RuntimeInvocation> NextInvocationAsync(CancellationToken cancellationToken) =>
        RetryAsync(static (inner, _, token) => inner.NextInvocationAsync(token), null, "GET next invocation", cancellationToken);

    public Task<int> SendAsync(RuntimeReport report, CancellationToken cancellationToken) =>
        RetryAsync(static (inner, report, token) => inner.SendAsync(report!, token), report, $"POST {report}", cancellationToken);

    private async Task<T> RetryAsync<T>(
        Func<IRuntimeApiClient, RuntimeReport?, CancellationToken, Task<T>> call,
        RuntimeReport? report,
        string what,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call(_inner, report, cancellationToken).ConfigureAwait(false);
            }
            catch (RuntimeApiException e) when (e.IsTransient && attempt < _delays.Count && !cancellationToken.IsCancellationRequested)
            {
                _log.Warn($"{what} failed ({e.Message}); retry {attempt + 1} of {_delays.Count} in {_delays[attempt].TotalMilliseconds:0} ms.");
            }

            await Task.Delay(_delays[attempt], _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
