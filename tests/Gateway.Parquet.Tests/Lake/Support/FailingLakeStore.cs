using Gateway.Parquet.Lake;

namespace Gateway.Parquet.Tests.Lake.Support;

/// <summary>A <see cref="DirectoryLakeStore"/> whose next <see cref="FailNextCommits"/> commits throw before touching anything.</summary>
internal sealed class FailingLakeStore(DirectoryLakeStore inner) : ILakeStore
{
    private readonly List<string> _committed = [];

    public int FailNextCommits { get; set; }

    public int Attempts { get; private set; }

    /// <summary>Keys committed, in order.</summary>
    public IReadOnlyList<string> Committed => _committed;

    public string StagingDirectory => inner.StagingDirectory;

    public async ValueTask CommitAsync(string key, string stagedFilePath, CancellationToken cancellationToken = default)
    {
        Attempts++;
        if (FailNextCommits > 0)
        {
            FailNextCommits--;
            throw new IOException("injected commit failure");
        }

        await inner.CommitAsync(key, stagedFilePath, cancellationToken);
        _committed.Add(key);
    }
}
