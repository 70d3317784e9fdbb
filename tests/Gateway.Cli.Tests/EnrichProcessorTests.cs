using System.Text;
using System.Text.Json;
using Gateway.Cli.Tests.Support;
using Gateway.Processing.Enrichment;
using Gateway.Streams;

namespace Gateway.Cli.Tests;

/// <summary>The enrich stage's processor: aggregated KPL records in, JSON rows in the embedded events and bad-rows streams out.</summary>
public sealed class EnrichProcessorTests : IAsyncLifetime
{
    // Loading compiles a few hundred regexes: once for all tests here.
    private static readonly Lazy<EnricherResources> Resources = new(EnricherResources.Load);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-enrich-");
    private EmbeddedStream _events = null!;
    private EmbeddedStream _badRows = null!;

    public async Task InitializeAsync()
    {
        _events = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(_dir.FullName, "events"), StreamName = "events", ShardCount = 2 });
        _badRows = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(_dir.FullName, "bad-rows"), StreamName = "bad-rows", ShardCount = 2 });
    }

    [Fact]
    public async Task An_aggregated_record_becomes_event_rows_and_bad_rows_and_a_duplicate_is_only_counted()
    {
        var processor = new EnrichProcessor(CreateEnricher(), _events, _badRows);
        var record = Some.AggregatedRecord(
            "1",
            Some.RealtimeLogLine("pid=px1&e=signup&eid=E1&v=9.5&cur=eur", requestId: "req-1"),
            Some.RealtimeLogLine("e=pageview", requestId: "req-2"),
            Some.RealtimeLogLine("pid=px1&e=signup&eid=E1", requestId: "req-3"),
            // CloudFront ends every real-time log record with a newline.
            Some.RealtimeLogLine("pid=px2&eid=E2", requestId: "req-4") + "\n");

        await processor.ProcessAsync([record], CancellationToken.None);

        var events = (await Some.ReadAllAsync(_events)).OrderBy(r => r.PartitionKey, StringComparer.Ordinal).ToList();
        var badRow = Assert.Single(await Some.ReadAllAsync(_badRows));
        Assert.Equal(["E1", "E2"], events.Select(e => e.PartitionKey));
        var first = EventRowJson.Read(events[0].Data.Span);
        Assert.Equal(("px1", "signup", "E1", "198.51.100.0", 9.5, "EUR"), (first.PixelId, first.EventName, first.EventId, first.IpPrefix, first.Value, first.Currency));
        Assert.Equal(("px2", "pageview"), (EventRowJson.Read(events[1].Data.Span).PixelId, EventRowJson.Read(events[1].Data.Span).EventName));
        using (var json = JsonDocument.Parse(badRow.Data))
        {
            Assert.Equal("missing_pixel_id", json.RootElement.GetProperty("reason").GetString());
            Assert.Equal("enrich", json.RootElement.GetProperty("stage").GetString());
        }

        // The bad row keeps the edge's request id as its key; no stored byte holds the full client IP.
        Assert.Equal("req-2", badRow.PartitionKey);
        Assert.All(events.Append(badRow), r => Assert.DoesNotContain("198.51.100.23", Encoding.UTF8.GetString(r.Data.Span), StringComparison.Ordinal));
        Assert.Equal((2L, 1L, 1L), (processor.Counts.Events, processor.Counts.BadRows, processor.Counts.Duplicates));
    }

    [Fact]
    public async Task A_retried_batch_appends_what_failed_and_is_not_dropped_as_duplicates()
    {
        var badRows = new FailingStream(_badRows) { FailNextAppends = 1 };
        var processor = new EnrichProcessor(CreateEnricher(), _events, badRows);
        IReadOnlyList<StreamRecord> batch =
        [
            Some.AggregatedRecord("1", Some.RealtimeLogLine("pid=px1&eid=A", requestId: "r1"), Some.RealtimeLogLine("nopid=1", requestId: "r2")),
            Some.AggregatedRecord("2", Some.RealtimeLogLine("pid=px1&eid=B", requestId: "r3")),
        ];

        // The failure reaches the consumer, so it does not checkpoint and retries the same batch.
        await Assert.ThrowsAsync<IOException>(async () => await processor.ProcessAsync(batch, CancellationToken.None));
        Assert.Equal((0L, 0L, 0L), (processor.Counts.Events, processor.Counts.BadRows, processor.Counts.Duplicates));
        await processor.ProcessAsync(batch, CancellationToken.None);

        // Enriching again would have found A and B in the dedup memory; the events appended on the first try are not written twice.
        Assert.Equal(["A", "B"], (await Some.ReadAllAsync(_events)).Select(r => r.PartitionKey).Order(StringComparer.Ordinal));
        Assert.Single(await Some.ReadAllAsync(_badRows));
        Assert.Equal((2L, 1L, 0L), (processor.Counts.Events, processor.Counts.BadRows, processor.Counts.Duplicates));
    }

    [Fact]
    public async Task The_consumer_checkpoints_only_after_both_streams_took_the_rows()
    {
        var aggregatedDir = Path.Combine(_dir.FullName, "aggregated");
        await using var aggregated = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = aggregatedDir, StreamName = "aggregated" });
        var record = Some.AggregatedRecord("x", Some.RealtimeLogLine("pid=px1&eid=C", requestId: "r1"), Some.RealtimeLogLine("-", requestId: "r2"));
        await aggregated.AppendAsync(record.PartitionKey, record.Data);
        var badRows = new FailingStream(_badRows) { FailNextAppends = 1 };
        var checkpoints = new FileCheckpointStore(_dir.FullName);
        var failed = new TaskCompletionSource();
        var checkpointed = Path.Combine(checkpoints.CheckpointDirectory, "enrich.checkpoint.json");
        var checkpointedBeforeRetry = false;
        var consumer = new StreamConsumer("enrich", aggregated, checkpoints, new EnrichProcessor(CreateEnricher(), _events, badRows), new StreamConsumerOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            OnFailure = (_, _, _) =>
            {
                checkpointedBeforeRetry = File.Exists(checkpointed);
                failed.TrySetResult();
            },
        });

        using var stop = new CancellationTokenSource();
        using var drain = new CancellationTokenSource();
        var running = consumer.RunAsync(stop.Token, drain.Token);
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await drain.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, consumer.GetMetrics().Failures);
        Assert.False(checkpointedBeforeRetry, "the batch was checkpointed although its bad row was not written");
        Assert.Single(await Some.ReadAllAsync(_events));
        Assert.Single(await Some.ReadAllAsync(_badRows));
        Assert.NotEqual(StreamPosition.TrimHorizon, await checkpoints.GetAsync("enrich", "shardId-000000000000"));
    }

    private static EventEnricher CreateEnricher() =>
        new(Resources.Value, new VisitorIds(Encoding.UTF8.GetBytes("test-visitor-secret-of-at-least-32-bytes!!")), new EnricherOptions
        {
            Deduplicator = new EventIdDeduplicator(TimeProvider.System),
        });

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _badRows.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
