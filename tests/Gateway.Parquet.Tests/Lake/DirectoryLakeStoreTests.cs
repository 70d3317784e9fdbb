using Gateway.Parquet.Lake;

namespace Gateway.Parquet.Tests.Lake;

/// <summary>The local lake's commit: staged file → fsync → rename into the partition folder → fsync of the folder.</summary>
public sealed class DirectoryLakeStoreTests : IDisposable
{
    private const string Key = "events/year=2024/month=05/day=01/hour=12/gateway-events-1-2024-05-01-12-00-10-0b5c7e8a-3f21-4b9e-9d2a-5c1e7f3a9b01.parquet";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-lake-store-");

    [Fact]
    public async Task A_commit_moves_the_staged_file_to_its_key_and_creates_the_partition_folders()
    {
        var store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
        var staged = Stage(store, [1, 2, 3]);

        await store.CommitAsync(Key, staged);

        Assert.False(File.Exists(staged));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(store.Root, "events", "year=2024", "month=05", "day=01", "hour=12", Path.GetFileName(Key))));
        Assert.Equal(Path.Combine(store.Root, "_staging"), store.StagingDirectory);
    }

    [Fact]
    public async Task A_commit_repeated_after_the_rename_succeeds_and_the_same_key_can_be_replaced()
    {
        var store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
        var staged = Stage(store, [1]);
        await store.CommitAsync(Key, staged);

        // As after a failed fsync of the folder: the staged file is gone, the target is there.
        await store.CommitAsync(Key, staged);
        await store.CommitAsync(Key, Stage(store, [9, 9]));

        Assert.Equal([9, 9], await File.ReadAllBytesAsync(store.PathOf(Key)));
        await Assert.ThrowsAsync<FileNotFoundException>(async () => await store.CommitAsync("events/other.parquet", staged));
    }

    [Theory]
    [InlineData("../outside.parquet")]
    [InlineData("/etc/passwd")]
    [InlineData("events//x.parquet")]
    [InlineData("events/./x.parquet")]
    [InlineData("events/")]
    public async Task Keys_that_leave_the_lake_are_refused(string key)
    {
        var store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
        var staged = Stage(store, [1]);

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CommitAsync(key, staged));

        Assert.True(File.Exists(staged));
    }

    [Fact]
    public async Task Leftovers_of_gone_writers_are_removed_and_a_live_writers_files_are_kept()
    {
        var store = new DirectoryLakeStore(Path.Combine(_dir.FullName, "lake"));
        // A writer killed with files staged: its lock file is left, but nobody holds it.
        var killed = Guid.NewGuid();
        File.WriteAllBytes(Path.Combine(store.StagingDirectory, $".{killed:N}.writer.lock"), []);
        var killedFiles = new[] { Stage(store, [1], killed), Stage(store, [2], killed) };
        var orphan = Stage(store, [3], Guid.NewGuid());
        var unrelated = Path.Combine(store.StagingDirectory, "notes.txt");
        File.WriteAllText(unrelated, "kept");
        await using var live = LakeWriter.Create(store);
        live.Add(Support.Some.Event("open", Support.Some.Noon), 0);

        Assert.Equal(3, store.RemoveStagedFiles());

        Assert.All(killedFiles.Append(orphan), f => Assert.False(File.Exists(f), $"{f} is a leftover"));
        Assert.False(File.Exists(Path.Combine(store.StagingDirectory, $".{killed:N}.writer.lock")));
        Assert.True(File.Exists(unrelated));
        // The live writer's open file and lock are untouched, and it still commits.
        Assert.Single(Directory.EnumerateFiles(store.StagingDirectory, "*.parquet.tmp"));
        Assert.Single(Directory.EnumerateFiles(store.StagingDirectory, "*.writer.lock"));
        await live.FlushAllAsync();
        Assert.Equal(0, live.DurableThrough);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Stage(DirectoryLakeStore store, byte[] content, Guid? writer = null)
    {
        var path = Path.Combine(store.StagingDirectory, $".events-{writer ?? Guid.NewGuid():N}-{Guid.NewGuid():N}.parquet.tmp");
        File.WriteAllBytes(path, content);
        return path;
    }
}
