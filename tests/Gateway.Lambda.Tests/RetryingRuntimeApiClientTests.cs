using Gateway.Lambda.Internal;
using Gateway.Lambda.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

public sealed class RetryingRuntimeApiClientTests
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)];

    [Fact]
    public async Task Transient_failures_are_retried_after_each_configured_delay()
    {
        var time = new FakeTimeProvider(Some.Now);
        var inner = new FailingClient(failures: 2, transient: true);
        var client = new RetryingRuntimeApiClient(inner, time, Delays, new LambdaLogger(TextWriter.Null, time));

        var next = client.NextInvocationAsync(CancellationToken.None);
        await AdvanceUntilDoneAsync(time, next);

        Assert.Equal("req-1", (await next).RequestId);
        Assert.Equal(3, inner.Calls);
        Assert.Equal(Delays[..2], time.ScheduledDelays);
    }

    [Fact]
    public async Task Failure_that_is_not_transient_is_not_retried()
    {
        var time = new FakeTimeProvider(Some.Now);
        var inner = new FailingClient(failures: 1, transient: false);
        var client = new RetryingRuntimeApiClient(inner, time, Delays, new LambdaLogger(TextWriter.Null, time));

        await Assert.ThrowsAsync<RuntimeApiException>(() => client.SendAsync(RuntimeReport.Response("req-1", "{}"u8.ToArray()), CancellationToken.None));

        Assert.Equal(1, inner.Calls);
        Assert.Empty(time.ScheduledDelays);
    }

    [Fact]
    public async Task Gives_up_after_the_last_delay()
    {
        var time = new FakeTimeProvider(Some.Now);
        var inner = new FailingClient(failures: int.MaxValue, transient: true);
        var client = new RetryingRuntimeApiClient(inner, time, Delays, new LambdaLogger(TextWriter.Null, time));

        var next = client.NextInvocationAsync(CancellationToken.None);
        await AdvanceUntilDoneAsync(time, next);

        await Assert.ThrowsAsync<RuntimeApiException>(() => next);
        Assert.Equal(4, inner.Calls);
        Assert.Equal(Delays, time.ScheduledDelays);
    }

    [Fact]
    public async Task Shutdown_during_a_retry_delay_stops_at_once()
    {
        var time = new FakeTimeProvider(Some.Now);
        var inner = new FailingClient(failures: int.MaxValue, transient: true);
        var client = new RetryingRuntimeApiClient(inner, time, Delays, new LambdaLogger(TextWriter.Null, time));
        using var stop = new CancellationTokenSource();

        var next = client.NextInvocationAsync(stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        Assert.Equal(1, inner.Calls);
    }

    /// <summary>Fires each retry delay's timer as soon as the client has scheduled it.</summary>
    private static async Task AdvanceUntilDoneAsync(FakeTimeProvider time, Task task)
    {
        var limit = DateTime.UtcNow.AddSeconds(10);
        while (!task.IsCompleted && DateTime.UtcNow < limit)
        {
            if (time.PendingTimers > 0)
            {
                time.Advance(TimeSpan.FromSeconds(2));
            }

            await Task.Yield();
        }

        Assert.True(task.IsCompleted, "the retrying client did not finish");
    }

    /// <summary>Fails the first calls with a transient or fatal RuntimeApiException, then succeeds.</summary>
    private sealed class FailingClient(int failures, bool transient) : IRuntimeApiClient
    {
        public int Calls { get; private set; }

        public Task<RuntimeInvocation> NextInvocationAsync(CancellationToken cancellationToken) =>
            ++Calls <= failures
                ? Task.FromException<RuntimeInvocation>(new RuntimeApiException("connection refused", transient))
                : Task.FromResult(new RuntimeInvocation("req-1", null, "", null, []));

        public Task<int> SendAsync(RuntimeReport report, CancellationToken cancellationToken) =>
            ++Calls <= failures ? Task.FromException<int>(new RuntimeApiException("500", transient)) : Task.FromResult(202);
    }
}
