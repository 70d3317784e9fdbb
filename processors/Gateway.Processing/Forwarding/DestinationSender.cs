namespace Gateway.Processing.Forwarding;

/// <summary>Retry, breaker and redrive settings of a <see cref="DestinationSender"/>.</summary>
public sealed record SenderOptions
{
    /// <summary>Attempts per request before its events are spilled (live) or left in the spill (redrive).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first backoff; each retry doubles it, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest backoff; a Retry-After beyond it spills instead of waiting.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed attempts in a row that open the breaker.</summary>
    public int BreakerThreshold { get; init; } = 5;

    /// <summary>The breaker's first cool-down.</summary>
    public TimeSpan BreakerOpenTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The breaker's longest cool-down.</summary>
    public TimeSpan BreakerMaxOpenTime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the redrive loop looks for spilled events while the breaker is closed.</summary>
    public TimeSpan RedriveInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>What became of deliveries.</summary>
/// <param name="Accepted">Accepted by the destination.</param>
/// <param name="DeadLettered">Rejected, stored in the dead-letter store with the destination's message.</param>
/// <param name="Spilled">Not sent yet (outage); in the spill store, or left there.</param>
/// <param name="Stale">Too old to send (Meta: 7 days); dropped and reported.</param>
public readonly record struct DeliveryCounts(int Accepted, int DeadLettered, int Spilled, int Stale)
{
    /// <summary>The sum of two counts.</summary>
    public static DeliveryCounts operator +(DeliveryCounts a, DeliveryCounts b) =>
        new(a.Accepted + b.Accepted, a.DeadLettered + b.DeadLettered, a.Spilled + b.Spilled, a.Stale + b.Stale);
}

/// <summary>
/// Sends one destination's deliveries: requests of at most <see cref="DestinationSettings.MaxBatchEvents"/> events per
/// target, retried with exponential backoff and jitter on throttling, server errors, timeouts and network failures,
/// behind a <see cref="CircuitBreaker"/>.
/// </summary>
/// <remarks>
/// <para>Every delivery ends in exactly one place before <see cref="DeliverAsync"/> returns: accepted; the dead-letter store
/// (a client error, with the destination's message; a request rejected for an invalid parameter is split in halves until
/// the events at fault are alone, so one bad event does not take the others with it); the spill store (retries used up
/// or the breaker open; <see cref="RunRedriveAsync"/> resends them when the destination answers again); or, for Meta,
/// dropped as stale when it is too old to send (checked before every attempt, so a retry never sends a request Meta
/// would refuse whole).</para>
/// <para>Meta deduplicates on event name and id, so a request resent after a lost answer does not double count.</para>
/// </remarks>
public sealed class DestinationSender
{
    private readonly IDestinationClient _client;
    private readonly IDeliveryStore _deadLetters;
    private readonly IDeliveryStore _spill;
    private readonly SenderOptions _options;
    private readonly ForwardMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _redriving = new(1, 1);

    /// <summary>A sender for <paramref name="settings"/> over <paramref name="client"/>.</summary>
    public DestinationSender(DestinationSettings settings, IDestinationClient client, IDeliveryStore deadLetters, IDeliveryStore spill, SenderOptions? options = null, ForwardMetrics? metrics = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(spill);
        Settings = settings;
        _client = client;
        _deadLetters = deadLetters;
        _spill = spill;
        _options = options ?? new SenderOptions();
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        Breaker = new CircuitBreaker(_time, _options.BreakerThreshold, _options.BreakerOpenTime, _options.BreakerMaxOpenTime);
    }

    /// <summary>The destination.</summary>
    public DestinationSettings Settings { get; }

    /// <summary>The destination's breaker.</summary>
    public CircuitBreaker Breaker { get; }

    /// <summary>Called for each delivery dropped as stale, with the reason; the shell writes it as a bad row.</summary>
    public Action<Delivery, string>? OnStale { get; init; }

    /// <summary>Sends <paramref name="deliveries"/>; returns once each is accepted, dead-lettered, spilled or dropped as stale.</summary>
    public async Task<DeliveryCounts> DeliverAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        var counts = default(DeliveryCounts);
        var spill = new List<Delivery>();
        foreach (var chunk in Chunks(deliveries))
        {
            var result = await SendAsync(chunk.Target, chunk.Items, _options.MaxAttempts, cancellationToken).ConfigureAwait(false);
            counts += await SettleAsync(result, cancellationToken).ConfigureAwait(false);
            spill.AddRange(result.Retry);
        }

        if (spill.Count > 0)
        {
            await _spill.AddAsync(spill, cancellationToken).ConfigureAwait(false);
            counts += new DeliveryCounts(0, 0, spill.Count, 0);
        }

        return counts;
    }

    /// <summary>
    /// Resends spilled batches, oldest first, while the breaker lets requests through; a batch that still fails stays
    /// (what was accepted or rejected meanwhile is taken out of it). Returns what became of the events it tried.
    /// </summary>
    public async Task<DeliveryCounts> RedriveAsync(CancellationToken cancellationToken = default)
    {
        await _redriving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var counts = default(DeliveryCounts);
            foreach (var batch in await _spill.ListAsync(Settings.Name, cancellationToken).ConfigureAwait(false))
            {
                if (Breaker.State == CircuitState.Open)
                {
                    break;
                }

                var (settled, stillFailing) = await ResendAsync(_spill, batch, attempts: 1, cancellationToken).ConfigureAwait(false);
                counts += settled;
                if (stillFailing)
                {
                    break;
                }
            }

            return counts;
        }
        finally
        {
            _redriving.Release();
        }
    }

    /// <summary>
    /// Resends a dead-lettered batch after a fix (<c>gateway dlq replay</c>): accepted events leave the store, rejected ones
    /// stay with the new message, and retriable failures stay as they were.
    /// </summary>
    public async Task<DeliveryCounts> ReplayAsync(StoredBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (counts, _) = await ResendAsync(_deadLetters, batch, _options.MaxAttempts, cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <summary>
    /// Redrives the spill whenever the breaker allows, until <paramref name="stop"/>: right away after a spill, at the end of
    /// each cool-down while the destination is down, and every <see cref="SenderOptions.RedriveInterval"/> otherwise.
    /// </summary>
    public async Task RunRedriveAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var wait = _options.RedriveInterval;
            try
            {
                if (Breaker.State == CircuitState.Open)
                {
                    var untilProbe = Breaker.ReopenAt - _time.GetUtcNow();
                    wait = untilProbe > TimeSpan.Zero ? untilProbe : TimeSpan.Zero;
                }
                else if ((await _spill.ListAsync(Settings.Name, stop).ConfigureAwait(false)).Count > 0)
                {
                    await RedriveAsync(stop).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The spill cannot be read or rewritten now (disk full, permissions); its files stay and the next round tries again.
                RedriveFailed?.Invoke(ex);
            }

            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Called when a redrive round fails on the store (the error only).</summary>
    public Action<Exception>? RedriveFailed { get; init; }

    private async Task<(DeliveryCounts Counts, bool StillFailing)> ResendAsync(IDeliveryStore store, StoredBatch batch, int attempts, CancellationToken cancellationToken)
    {
        var deliveries = await store.ReadAsync(batch, null, cancellationToken).ConfigureAwait(false);
        var counts = default(DeliveryCounts);
        var remaining = new List<Delivery>();
        var rejected = new List<Delivery>();
        var stillRejected = 0;
        foreach (var chunk in Chunks(deliveries))
        {
            var result = await SendAsync(chunk.Target, chunk.Items, attempts, cancellationToken).ConfigureAwait(false);
            counts += Count(result.Accepted, result.Stale);
            ReportStale(result.Stale);
            remaining.AddRange(result.Retry);
            if (ReferenceEquals(store, _deadLetters))
            {
                // Still rejected: it stays in the dead-letter store, with the new message.
                remaining.AddRange(result.Rejected);
                stillRejected += result.Rejected.Count;
            }
            else
            {
                rejected.AddRange(result.Rejected);
            }
        }

        if (rejected.Count > 0)
        {
            await _deadLetters.AddAsync(rejected, cancellationToken).ConfigureAwait(false);
            Failed(rejected);
        }

        await store.CompleteAsync(batch, remaining, cancellationToken).ConfigureAwait(false);
        return (counts + new DeliveryCounts(0, rejected.Count + stillRejected, remaining.Count - stillRejected, 0), remaining.Count > 0);
    }

    private async Task<DeliveryCounts> SettleAsync(ChunkResult result, CancellationToken cancellationToken)
    {
        ReportStale(result.Stale);
        if (result.Rejected.Count > 0)
        {
            await _deadLetters.AddAsync(result.Rejected, cancellationToken).ConfigureAwait(false);
            Failed(result.Rejected);
        }

        return Count(result.Accepted, result.Stale) + new DeliveryCounts(0, result.Rejected.Count, 0, 0);
    }

    private DeliveryCounts Count(List<Delivery> accepted, List<Delivery> stale)
    {
        foreach (var group in accepted.GroupBy(d => (d.PixelId, d.EventName)))
        {
            _metrics?.Forwarded(group.Key.PixelId, group.Key.EventName, Settings.Name, group.Count());
        }

        return new DeliveryCounts(accepted.Count, 0, 0, stale.Count);
    }

    private void Failed(List<Delivery> rejected)
    {
        foreach (var group in rejected.GroupBy(d => (d.PixelId, d.EventName)))
        {
            _metrics?.Failed(group.Key.PixelId, group.Key.EventName, Settings.Name, group.Count());
        }
    }

    private void ReportStale(List<Delivery> stale)
    {
        foreach (var delivery in stale)
        {
            _metrics?.Dropped(delivery.PixelId, delivery.EventName, DropReasons.Stale);
            OnStale?.Invoke(delivery, $"not sent to {Settings.Name}: event_time {delivery.EventTime:u} is too old for Meta (7 days)");
        }
    }

    private IEnumerable<(string Target, List<Delivery> Items)> Chunks(IReadOnlyList<Delivery> deliveries)
    {
        foreach (var group in deliveries.GroupBy(d => d.Target, StringComparer.Ordinal))
        {
            foreach (var chunk in group.Chunk(Settings.MaxBatchEvents))
            {
                yield return (group.Key, [.. chunk]);
            }
        }
    }

    // One request's events through retries, splitting on a per-event rejection; every event lands in exactly one list.
    private async Task<ChunkResult> SendAsync(string target, List<Delivery> items, int maxAttempts, CancellationToken cancellationToken)
    {
        var result = new ChunkResult();
        var pending = DropStale(items, result);
        var attempt = 0;
        while (pending.Count > 0)
        {
            if (!Breaker.TryAcquire())
            {
                result.Retry.AddRange(pending.Select(d => d with { LastError = $"{Settings.Name} is failing; sending paused until {Breaker.ReopenAt:u}" }));
                break;
            }

            attempt++;
            var sent = await _client.SendAsync(target, pending, cancellationToken).ConfigureAwait(false);
            var tried = pending.Select(d => d with { Attempts = d.Attempts + 1, LastError = sent.Outcome == SendOutcome.Accepted ? d.LastError : sent.Describe() }).ToList();
            switch (sent.Outcome)
            {
                case SendOutcome.Accepted:
                    Breaker.Success();
                    result.Accepted.AddRange(tried);
                    return result;
                case SendOutcome.Rejected when sent.PerEvent && tried.Count > 1:
                    Breaker.Success();
                    var half = tried.Count / 2;
                    result.Add(await SendAsync(target, tried[..half], maxAttempts, cancellationToken).ConfigureAwait(false));
                    result.Add(await SendAsync(target, tried[half..], maxAttempts, cancellationToken).ConfigureAwait(false));
                    return result;
                case SendOutcome.Rejected:
                    Breaker.Success();
                    result.Rejected.AddRange(tried);
                    return result;
            }

            Breaker.Failure();
            var delay = Backoff(attempt, sent.RetryAfter);
            if (attempt >= maxAttempts || delay is null)
            {
                result.Retry.AddRange(tried);
                return result;
            }

            await Task.Delay(delay.Value, _time, cancellationToken).ConfigureAwait(false);
            pending = DropStale(tried, result);
        }

        return result;
    }

    private List<Delivery> DropStale(List<Delivery> items, ChunkResult result)
    {
        if (Settings.Kind != DestinationKind.Meta)
        {
            return items;
        }

        var now = _time.GetUtcNow();
        var fresh = new List<Delivery>(items.Count);
        foreach (var delivery in items)
        {
            (MetaServerEvent.IsOutOfWindow(delivery.EventTime, now) ? result.Stale : fresh).Add(delivery);
        }

        return fresh;
    }

    // Exponential with "equal jitter" (half fixed, half random) so retries of many senders spread out but never collapse to
    // zero; the destination's Retry-After is a floor. Null when waiting would exceed MaxDelay: spill instead.
    private TimeSpan? Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = Math.Min(_options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxDelay.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
        if (retryAfter is { } floor)
        {
            if (floor > _options.MaxDelay)
            {
                return null;
            }

            jittered = floor > jittered ? floor : jittered;
        }

        return jittered;
    }

    private sealed class ChunkResult
    {
        public List<Delivery> Accepted { get; } = [];

        public List<Delivery> Rejected { get; } = [];

        public List<Delivery> Retry { get; } = [];

        public List<Delivery> Stale { get; } = [];

        public void Add(ChunkResult other)
        {
            Accepted.AddRange(other.Accepted);
            Rejected.AddRange(other.Rejected);
            Retry.AddRange(other.Retry);
            Stale.AddRange(other.Stale);
        }
    }
}
