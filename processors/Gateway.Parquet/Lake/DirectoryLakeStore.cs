using Gateway.Parquet.Lake.Internal;

namespace Gateway.Parquet.Lake;

/// <summary>
/// The lake as a local folder (<c>data/lake</c> in the local pipeline): files are written in <c>_staging/</c> under
/// hidden names that do not end in <c>.parquet</c>, then fsynced and renamed into their partition folder, whose
/// entry is fsynced too. No <c>*.parquet</c> glob (DuckDB's <c>events/**/*.parquet</c>) matches a staged file, and
/// Hive-style readers skip the <c>_</c> folder and <c>.</c> names anyway, so every reader sees a file complete or not
/// at all, also after a crash or power cut.
/// </summary>
public sealed class DirectoryLakeStore : ILakeStore
{
    /// <summary>The staging folder's name below the root; the leading underscore hides it from Hive-style readers.</summary>
    public const string StagingFolderName = "_staging";

    /// <summary>Uses (and creates) <paramref name="root"/> and its staging folder.</summary>
    public DirectoryLakeStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        StagingDirectory = Path.Combine(Root, StagingFolderName);
        CreateDurably(StagingDirectory);
    }

    /// <summary>The lake's root folder; tables are folders below it.</summary>
    public string Root { get; }

    /// <inheritdoc/>
    public string StagingDirectory { get; }

    /// <summary>Deletes staged files of writers that are gone (a stopped or killed process); files of live writers are kept. Returns how many.</summary>
    public int RemoveStagedFiles() => StagedFiles.RemoveLeftovers(StagingDirectory);

    /// <summary>The local path of <paramref name="key"/>.</summary>
    public string PathOf(string key) => Path.Combine(Root, CheckKey(key).Replace('/', Path.DirectorySeparatorChar));

    /// <inheritdoc/>
    public ValueTask CommitAsync(string key, string stagedFilePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(stagedFilePath);
        cancellationToken.ThrowIfCancellationRequested();
        var target = PathOf(key);
        var folder = Path.GetDirectoryName(target)!;
        CreateDurably(folder);
        if (!File.Exists(stagedFilePath))
        {
            // A retry after the rename went through but the folder's fsync did not.
            if (File.Exists(target))
            {
                DirectoryFsync.Flush(folder);
                return ValueTask.CompletedTask;
            }

            throw new FileNotFoundException($"the staged file for {key} is gone and {target} does not exist", stagedFilePath);
        }

        using (var handle = File.OpenHandle(stagedFilePath, FileMode.Open, FileAccess.ReadWrite))
        {
            // The bytes must be on disk before the rename can expose the name, or a power cut could leave an empty file there.
            RandomAccess.FlushToDisk(handle);
        }

        // rename(2): atomic, and replaces a file of the same name (a deterministic name written again).
        File.Move(stagedFilePath, target, overwrite: true);
        DirectoryFsync.Flush(folder);
        return ValueTask.CompletedTask;
    }

    private static string CheckKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.StartsWith('/') || key.EndsWith('/') || key.Contains('\\', StringComparison.Ordinal) || key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{key}' is not a relative '/'-separated file key inside the lake", nameof(key));
        }

        return key;
    }

    // Creates the missing folders from the top down, fsyncing each parent so the new entry survives a power cut.
    private void CreateDurably(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }

        var parent = Path.GetDirectoryName(folder);
        if (parent is not null && !string.Equals(folder, Root, StringComparison.Ordinal))
        {
            CreateDurably(parent);
        }

        Directory.CreateDirectory(folder);
        if (parent is not null)
        {
            DirectoryFsync.Flush(parent);
        }
    }
}
