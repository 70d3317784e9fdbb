namespace Gateway.Processing.Forwarding;

/// <summary>A circuit breaker's state.</summary>
public enum CircuitState
{
    /// <summary>Requests flow.</summary>
    Closed,

    /// <summary>The destination failed repeatedly: no requests until the cool-down ends.</summary>
    Open,

    /// <summary>The cool-down ended: one probe request decides between closed and open again.</summary>
    HalfOpen,
}

/// <summary>
/// One destination's breaker: after <see cref="FailureThreshold"/> failed attempts in a row it opens for a cool-down that
/// doubles, up to <see cref="MaxOpenTime"/>, each time a probe fails; a success closes it. While open, deliveries go
/// straight to the spill store instead of waiting on a dead endpoint. Thread-safe.
/// </summary>
public sealed class CircuitBreaker(TimeProvider? time = null, int failureThreshold = 5, TimeSpan? openTime = null, TimeSpan? maxOpenTime = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private int _failures;
    private TimeSpan _currentOpenTime = openTime ?? TimeSpan.FromSeconds(30);
    private DateTimeOffset _reopenAt;
    private bool _probing;
    private CircuitState _state;

    /// <summary>Failed attempts in a row that open the breaker.</summary>
    public int FailureThreshold { get; } = failureThreshold > 0 ? failureThreshold : throw new ArgumentOutOfRangeException(nameof(failureThreshold));

    /// <summary>The first cool-down.</summary>
    public TimeSpan OpenTime { get; } = openTime ?? TimeSpan.FromSeconds(30);

    /// <summary>The longest cool-down.</summary>
    public TimeSpan MaxOpenTime { get; } = maxOpenTime ?? TimeSpan.FromMinutes(5);

    /// <summary>The state now (an open breaker whose cool-down has ended reads half-open).</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state == CircuitState.Open && _time.GetUtcNow() >= _reopenAt ? CircuitState.HalfOpen : _state;
            }
        }
    }

    /// <summary>When an open breaker lets a probe through.</summary>
    public DateTimeOffset ReopenAt
    {
        get
        {
            lock (_gate)
            {
                return _reopenAt;
            }
        }
    }

    /// <summary>Whether a request may go now; in half-open state only one caller (the probe) gets true until it reports.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            switch (_state)
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open when _time.GetUtcNow() < _reopenAt:
                    return false;
                default:
                    if (_probing)
                    {
                        return false;
                    }

                    _state = CircuitState.HalfOpen;
                    _probing = true;
                    return true;
            }
        }
    }

    /// <summary>A request succeeded (or was answered with a client error: the destination is up).</summary>
    public void Success()
    {
        lock (_gate)
        {
            _state = CircuitState.Closed;
            _failures = 0;
            _probing = false;
            _currentOpenTime = OpenTime;
        }
    }

    /// <summary>A request failed in a way worth retrying (throttled, server error, timeout, network).</summary>
    public void Failure()
    {
        lock (_gate)
        {
            if (_state == CircuitState.HalfOpen)
            {
                // The probe failed: stay away longer.
                _currentOpenTime = TimeSpan.FromTicks(Math.Min(_currentOpenTime.Ticks * 2, MaxOpenTime.Ticks));
                Open();
                return;
            }

            if (_state == CircuitState.Closed && ++_failures >= FailureThreshold)
            {
                Open();
            }
        }
    }

    private void Open()
    {
        _state = CircuitState.Open;
        _probing = false;
        _failures = 0;
        _reopenAt = _time.GetUtcNow() + _currentOpenTime;
    }
}
