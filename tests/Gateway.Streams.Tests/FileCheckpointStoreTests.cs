using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests;

public sealed class FileCheckpointStoreTests
{
    [Fact]
    public async Task A_committed_position_is_returned_by_a_new_store_on_the_same_directory()
    {
        using var dir = new TempDirectory();
        await new FileCheckpointStore(dir.Path).CommitAsync("lake-writer", "shardId-000000000001", StreamPosition.After("42"));

        var resumed = await new FileCheckpointStore(dir.Path).GetAsync("lake-writer", "shardId-000000000001");

        Assert.Equal(StreamPosition.After("42"), resumed);
    }

    [Fact]
    public async Task A_consumer_without_a_checkpoint_starts_at_trim_horizon()
    {
        using var dir = new TempDirectory();
        var store = new FileCheckpointStore(dir.Path);
        await store.CommitAsync("other", "shardId-000000000000", StreamPosition.After("7"));

        Assert.Equal(StreamPosition.TrimHorizon, await store.GetAsync("dashboard", "shardId-000000000000"));
        Assert.Equal(StreamPosition.TrimHorizon, await store.GetAsync("other", "shardId-000000000001"));
    }

    [Fact]
    public async Task Each_shard_keeps_its_own_position_and_trim_horizon_clears_one()
    {
        using var dir = new TempDirectory();
        var store = new FileCheckpointStore(dir.Path);
        await store.CommitAsync("c", "shardId-000000000000", StreamPosition.After("10"));
        await store.CommitAsync("c", "shardId-000000000001", StreamPosition.After("20"));
        await store.CommitAsync("c", "shardId-000000000000", StreamPosition.TrimHorizon);

        Assert.Equal(StreamPosition.TrimHorizon, await store.GetAsync("c", "shardId-000000000000"));
        Assert.Equal(StreamPosition.After("20"), await store.GetAsync("c", "shardId-000000000001"));
    }

    [Fact]
    public async Task Commits_replace_the_file_atomically_and_leave_no_temp_files()
    {
        using var dir = new TempDirectory();
        var store = new FileCheckpointStore(dir.Path);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(shard => Task.Run(async () =>
        {
            for (var seq = 1; seq <= 25; seq++)
            {
                await store.CommitAsync("forwarder", $"shardId-{shard:D12}", StreamPosition.After(seq.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        })));

        Assert.Equal(["forwarder.checkpoint.json"], Directory.GetFiles(store.CheckpointDirectory).Select(Path.GetFileName));
        for (var shard = 0; shard < 4; shard++)
        {
            Assert.Equal(StreamPosition.After("25"), await new FileCheckpointStore(dir.Path).GetAsync("forwarder", $"shardId-{shard:D12}"));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")] // would escape the checkpoint folder
    [InlineData("../x")]
    [InlineData("naïve")] // non-ASCII
    [InlineData("has space")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65 characters
    public async Task Consumer_names_outside_the_allowed_set_are_rejected(string consumer)
    {
        using var dir = new TempDirectory();
        var store = new FileCheckpointStore(dir.Path);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.CommitAsync(consumer, "shardId-000000000000", StreamPosition.After("1")).AsTask());

        Assert.Contains("A-Z, a-z, 0-9", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(store.CheckpointDirectory));
    }

    [Fact]
    public async Task Consumer_names_with_dots_dashes_and_underscores_are_accepted()
    {
        using var dir = new TempDirectory();
        var store = new FileCheckpointStore(dir.Path);
        var name = "dash-board_v2." + new string('x', 50);

        await store.CommitAsync(name, "shardId-000000000000", StreamPosition.After("3"));

        Assert.Equal(StreamPosition.After("3"), await store.GetAsync(name, "shardId-000000000000"));
    }

    [Fact]
    public async Task A_damaged_checkpoint_file_is_reported_with_its_path_and_the_fix()
    {
        using var dir = new TempDirectory();
        var store = new FileCheckpointStore(dir.Path);
        await store.CommitAsync("c", "shardId-000000000000", StreamPosition.After("3"));
        var path = Path.Combine(store.CheckpointDirectory, "c.checkpoint.json");
        await File.WriteAllTextAsync(path, "{ not json");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("c", "shardId-000000000000").AsTask());

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Delete it", error.Message, StringComparison.Ordinal);
    }
}
