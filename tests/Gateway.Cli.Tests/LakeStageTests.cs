using Gateway.Parquet;
using Gateway.Parquet.Lake;
using Gateway.Processing.Enrichment;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Cli.Tests;

/// <summary>The lake stage of <c>gateway up</c>: the events and bad-rows streams into Parquet, checkpointed by what is durable.</summary>
public sealed class LakeStageTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-lake-stage-");
    private readonly List<string> _failures = [];
    private EmbeddedStream _events = null!;
    private EmbeddedStream _badRows = null!;
    private FileCheckpointStore _checkpoints = null!;
    private DirectoryLakeStore _lake = null!;

    public async Task InitializeAsync()
    {
        _events = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(_dir.FullName, "streams", "events"), StreamName = "events", ShardCount = 2 });
        _badRows = await EmbeddedStream.OpenAsync(new EmbeddedStreamOptions { Directory = Path.Combine(_dir.FullName, "streams", "bad-rows"), StreamName = "bad-rows", ShardCount = 2 });
        _checkpoints = new FileCheckpointStore(Path.Combine(_dir.FullName, "checkpoints"));
        _lake = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
    }

    [Fact]
    public async Task Drained_rows_of_both_streams_are_committed_and_both_streams_checkpointed_to_their_end()
    {
        for (var i = 0; i < 20; i++)
        {
            await AppendEventAsync(LakeTestRows.Event($"e-{i}", LakeTestRows.Noon.AddMinutes(i * 5)));
        }

        await AppendBadRowAsync(LakeTestRows.BadRow(LakeTestRows.Noon));
        var stage = CreateStage(new LakeWriterOptions());

        await RunDrainedAsync(stage);

        Assert.Equal(new Dictionary<string, long> { ["events/year=2024/month=05/day=01/hour=12"] = 12, ["events/year=2024/month=05/day=01/hour=13"] = 8 }, RowsByFolder("events"));
        Assert.Equal(new Dictionary<string, long> { ["bad_rows/year=2024/month=05/day=01/hour=12"] = 1 }, RowsByFolder("bad_rows"));
        Assert.Equal((20L, 1L), (stage.Stats.Events.Rows, stage.Stats.BadRows.Rows));
        await AssertCheckpointedToTheEndAsync();
        Assert.Empty(_failures);

        // A restart finds nothing new: no file is written twice.
        await RunDrainedAsync(CreateStage(new LakeWriterOptions()));
        Assert.Equal(3, LakeFiles().Count);
    }

    [Fact]
    public async Task Buffered_rows_are_committed_when_their_time_is_up_and_only_then_checkpointed()
    {
        var time = new FakeTimeProvider(LakeTestRows.Noon.AddHours(1));
        var stage = CreateStage(new LakeWriterOptions { BufferTime = TimeSpan.FromSeconds(10) }, time);
        using var stop = new CancellationTokenSource();
        var running = stage.RunAsync(stop.Token);
        await AppendEventAsync(LakeTestRows.Event("a", LakeTestRows.Noon));
        await AppendEventAsync(LakeTestRows.Event("b", LakeTestRows.Noon));

        await EventuallyAsync(() => stage.Stats.BufferedRows == 2, "both rows buffered");
        await time.TimerPendingAsync().WaitAsync(Bound);
        Assert.Empty(LakeFiles());
        Assert.True((await _checkpoints.GetAsync(LakeStage.EventsConsumer, "shardId-000000000000")).IsTrimHorizon);
        Assert.True((await _checkpoints.GetAsync(LakeStage.EventsConsumer, "shardId-000000000001")).IsTrimHorizon);

        time.Advance(TimeSpan.FromSeconds(10));

        await EventuallyAsync(() => LakeFiles().Count == 1, "the partition committed after its buffer time");
        await EventuallyAsync(async () => await CheckpointedToTheEndAsync(), "the checkpoints moved past both rows");
        await stop.CancelAsync();
        await running.WaitAsync(Bound);
    }

    [Fact]
    public async Task A_stop_without_drain_commits_nothing_and_the_next_start_writes_every_row()
    {
        var stage = CreateStage(new LakeWriterOptions { BufferTime = TimeSpan.FromHours(1) });
        using var stop = new CancellationTokenSource();
        var running = stage.RunAsync(stop.Token);
        for (var i = 0; i < 5; i++)
        {
            await AppendEventAsync(LakeTestRows.Event($"e-{i}", LakeTestRows.Noon));
        }

        await EventuallyAsync(() => stage.Stats.BufferedRows == 5, "all rows buffered");

        // As a crash would: nothing flushed.
        await stop.CancelAsync();
        await running.WaitAsync(Bound);

        Assert.Empty(LakeFiles());
        Assert.Empty(Directory.EnumerateFiles(_lake.StagingDirectory));
        Assert.True((await _checkpoints.GetAsync(LakeStage.EventsConsumer, "shardId-000000000000")).IsTrimHorizon);

        await RunDrainedAsync(CreateStage(new LakeWriterOptions { BufferTime = TimeSpan.FromHours(1) }));
        Assert.Equal(5, RowsByFolder("events").Values.Sum());
        await AssertCheckpointedToTheEndAsync();
    }

    [Fact]
    public async Task Failed_commits_are_retried_and_hold_the_checkpoint_back_until_they_succeed()
    {
        var store = new FlakyStore(_lake) { FailNextCommits = 2 };
        await AppendEventAsync(LakeTestRows.Event("a", LakeTestRows.Noon));
        await AppendEventAsync(LakeTestRows.Event("b", LakeTestRows.Noon.AddHours(1)));
        var stage = CreateStage(new LakeWriterOptions(), store: store);

        await RunDrainedAsync(stage);

        Assert.Equal(["commit", "commit"], _failures);
        Assert.Equal(2, RowsByFolder("events").Values.Sum());
        Assert.Equal(0, stage.Restarts);
        // The checkpoint was not moved while a file was pending.
        Assert.All(store.CheckpointsWhenFailing, c => Assert.True(c.IsTrimHorizon));
        await AssertCheckpointedToTheEndAsync();
    }

    [Fact]
    public async Task A_lost_staged_file_restarts_the_stage_from_its_checkpoint_without_losing_a_row()
    {
        var store = new FlakyStore(_lake) { LoseNextStagedFiles = 1 };
        for (var i = 0; i < 4; i++)
        {
            await AppendEventAsync(LakeTestRows.Event($"e-{i}", LakeTestRows.Noon));
        }

        var stage = CreateStage(new LakeWriterOptions(), store: store);

        await RunDrainedAsync(stage);

        Assert.Equal(1, stage.Restarts);
        Assert.Equal(4, RowsByFolder("events").Values.Sum());
        await AssertCheckpointedToTheEndAsync();
    }

    [Fact]
    public async Task A_record_that_is_not_a_row_becomes_a_bad_row_of_the_lake_stage()
    {
        await _events.AppendAsync("k", "{\"event_time\": 12}"u8.ToArray());
        await _badRows.AppendAsync("k", "not json"u8.ToArray());
        await AppendEventAsync(LakeTestRows.Event("fine", LakeTestRows.Noon));

        var stage = CreateStage(new LakeWriterOptions());
        await RunDrainedAsync(stage);

        Assert.Equal(1, RowsByFolder("events").Values.Sum());
        Assert.Equal(2, RowsByFolder("bad_rows").Values.Sum());
        Assert.Equal(2, stage.Stats.BadRows.Rows);
        await AssertCheckpointedToTheEndAsync();
    }

    [Fact]
    public async Task Files_are_named_like_firehose_in_hive_folders_and_staging_is_left_empty()
    {
        await AppendEventAsync(LakeTestRows.Event("a", LakeTestRows.Noon));

        await RunDrainedAsync(CreateStage(new LakeWriterOptions()));

        var key = Assert.Single(LakeFiles());
        Assert.Matches(@"^events/year=2024/month=05/day=01/hour=12/gateway-events-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}\.parquet$", key);
        Assert.Empty(Directory.EnumerateFiles(_lake.StagingDirectory));
    }

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _badRows.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    private LakeStage CreateStage(LakeWriterOptions options, TimeProvider? time = null, ILakeStore? store = null) =>
        new(options, store ?? _lake, _events, _badRows, _checkpoints, new LakeStageOptions
        {
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            RetryMaxDelay = TimeSpan.FromMilliseconds(20),
            OnFailure = (what, _, _) =>
            {
                lock (_failures)
                {
                    _failures.Add(what);
                }
            },
        }, time);

    private static async Task RunDrainedAsync(LakeStage stage)
    {
        using var drain = new CancellationTokenSource();
        await drain.CancelAsync();
        await stage.RunAsync(CancellationToken.None, drain.Token).WaitAsync(Bound);
    }

    private async Task AppendEventAsync(EventRow row) => await _events.AppendAsync(row.EventId, EventRowJson.ToUtf8(row));

    private async Task AppendBadRowAsync(BadRow row) => await _badRows.AppendAsync(row.Reason, EventRowJson.ToUtf8(row));

    private async Task<bool> CheckpointedToTheEndAsync()
    {
        foreach (var (stream, consumer) in new[] { (_events, LakeStage.EventsConsumer), (_badRows, LakeStage.BadRowsConsumer) })
        {
            foreach (var shard in stream.Description.Shards)
            {
                var records = (await StreamContents.ReadAllAsync(stream)).Where(r => r.ShardId == shard.ShardId).ToList();
                var checkpoint = await _checkpoints.GetAsync(consumer, shard.ShardId);
                if (records.Count > 0 && checkpoint.SequenceNumber != records[^1].SequenceNumber)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private async Task AssertCheckpointedToTheEndAsync() => Assert.True(await CheckpointedToTheEndAsync(), "a shard's checkpoint is not at its last record");

    private List<string> LakeFiles() =>
        [.. Directory.EnumerateFiles(_lake.Root, "*.parquet", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_lake.Root, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal)];

    private Dictionary<string, long> RowsByFolder(string table) =>
        LakeFiles().Where(f => f.StartsWith(table + "/", StringComparison.Ordinal))
            .GroupBy(f => f[..f.LastIndexOf('/')])
            .ToDictionary(g => g.Key, g => g.Sum(f => ParquetFileInfo.Read(_lake.PathOf(f)).NumRows));

    private static async Task EventuallyAsync(Func<bool> condition, string what) => await EventuallyAsync(() => Task.FromResult(condition()), what);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Bound.TotalSeconds} s: {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Fails commits, or loses staged files (as a clean-up gone wrong would), before handing over to the real store.</summary>
    private sealed class FlakyStore(DirectoryLakeStore inner) : ILakeStore
    {
        public int FailNextCommits { get; set; }

        public int LoseNextStagedFiles { get; set; }

        public List<StreamPosition> CheckpointsWhenFailing { get; } = [];

        public string StagingDirectory => inner.StagingDirectory;

        public async ValueTask CommitAsync(string key, string stagedFilePath, CancellationToken cancellationToken = default)
        {
            if (FailNextCommits > 0)
            {
                FailNextCommits--;
                CheckpointsWhenFailing.Add(await new FileCheckpointStore(Path.Combine(Path.GetDirectoryName(inner.Root)!, "checkpoints")).GetAsync(LakeStage.EventsConsumer, "shardId-000000000000", cancellationToken));
                throw new IOException("injected commit failure");
            }

            if (LoseNextStagedFiles > 0)
            {
                LoseNextStagedFiles--;
                File.Delete(stagedFilePath);
            }

            await inner.CommitAsync(key, stagedFilePath, cancellationToken);
        }
    }
}
