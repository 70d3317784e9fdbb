using Gateway.Lambda.Tests.Support;
using Gateway.Processing.Forwarding;
using Gateway.Processing.Metrics;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>The forward handler's EMF line: what its batch and its senders did, by destination, reason and configured pixel.</summary>
public sealed class ForwardEmfTests : IAsyncLifetime
{
    private ForwardRig _rig = null!;

    public async Task InitializeAsync() => _rig = await ForwardRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Accepted_events_are_counted_per_destination_and_configured_pixel_and_a_redelivered_batch_as_repeats()
    {
        await using var handler = _rig.Handler();
        var records = new[] { _rig.Purchases("a", 5), _rig.Purchases("b", 7) };

        var (_, log) = await _rig.InvokeAsync(handler, records);

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(12, _rig.Meta.AcceptedEvents.Count);
        Assert.Equal(2, metrics.Value("Records"));
        Assert.Equal(12, metrics.Value("Events"));
        Assert.Equal(12, metrics.Value("Forwarded"));
        Assert.Equal(12, metrics.Value("Forwarded", (GatewayMetrics.Destination, "meta")));
        Assert.Equal(12, metrics.Value("Forwarded", (GatewayMetrics.Pixel, ForwardRig.MetaPixel)));
        Assert.Equal([0d, 0, 0, 0, 0], [metrics.Value("Repeats")!.Value, metrics.Value("Failed")!.Value, metrics.Value("DeadLettered")!.Value, metrics.Value("Spilled")!.Value, metrics.Value("Dropped")!.Value]);
        Assert.All(metrics, m => Assert.Equal(GatewayMetrics.Forward, m.Function));

        var (_, again) = await _rig.InvokeAsync(handler, records);

        var second = EmfLines.Metrics(EmfLines.Of(again));
        Assert.Equal(12, second.Value("Repeats"));
        Assert.Equal(0, second.Value("Forwarded"));
        Assert.Null(second.Value("Forwarded", (GatewayMetrics.Destination, "meta")));
    }

    [Fact]
    public async Task Deliveries_left_for_the_stream_s_retry_count_as_failed_for_their_destination()
    {
        _rig.Hook.Down = true;
        await using var handler = _rig.Handler();

        var (response, log) = await _rig.InvokeAsync(handler, [_rig.Purchases("a", 3), _rig.Purchases("h", 2, pixel: ForwardRig.HookPixel)]);

        Assert.Single(response.BatchItemFailures);
        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(2, metrics.Value("Failed"));
        Assert.Equal(2, metrics.Value("Failed", (GatewayMetrics.Destination, "hook")));
        Assert.Equal(3, metrics.Value("Forwarded", (GatewayMetrics.Destination, "meta")));
        Assert.Equal(0, metrics.Value("Spilled"));
    }

    [Fact]
    public async Task Deliveries_stored_in_the_spill_count_as_spilled_and_their_redrive_as_forwarded()
    {
        _rig.Meta.Down = true;
        await using var handler = _rig.Handler(new SenderOptions { MaxAttempts = 2, BreakerThreshold = 100 });

        var (_, log) = await _rig.InvokeAsync(handler, [_rig.Purchases("a", 4)], arrival: ForwardRig.Start.AddMinutes(-61));

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(4, metrics.Value("Spilled"));
        Assert.Equal(4, metrics.Value("Spilled", (GatewayMetrics.Destination, "meta")));
        Assert.Equal(0, metrics.Value("Failed"));

        _rig.Meta.Down = false;
        _rig.Time.Advance(TimeSpan.FromMinutes(2));
        var (_, next) = await _rig.InvokeAsync(handler, [_rig.Purchases("b", 1)]);

        // The batch's one event and the four resent from the spill.
        Assert.Equal(5, EmfLines.Metrics(EmfLines.Of(next)).Value("Forwarded", (GatewayMetrics.Destination, "meta")));
    }

    [Fact]
    public async Task Rejected_events_count_as_dead_lettered()
    {
        _rig.Meta.Enqueue(FakeCapiReply.Status(400, "Invalid parameter", graphCode: 190));
        await using var handler = _rig.Handler();

        var (_, log) = await _rig.InvokeAsync(handler, [_rig.Purchases("a", 3)]);

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(3, metrics.Value("DeadLettered"));
        Assert.Equal(3, metrics.Value("DeadLettered", (GatewayMetrics.Destination, "meta")));
        Assert.Equal(0, metrics.Value("Forwarded"));
    }

    [Fact]
    public async Task Drops_are_counted_by_reason_and_an_unconfigured_pixel_never_becomes_a_dimension_value()
    {
        await using var handler = _rig.Handler();
        var start = ForwardRig.Start;
        var lines = new[]
        {
            ForwardRig.Line("old-1", start.AddDays(-8)),
            ForwardRig.Line("blk-1", start, host: "staging.example.com"),
            ForwardRig.Line("unk-1", start, pixel: "made-up-pixel-42"),
            ForwardRig.Line("ok-1", start),
        };

        var (_, log) = await _rig.InvokeAsync(handler, [ForwardRig.Aggregate(lines)]);

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(3, metrics.Value("Dropped"));
        Assert.Equal(1, metrics.Value("Dropped", (GatewayMetrics.Reason, DropReasons.Stale)));
        Assert.Equal(1, metrics.Value("Dropped", (GatewayMetrics.Reason, DropReasons.DomainBlocked)));
        Assert.Equal(1, metrics.Value("Dropped", (GatewayMetrics.Reason, DropReasons.PixelNotConfigured)));
        Assert.Equal(1, metrics.Value("Forwarded"));
        Assert.DoesNotContain(metrics, m => m.Dimensions.Values.Contains("made-up-pixel-42"));
    }

    [Fact]
    public async Task What_an_invocation_that_failed_midway_sent_is_counted_by_the_next_one()
    {
        var fail = true;
        await using var handler = _rig.Handler(failBadRows: () => fail);
        // The stale event becomes a bad row, whose write fails after the fresh one was accepted.
        var records = new[] { ForwardRig.Aggregate([ForwardRig.Line("ok-1", ForwardRig.Start), ForwardRig.Line("old-1", ForwardRig.Start.AddDays(-8))]) };

        await Assert.ThrowsAsync<IOException>(() => _rig.InvokeAsync(handler, records));
        fail = false;
        var (_, log) = await _rig.InvokeAsync(handler, records);

        // Meta took ok-1 twice (it deduplicates on event name and id); both deliveries are counted once the batch goes through.
        Assert.Equal(2, _rig.Meta.AcceptedEvents.Count);
        Assert.Equal(2, EmfLines.Metrics(EmfLines.Of(log)).Value("Forwarded", (GatewayMetrics.Destination, "meta")));
    }

    [Fact]
    public async Task The_emf_lines_carry_no_event_data()
    {
        await using var handler = _rig.Handler();
        var line = ForwardRig.Line("order-8d1f", ForwardRig.Start, extraQuery: "&uid=user-4711&em=jane.doe%2540mail.example", clientIp: "192.0.2.199");

        var (_, log) = await _rig.InvokeAsync(handler, [ForwardRig.Aggregate([line])]);

        var emf = string.Join('\n', EmfLines.Of(log));
        Assert.Equal(1, EmfLines.Metrics(EmfLines.Of(log)).Value("Forwarded"));
        foreach (var content in (string[])["order-8d1f", "user-4711", "jane", "mail.example", "192.0.2", "shop.example.com", "checkout", "Chrome"])
        {
            Assert.DoesNotContain(content, emf, StringComparison.OrdinalIgnoreCase);
        }
    }
}
