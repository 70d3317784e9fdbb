using System.Text;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>
/// The sender's decisions against a scripted destination: batching, retries with backoff, splitting a rejected request,
/// the breaker and the spill, staleness before every attempt, redrive and dead-letter replay. Wire formats are tested
/// against the fake Conversions API server elsewhere.
/// </summary>
public sealed class DestinationSenderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-sender-").FullName;
    private readonly FakeTimeProvider _time = new(ForwardSamples.LineTime);
    private readonly ScriptedClient _client = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Deliveries_go_in_requests_of_at_most_max_batch_events_per_target()
    {
        var sender = Sender(maxBatch: 1000);
        var deliveries = Deliveries(2500, target: "111").Concat(Deliveries(10, target: "222", first: 2500)).ToList();

        var counts = await sender.DeliverAsync(deliveries);

        Assert.Equal(new DeliveryCounts(2510, 0, 0, 0), counts);
        Assert.Equal([("111", 1000), ("111", 1000), ("111", 500), ("222", 10)], _client.Requests.Select(r => (r.Target, r.Count)));
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_with_growing_jittered_backoff()
    {
        _client.Script(Retriable(429), Retriable(500), Retriable(503));
        var sender = Sender();

        var counts = await _time.RunAsync(sender.DeliverAsync(Deliveries(3)), TimeSpan.FromMilliseconds(100));

        Assert.Equal(3, counts.Accepted);
        Assert.Equal(4, _client.Requests.Count);
        var delays = _time.ScheduledDelays;
        Assert.Equal(3, delays.Count);
        // Equal jitter: between half and all of 0.5 s, 1 s, 2 s.
        for (var i = 0; i < 3; i++)
        {
            var full = 500 * Math.Pow(2, i);
            Assert.InRange(delays[i].TotalMilliseconds, full / 2, full);
        }
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_wait_limit_spills_instead_of_waiting()
    {
        _client.Script(new SendResult(SendOutcome.Retriable, 429, "slow down", TimeSpan.FromMinutes(5)));
        var sender = Sender();

        var counts = await sender.DeliverAsync(Deliveries(2));

        Assert.Equal(2, counts.Spilled);
        Assert.Single(_client.Requests);
        Assert.Single(await Spill.ListAsync("meta"));
    }

    [Fact]
    public async Task A_request_rejected_for_one_event_is_split_until_only_that_event_is_dead_lettered()
    {
        _client.RejectEvent = id => id == "e-5" ? "Invalid parameter [code 100]" : null;
        var sender = Sender();

        var counts = await sender.DeliverAsync(Deliveries(8));

        Assert.Equal(new DeliveryCounts(7, 1, 0, 0), counts);
        var dead = await DeadLetters.ReadAsync((await DeadLetters.ListAsync("meta")).Single());
        var only = Assert.Single(dead);
        Assert.Equal("e-5", only.EventId);
        Assert.Contains("Invalid parameter", only.LastError, StringComparison.Ordinal);
        // Each accepted event was sent in exactly one accepted request.
        Assert.Equal(7, _client.AcceptedIds.Count);
        Assert.Equal(7, _client.AcceptedIds.Distinct().Count());
    }

    [Fact]
    public async Task A_rejection_about_the_whole_request_dead_letters_it_without_splitting()
    {
        _client.Script(new SendResult(SendOutcome.Rejected, 400, "Invalid OAuth access token [code 190]"));
        var sender = Sender();

        var counts = await sender.DeliverAsync(Deliveries(50));

        Assert.Equal(50, counts.DeadLettered);
        Assert.Single(_client.Requests);
    }

    [Fact]
    public async Task Repeated_failures_open_the_breaker_and_later_batches_spill_without_a_request()
    {
        _client.Down = true;
        var sender = Sender();

        var first = await _time.RunAsync(sender.DeliverAsync(Deliveries(5)), TimeSpan.FromSeconds(1));
        var second = await _time.RunAsync(sender.DeliverAsync(Deliveries(5, first: 5)), TimeSpan.FromSeconds(1));
        var requests = _client.Requests.Count;
        var third = await sender.DeliverAsync(Deliveries(5, first: 10));

        Assert.Equal(5, first.Spilled);
        Assert.Equal(5, second.Spilled);
        Assert.Equal(5, third.Spilled);
        Assert.Equal(CircuitState.Open, sender.Breaker.State);
        Assert.Equal(requests, _client.Requests.Count);
        Assert.Equal(15, (await ReadAll(Spill)).Count);
    }

    [Fact]
    public async Task After_an_outage_the_redrive_sends_every_spilled_event_once_and_empties_the_spill()
    {
        _client.Down = true;
        var sender = Sender();
        for (var batch = 0; batch < 6; batch++)
        {
            await _time.RunAsync(sender.DeliverAsync(Deliveries(100, first: batch * 100)), TimeSpan.FromSeconds(1));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(600, (await ReadAll(Spill)).Count);
        _client.Down = false;
        _time.Advance(sender.Breaker.OpenTime + sender.Breaker.MaxOpenTime);

        var counts = await sender.RedriveAsync();

        Assert.Equal(600, counts.Accepted);
        Assert.Empty(await Spill.ListAsync());
        Assert.Equal(600, _client.AcceptedIds.Distinct().Count());
        Assert.Equal(CircuitState.Closed, sender.Breaker.State);
    }

    [Fact]
    public async Task A_redrive_that_fails_again_leaves_the_spill_as_it_was_and_reopens_the_breaker()
    {
        _client.Down = true;
        var sender = Sender();
        await _time.RunAsync(sender.DeliverAsync(Deliveries(10)), TimeSpan.FromSeconds(1));
        await _time.RunAsync(sender.DeliverAsync(Deliveries(10, first: 10)), TimeSpan.FromSeconds(1));
        _time.Advance(sender.Breaker.OpenTime);

        var counts = await sender.RedriveAsync();

        Assert.Equal(0, counts.Accepted);
        Assert.Equal(20, (await ReadAll(Spill)).Count);
        Assert.Equal(CircuitState.Open, sender.Breaker.State);
        // The failed probe doubled the cool-down.
        Assert.Equal(_time.GetUtcNow() + sender.Breaker.OpenTime * 2, sender.Breaker.ReopenAt);
    }

    [Fact]
    public async Task Events_that_turn_stale_while_spilled_are_dropped_and_reported_not_sent()
    {
        var reported = new List<string>();
        _client.Down = true;
        var sender = Sender(onStale: (d, _) => reported.Add(d.EventId));
        await _time.RunAsync(sender.DeliverAsync(Deliveries(3)), TimeSpan.FromSeconds(1));
        _client.Down = false;
        _time.Advance(TimeSpan.FromDays(7));
        var requests = _client.Requests.Count;

        var counts = await sender.RedriveAsync();

        Assert.Equal(new DeliveryCounts(0, 0, 0, 3), counts);
        Assert.Equal(["e-0", "e-1", "e-2"], reported);
        Assert.Equal(requests, _client.Requests.Count);
        Assert.Empty(await Spill.ListAsync());
    }

    [Fact]
    public async Task Replaying_dead_letters_after_a_fix_sends_them_and_removes_them()
    {
        _client.Script(new SendResult(SendOutcome.Rejected, 400, "Invalid OAuth access token [code 190]"));
        var sender = Sender();
        await sender.DeliverAsync(Deliveries(4));
        var stored = (await DeadLetters.ListAsync("meta")).Single();

        var counts = await sender.ReplayAsync(stored);

        Assert.Equal(4, counts.Accepted);
        Assert.Empty(await DeadLetters.ListAsync());
    }

    [Fact]
    public async Task Replaying_dead_letters_that_are_still_rejected_keeps_them_with_the_new_message()
    {
        _client.RejectEvent = _ => "first message [code 100]";
        var sender = Sender();
        await sender.DeliverAsync(Deliveries(1));
        _client.RejectEvent = _ => "second message [code 100]";

        var counts = await sender.ReplayAsync((await DeadLetters.ListAsync("meta")).Single());

        // Counted as still rejected, not as waiting for an answer.
        Assert.Equal(new DeliveryCounts(0, 1, 0, 0), counts);
        var kept = Assert.Single(await ReadAll(DeadLetters));
        Assert.Contains("second message", kept.LastError, StringComparison.Ordinal);
        Assert.Equal(2, kept.Attempts);
    }

    [Fact]
    public void The_breaker_opens_after_the_threshold_and_a_successful_probe_closes_it()
    {
        var breaker = new CircuitBreaker(_time, failureThreshold: 3, openTime: TimeSpan.FromSeconds(30));
        for (var i = 0; i < 2; i++)
        {
            Assert.True(breaker.TryAcquire());
            breaker.Failure();
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        breaker.Failure();
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryAcquire());

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryAcquire());
        // One probe at a time.
        Assert.False(breaker.TryAcquire());
        breaker.Success();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire());
    }

    private FileDeliveryStore DeadLetters => new(Path.Combine(_root, "dlq"), _time);

    private FileDeliveryStore Spill => new(Path.Combine(_root, "spill"), _time);

    private DestinationSender Sender(int maxBatch = 1000, Action<Delivery, string>? onStale = null)
    {
        var settings = new DestinationSettings("meta", DestinationKind.Meta, true, DestinationSettings.MetaEndpoint, SecretReference.Literal("t"), MaxBatchEvents: maxBatch);
        return new DestinationSender(settings, _client, DeadLetters, Spill, new SenderOptions(), time: _time) { OnStale = onStale };
    }

    private List<Delivery> Deliveries(int count, string target = "111", int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => new Delivery("meta", target, "px", "purchase", $"e-{i}", _time.GetUtcNow(), Encoding.UTF8.GetBytes($$"""{"event_id":"e-{{i}}"}""")))];

    private static async Task<List<Delivery>> ReadAll(FileDeliveryStore store)
    {
        var all = new List<Delivery>();
        foreach (var batch in await store.ListAsync())
        {
            all.AddRange(await store.ReadAsync(batch));
        }

        return all;
    }

    private static SendResult Retriable(int status) => new(SendOutcome.Retriable, status, $"status {status}");

    /// <summary>A destination that answers from a script, then by its rules: down, or rejecting named events (per event, as Meta's code 100).</summary>
    private sealed class ScriptedClient : IDestinationClient
    {
        private readonly Queue<SendResult> _script = new();
        private readonly Lock _gate = new();

        public List<(string Target, int Count, string[] Ids)> Requests { get; } = [];

        public List<string> AcceptedIds { get; } = [];

        public bool Down { get; set; }

        public Func<string, string?>? RejectEvent { get; set; }

        public void Script(params SendResult[] results)
        {
            foreach (var result in results)
            {
                _script.Enqueue(result);
            }
        }

        public Task<SendResult> SendAsync(string target, IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                var ids = batch.Select(d => d.EventId).ToArray();
                Requests.Add((target, batch.Count, ids));
                if (_script.TryDequeue(out var scripted))
                {
                    if (scripted.Outcome == SendOutcome.Accepted)
                    {
                        AcceptedIds.AddRange(ids);
                    }

                    return Task.FromResult(scripted);
                }

                if (Down)
                {
                    return Task.FromResult(Retriable(503));
                }

                if (ids.Select(id => RejectEvent?.Invoke(id)).FirstOrDefault(m => m is not null) is { } message)
                {
                    return Task.FromResult(new SendResult(SendOutcome.Rejected, 400, message, PerEvent: true));
                }

                AcceptedIds.AddRange(ids);
                return Task.FromResult(SendResult.Accepted(200));
            }
        }
    }
}
