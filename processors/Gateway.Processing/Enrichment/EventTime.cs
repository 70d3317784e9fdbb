namespace Gateway.Processing.Enrichment;

/// <summary>Which clock <see cref="EventTime.Resolve"/> took <c>event_time</c> from.</summary>
public enum EventTimeSource
{
    /// <summary>The edge's log timestamp (no <c>ts</c>, or <c>ts</c> implausible).</summary>
    LogTimestamp,

    /// <summary>The client's <c>ts</c>, which fell inside the plausible window.</summary>
    ClientTimestamp,
}

/// <summary>How far the client's <c>ts</c> may sit from the log timestamp and still be believed.</summary>
/// <remarks>Default 24 h before (beacons queued offline or email opened later still carry a useful time) to 5 min after
/// (clock skew only: an event cannot reach the edge before it happened).</remarks>
public readonly record struct EventTimeWindow(TimeSpan MaxBefore, TimeSpan MaxAfter)
{
    /// <summary>24 hours before to 5 minutes after the log timestamp.</summary>
    public static EventTimeWindow Default { get; } = new(TimeSpan.FromHours(24), TimeSpan.FromMinutes(5));
}

/// <summary>The chosen event time, its source, and a note saying why.</summary>
public readonly record struct ResolvedEventTime(DateTimeOffset Time, EventTimeSource Source, string Note);

/// <summary>Picks <c>event_time</c> and derives the Hive partition keys from it.</summary>
public static class EventTime
{
    /// <summary><paramref name="clientUnixMs"/> when present and within <paramref name="window"/> of <paramref name="logTime"/>, else <paramref name="logTime"/>.</summary>
    public static ResolvedEventTime Resolve(long? clientUnixMs, DateTimeOffset logTime, EventTimeWindow window)
    {
        if (clientUnixMs is not { } ms)
        {
            return new(logTime, EventTimeSource.LogTimestamp, "event_time: log timestamp (no ts)");
        }

        var logMs = logTime.ToUnixTimeMilliseconds();
        // Compared as milliseconds so an absurd ts cannot overflow DateTimeOffset.
        if (ms >= logMs - (long)window.MaxBefore.TotalMilliseconds && ms <= logMs + (long)window.MaxAfter.TotalMilliseconds)
        {
            return new(DateTimeOffset.FromUnixTimeMilliseconds(ms), EventTimeSource.ClientTimestamp, "event_time: client ts");
        }

        return new(logTime, EventTimeSource.LogTimestamp, "event_time: log timestamp (ts outside the plausible window)");
    }

    /// <summary>Same as <see cref="Resolve(long?, DateTimeOffset, EventTimeWindow)"/> with <see cref="EventTimeWindow.Default"/>.</summary>
    public static ResolvedEventTime Resolve(long? clientUnixMs, DateTimeOffset logTime) => Resolve(clientUnixMs, logTime, EventTimeWindow.Default);
}
