namespace Gateway.Lambda.Internal;

/// <summary>Tuning of the runtime loop; production uses <see cref="Default"/>, tests shorten the delays.</summary>
internal sealed record RuntimeOptions(IReadOnlyList<TimeSpan> RetryDelays, TimeSpan ReportMargin)
{
    /// <summary>Three retries within about 2.6 s; the handler is cancelled 250 ms before the deadline.</summary>
    /// <remarks>
    /// At the deadline Lambda stops the environment and records a timeout without the handler's error; cancelling a
    /// little earlier leaves time to post a <c>Runtime.DeadlineExceeded</c> error that says where the time went.
    /// </remarks>
    public static RuntimeOptions Default { get; } = new(
        [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)],
        TimeSpan.FromMilliseconds(250));
}
