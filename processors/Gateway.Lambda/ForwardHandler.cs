using System.Globalization;
using Gateway.Lambda.Internal;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Processing.Metrics;

namespace Gateway.Lambda;

/// <summary>Timing of the forward handler's retries through the stream and of its redrive.</summary>
public sealed record ForwardHandlerOptions
{
    /// <summary>
    /// How long a record is retried through the stream (partial batch responses) before its undelivered events are stored
    /// in the S3 spill so the shard moves on; keep it well under the stream's retention. Default one hour.
    /// </summary>
    public TimeSpan MaxRetryAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often an instance looks for spilled events to resend. Default one minute.</summary>
    public TimeSpan RedriveInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The most time one invocation spends resending spilled events. Default 30 seconds.</summary>
    public TimeSpan MaxRedriveTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest wait before answering a retry while a destination's breaker is open, so Lambda's immediate re-invocations
    /// do not spin against a destination that is down. Default 10 seconds.
    /// </summary>
    public TimeSpan MaxRetryPause { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time kept free before the invocation's deadline. Default 5 seconds.</summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The senders' retry and breaker settings.</summary>
    public SenderOptions Sender { get; init; } = new();
}

/// <summary>
/// <c>forward</c>: a batch of the aggregated stream → its real-time log lines (KPL de-aggregation) → enriched events and
/// their transient hit fields → the destinations of the control plane (<see cref="ForwardControl"/>): Meta's Conversions
/// API and webhooks, through the same <see cref="Forwarder"/> as the local pipeline.
/// </summary>
/// <remarks>
/// <para>Every event of the batch ends in one of these places before the invocation returns: accepted by its
/// destinations; the S3 dead-letter store (rejected, with the destination's message; <c>gateway dlq replay</c> resends it);
/// dropped by a rule (counted); a bad row in S3 (too old for Meta, or incomplete); or not delivered yet. For the last,
/// the response names the first record holding such an event (a partial batch response), so Lambda retries from there
/// and nothing is lost; records before it are done. Once that record is older than
/// <see cref="ForwardHandlerOptions.MaxRetryAge"/>, its undelivered events go to the S3 spill instead and the batch
/// succeeds, so a destination that stays down never blocks the shard for long. An instance resends the spill, at most
/// every <see cref="ForwardHandlerOptions.RedriveInterval"/>, after a batch that went through.</para>
/// <para>Event ids that reached a final place are remembered (<see cref="EventIdDeduplicator"/>), so a retried batch
/// resends only what was not delivered, and repeats of an event id within the window are forwarded once. Meta deduplicates
/// on event name and id, so what an instance resends after a crash does not double count.</para>
/// <para>Nothing about an event is logged: the log carries counts and destination names only.</para>
/// </remarks>
public sealed partial class ForwardHandler : JsonLambdaHandler<KinesisEvent, StreamsEventResponse>, IAsyncDisposable
{
    private readonly EventEnricher _enricher;
    private readonly EventIdDeduplicator _deduplicator;
    private readonly ForwardControl _control;
    private readonly HttpClient _http;
    private readonly IDeliveryStore _deadLetters;
    private readonly HeldSpill _spill;
    private readonly Func<IReadOnlyList<BadRow>, CancellationToken, Task> _writeBadRows;
    private readonly ForwardHandlerOptions _options;
    private readonly TimeProvider _time;
    private readonly List<BadRow> _badRows = [];
    // What the long-lived senders accept, dead-letter and drop, counted across invocations; each invocation's metrics are
    // the difference of two snapshots. An hour of retention bounds it to two or three hourly buckets.
    private readonly ForwardMetrics _sent;
    // The senders' counts when the last metrics were written: what an invocation that failed midway sent is counted by the next.
    private SentCounts _sentWritten;
    private ForwardControlState? _state;
    private ForwardDestinations? _destinations;
    private DateTimeOffset _redriveDue;

    /// <summary>Creates the handler; <paramref name="enricher"/> must have no deduplicator of its own (<paramref name="deduplicator"/> remembers ids only for events that reached a final place).</summary>
    /// <param name="enricher">Enriches each line.</param>
    /// <param name="deduplicator">Remembers forwarded event ids across invocations.</param>
    /// <param name="control">The settings and secrets.</param>
    /// <param name="http">Sends to every destination; the caller's.</param>
    /// <param name="deadLetters">Where rejected events are stored.</param>
    /// <param name="spill">Where events too old to keep retrying through the stream wait for their destination.</param>
    /// <param name="writeBadRows">Stores bad rows of stage <c>forward</c>; a failure fails the invocation (retried).</param>
    /// <param name="options">Timing; null for the defaults.</param>
    /// <param name="time">The clock.</param>
    public ForwardHandler(EventEnricher enricher, EventIdDeduplicator deduplicator, ForwardControl control, HttpClient http, IDeliveryStore deadLetters, IDeliveryStore spill, Func<IReadOnlyList<BadRow>, CancellationToken, Task> writeBadRows, ForwardHandlerOptions? options, TimeProvider time)
        : base(LambdaJsonContext.Default.KinesisEvent, LambdaJsonContext.Default.StreamsEventResponse)
    {
        ArgumentNullException.ThrowIfNull(enricher);
        ArgumentNullException.ThrowIfNull(deduplicator);
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(spill);
        ArgumentNullException.ThrowIfNull(writeBadRows);
        ArgumentNullException.ThrowIfNull(time);
        if (enricher.Options.Deduplicator is not null)
        {
            throw new ArgumentException("The enricher has its own deduplicator; build it without one and pass the deduplicator to the handler.", nameof(enricher));
        }

        _enricher = enricher;
        _deduplicator = deduplicator;
        _control = control;
        _http = http;
        _deadLetters = deadLetters;
        _spill = new HeldSpill(spill);
        _writeBadRows = writeBadRows;
        _options = options ?? new ForwardHandlerOptions();
        _time = time;
        _sent = new ForwardMetrics(time, new ForwardMetricsOptions { Retention = TimeSpan.FromHours(1) });
        _sentWritten = SentCounts.Take(_sent);
    }

    /// <summary>The live senders (null before the first invocation).</summary>
    public ForwardDestinations? Destinations => _destinations;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_destinations is not null)
        {
            await _destinations.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<StreamsEventResponse> HandleEventAsync(KinesisEvent @event, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(context);
        var records = @event.Records;
        var state = await _control.GetAsync(context.Logger, cancellationToken).ConfigureAwait(false);
        var destinations = await DestinationsForAsync(state).ConfigureAwait(false);
        // Counts of this invocation only, for its log line (the senders' own counts are the responses' tallies).
        var metrics = new ForwardMetrics(_time);
        var forwarder = new Forwarder(() => state.Router, destinations, metrics, _time) { OnProblem = p => Report(p.ToBadRow(_time.GetUtcNow())) };

        var (items, recordOf, repeats) = Read(records);
        _spill.Take();
        var carried = PendingBadRows();
        var counts = await forwarder.ForwardAsync(items, cancellationToken).ConfigureAwait(false);
        var held = _spill.Take();
        try
        {
            await FlushBadRowsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // This batch's rows come back when Lambda retries it; only rows a redrive reported stay pending.
            DropBadRowsAfter(carried);
            throw;
        }

        int? retryFrom = null;
        var stored = 0;
        if (held.Count > 0)
        {
            // Every held event came from this batch; were one not found, retrying the whole batch is the safe answer.
            var first = held.Min(d => recordOf.TryGetValue(d.EventId, out var index) ? index : 0);
            var age = _time.GetUtcNow() - records[first].Kinesis.ApproximateArrivalTimestamp;
            if (age >= _options.MaxRetryAge)
            {
                foreach (var group in held.GroupBy(d => d.Destination, StringComparer.Ordinal))
                {
                    await _spill.Store.AddAsync([.. group], cancellationToken).ConfigureAwait(false);
                }

                stored = held.Count;
            }
            else
            {
                retryFrom = first;
            }
        }

        // Remembered: every event that reached a final place. A retry from retryFrom then resends only the rest.
        var undelivered = retryFrom is null ? null : held.Select(d => d.EventId).ToHashSet(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (undelivered is null || !undelivered.Contains(item.Row.EventId))
            {
                _deduplicator.TryAdd(item.Row.EventId);
            }
        }

        var dropped = Dropped(metrics);
        Log(context.Logger, records.Count, items.Count, repeats, counts, dropped, held, stored, retryFrom);
        var outcome = new Outcome(records.Count, items.Count, repeats, dropped, held, stored, retryFrom is not null);
        if (retryFrom is { } from)
        {
            await PauseWhileBreakersAreOpenAsync(destinations, context, cancellationToken).ConfigureAwait(false);
            context.Logger.Metrics(Metrics(context, state, outcome));
            return StreamsEventResponse.RetryFrom(records, from);
        }

        await RedriveAsync(destinations, context, cancellationToken).ConfigureAwait(false);
        context.Logger.Metrics(Metrics(context, state, outcome));
        return StreamsEventResponse.Success();
    }

    private (List<ForwardItem> Items, Dictionary<string, int> RecordOf, int Repeats) Read(IReadOnlyList<KinesisEventRecord> records)
    {
        var items = new List<ForwardItem>();
        var recordOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var repeats = 0;
        for (var index = 0; index < records.Count; index++)
        {
            var record = records[index].Kinesis;
            var arrival = record.ApproximateArrivalTimestamp == default ? _time.GetUtcNow() : record.ApproximateArrivalTimestamp;
            var at = index;
            Forwarder.ReadRecord(_enricher, record.Data.Span, record.PartitionKey, arrival, item =>
            {
                if (_deduplicator.Contains(item.Row.EventId) || !recordOf.TryAdd(item.Row.EventId, at))
                {
                    repeats++;
                    return;
                }

                items.Add(item);
            });
        }

        return (items, recordOf, repeats);
    }

    private async ValueTask<ForwardDestinations> DestinationsForAsync(ForwardControlState state)
    {
        if (_destinations is not null && ReferenceEquals(state, _state))
        {
            return _destinations;
        }

        if (_destinations is null || state.SecretsDifferFrom(_state))
        {
            // A new or rotated secret: senders are rebuilt with it (their breakers start closed).
            var previous = _destinations;
            _destinations = new ForwardDestinations(_http, _deadLetters, _spill, state.Secret, _options.Sender, _sent, _time, runRedrive: false)
            {
                OnStale = (delivery, message) => Report(ForwardProblem.Stale(delivery, message)),
            };
            if (previous is not null)
            {
                await previous.DisposeAsync().ConfigureAwait(false);
            }
        }

        _destinations.Apply(state.Settings);
        _state = state;
        return _destinations;
    }

    private void Report(BadRow row)
    {
        lock (_badRows)
        {
            _badRows.Add(row);
        }
    }

    private int PendingBadRows()
    {
        lock (_badRows)
        {
            return _badRows.Count;
        }
    }

    private void DropBadRowsAfter(int count)
    {
        lock (_badRows)
        {
            _badRows.RemoveRange(count, _badRows.Count - count);
        }
    }

    private async Task FlushBadRowsAsync(CancellationToken cancellationToken)
    {
        BadRow[] rows;
        lock (_badRows)
        {
            rows = [.. _badRows];
        }

        if (rows.Length == 0)
        {
            return;
        }

        // Written before the batch is acknowledged: if the write fails, so does the invocation.
        await _writeBadRows(rows, cancellationToken).ConfigureAwait(false);
        lock (_badRows)
        {
            _badRows.RemoveRange(0, rows.Length);
        }
    }

    private async Task PauseWhileBreakersAreOpenAsync(ForwardDestinations destinations, LambdaContext context, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var reopen = destinations.All.Where(s => s.Breaker.State == CircuitState.Open).Select(s => s.Breaker.ReopenAt).DefaultIfEmpty(now).Min();
        var pause = Min(reopen - now, _options.MaxRetryPause, context.RemainingTime - _options.DeadlineMargin);
        if (pause > TimeSpan.Zero)
        {
            await Task.Delay(pause, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RedriveAsync(ForwardDestinations destinations, LambdaContext context, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (now < _redriveDue)
        {
            return;
        }

        _redriveDue = now + _options.RedriveInterval;
        var budget = Min(_options.MaxRedriveTime, context.RemainingTime - _options.DeadlineMargin, _options.MaxRedriveTime);
        if (budget <= TimeSpan.Zero)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        var counts = default(DeliveryCounts);
        foreach (var sender in destinations.All.Where(s => s.Breaker.State != CircuitState.Open))
        {
            try
            {
                counts += await sender.RedriveAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                context.Logger.Info($"forward: resending the spill of {sender.Settings.Name} stopped after {budget.TotalSeconds:0} s; the next round goes on");
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The spill stays where it is; the next round tries again. The error only: stored events carry event data.
                context.Logger.Warn($"forward: resending the spill of {sender.Settings.Name} from {_spill.Location} failed ({e.GetType().Name}: {e.Message}); retrying in {_options.RedriveInterval.TotalSeconds:0} s");
            }
        }

        await FlushBadRowsAsync(cancellationToken).ConfigureAwait(false);
        if (counts != default)
        {
            context.Logger.Info(string.Create(CultureInfo.InvariantCulture,
                $"forward: resent from the spill: {counts.Accepted} accepted, {counts.DeadLettered} dead-lettered, {counts.Stale} too old, {counts.Spilled} still waiting"));
        }
    }

    private IReadOnlyDictionary<string, long> Dropped(ForwardMetrics metrics)
    {
        var now = _time.GetUtcNow();
        var dropped = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in metrics.Query(now.AddHours(-2), now.AddHours(2)))
        {
            foreach (var (reason, count) in row.DroppedByReason)
            {
                dropped[reason] = dropped.GetValueOrDefault(reason) + count;
            }
        }

        return dropped;
    }

    private static void Log(LambdaLogger logger, int records, int events, int repeats, DeliveryCounts counts, IReadOnlyDictionary<string, long> dropped, List<Delivery> held, int stored, int? retryFrom)
    {
        var rules = dropped.Count == 0 ? "" : $", dropped by rule: {string.Join(", ", dropped.Select(d => $"{d.Key} {d.Value}"))}";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"forward: {records} record(s), {events} event(s) ({repeats} repeat(s) skipped): {counts.Accepted} accepted, {counts.DeadLettered} dead-lettered, {counts.Stale} too old{rules}");
        if (held.Count == 0)
        {
            logger.Info(line);
            return;
        }

        var by = string.Join(", ", held.GroupBy(d => d.Destination, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        logger.Warn(retryFrom is { } from
            ? string.Create(CultureInfo.InvariantCulture, $"{line}; not delivered yet ({by}): retrying from record {from}")
            : string.Create(CultureInfo.InvariantCulture, $"{line}; not delivered yet ({by}) and retried long enough: {stored} stored in the spill, resent when the destination answers"));
    }

    /// <summary>
    /// The invocation's metrics: its batch's counts, and what the senders did since the last metrics were written (this
    /// batch, the redrive, and an earlier invocation that failed before writing its own).
    /// Deliveries not delivered yet count as failed while their record is retried through the stream, as spilled once stored.
    /// </summary>
    private GatewayMetricSet Metrics(LambdaContext context, ForwardControlState state, Outcome outcome)
    {
        var now = SentCounts.Take(_sent);
        var sent = now.Since(_sentWritten);
        _sentWritten = now;
        var set = InvocationMetrics.Start(
            GatewayMetrics.Forward,
            context,
            _time,
            state.Settings.Pixels.Select(p => p.Id),
            state.Settings.Destinations.Select(d => d.Name));
        set.Add(GatewayMetrics.ForwardRecords, outcome.Records)
            .Add(GatewayMetrics.ForwardEvents, outcome.Events)
            .Add(GatewayMetrics.ForwardRepeats, outcome.Repeats)
            .Add(GatewayMetrics.ForwardForwarded, sent.ForwardedByDestination.Values.Sum())
            .Add(GatewayMetrics.ForwardDeadLettered, sent.DeadLetteredByDestination.Values.Sum())
            .Add(GatewayMetrics.ForwardFailed, outcome.Retried ? outcome.Held.Count : 0)
            .Add(GatewayMetrics.ForwardSpilled, outcome.Stored)
            .Add(GatewayMetrics.ForwardDropped, outcome.Dropped.Values.Sum() + sent.DroppedByReason.Values.Sum());
        foreach (var (destination, count) in sent.ForwardedByDestination)
        {
            set.Add(GatewayMetrics.ForwardForwardedByDestination, destination, count);
        }

        foreach (var (destination, count) in sent.DeadLetteredByDestination)
        {
            set.Add(GatewayMetrics.ForwardDeadLetteredByDestination, destination, count);
        }

        var undelivered = outcome.Retried ? GatewayMetrics.ForwardFailedByDestination : GatewayMetrics.ForwardSpilledByDestination;
        foreach (var group in outcome.Held.GroupBy(d => d.Destination, StringComparer.Ordinal))
        {
            set.Add(undelivered, group.Key, group.Count());
        }

        foreach (var (reason, count) in outcome.Dropped.Concat(sent.DroppedByReason))
        {
            set.Add(GatewayMetrics.ForwardDroppedByReason, reason, count);
        }

        foreach (var (pixel, count) in sent.ForwardedByPixel)
        {
            set.Add(GatewayMetrics.ForwardForwardedByPixel, pixel, count);
        }

        return set;
    }

    /// <summary>What became of one batch, for its metrics.</summary>
    private sealed record Outcome(int Records, int Events, int Repeats, IReadOnlyDictionary<string, long> Dropped, List<Delivery> Held, int Stored, bool Retried);

    private static TimeSpan Min(TimeSpan a, TimeSpan b, TimeSpan c) => a < b ? (a < c ? a : c) : (b < c ? b : c);
}
