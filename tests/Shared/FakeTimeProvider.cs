namespace Gateway.Tests.Shared;

/// <summary>A clock that only moves when a test calls <see cref="Advance"/>; due timers fire synchronously inside it. Records every delay asked for.</summary>
internal sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private readonly List<TimeSpan> _scheduled = [];
    private readonly SemaphoreSlim _scheduledSignal = new(0);
    private TaskCompletionSource _timerPending = NewSignal();
    private DateTimeOffset _now = start;

    public FakeTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers currently waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>Every due time passed to a timer (Task.Delay on this clock), in order.</summary>
    public IReadOnlyList<TimeSpan> ScheduledDelays
    {
        get
        {
            lock (_gate)
            {
                return [.. _scheduled];
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes once some timer is waiting to fire.</summary>
    public Task TimerPendingAsync()
    {
        lock (_gate)
        {
            return _timers.Any(t => t.DueAt is not null) ? Task.CompletedTask : _timerPending.Task;
        }
    }

    /// <summary>Completes once code under test has scheduled a timer since the last call (e.g. started a Task.Delay on this clock).</summary>
    public Task TimerScheduledAsync() => _scheduledSignal.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(
        static t => Assert.True(t.Result, "no timer was scheduled on the fake clock"), TaskScheduler.Default);

    /// <summary>Forgets timers scheduled so far, so <see cref="TimerScheduledAsync"/> waits for the next one.</summary>
    public void ForgetScheduledTimers()
    {
        while (_scheduledSignal.Wait(0))
        {
        }
    }

    /// <summary>Runs <paramref name="work"/>, advancing the clock by <paramref name="step"/> whenever it waits on a timer, until it completes.</summary>
    public async Task<T> RunAsync<T>(Task<T> work, TimeSpan step)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, TimerPendingAsync()).WaitAsync(TimeSpan.FromSeconds(30));
            if (!work.IsCompleted)
            {
                Advance(step);
            }
        }

        return await work;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }

        while (true)
        {
            FakeTimer? due = null;
            lock (_gate)
            {
                foreach (var timer in _timers)
                {
                    if (timer.DueAt is { } at && at <= target && (due is null || at < due.DueAt))
                    {
                        due = timer;
                    }
                }

                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt!.Value;
                due.DueAt = due.Period is { } period ? _now + period : null;
            }

            due.Fire();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Schedule(FakeTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        TaskCompletionSource? signal = null;
        lock (_gate)
        {
            timer.DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
            timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            if (!_timers.Contains(timer))
            {
                _timers.Add(timer);
            }

            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _scheduled.Add(dueTime);
                signal = _timerPending;
                _timerPending = NewSignal();
            }
        }

        signal?.TrySetResult();
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _scheduledSignal.Release();
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan? Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            if (dueTime == TimeSpan.Zero && period == Timeout.InfiniteTimeSpan)
            {
                // Due now: a real one-shot timer fires at once without the clock moving, so this one does too.
                DueAt = null;
                Fire();
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
