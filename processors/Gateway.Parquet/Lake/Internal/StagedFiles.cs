namespace Gateway.Parquet.Lake.Internal;

/// <summary>
/// Files being written: hidden (leading '.') and not ending in .parquet, so no lake glob matches them, and named after
/// the writer that owns them. Each writer holds an exclusively locked <c>.&lt;writer&gt;.writer.lock</c> next to them
/// for its lifetime; a lock nobody holds means the writer is gone, and its staged files are litter.
/// </summary>
internal static class StagedFiles
{
    private const string Suffix = ".parquet.tmp";
    private const string LockSuffix = ".writer.lock";

    /// <summary>Creates and locks the lock file of writer <paramref name="writerId"/>; dispose the handle (then <see cref="ReleaseLock"/>) when the writer ends.</summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle AcquireLock(string stagingDirectory, Guid writerId) =>
        File.OpenHandle(LockPath(stagingDirectory, writerId), FileMode.CreateNew, FileAccess.Write, FileShare.None);

    /// <summary>Releases and deletes the writer's lock file.</summary>
    public static void ReleaseLock(string stagingDirectory, Guid writerId, Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        TryDelete(LockPath(stagingDirectory, writerId));
        handle.Dispose();
    }

    /// <summary>A fresh staged path for a file of <paramref name="table"/> owned by writer <paramref name="writerId"/>.</summary>
    public static string NewPath(string stagingDirectory, LakeTable table, Guid writerId) =>
        Path.Combine(stagingDirectory, $".{LakeTables.FolderName(table)}-{writerId:N}-{Guid.NewGuid():N}{Suffix}");

    /// <summary>
    /// Deletes the staged files of writers that are gone (their lock is free or missing), and their locks; returns how
    /// many staged files. Files of live writers — open, or closed and waiting for a commit — are kept, so this is safe
    /// while other writers (a replay next to <c>up</c>) use the same folder.
    /// </summary>
    /// <remarks>The rows of removed files were never covered by a checkpoint, so their source is read again.</remarks>
    public static int RemoveLeftovers(string stagingDirectory)
    {
        if (!Directory.Exists(stagingDirectory))
        {
            return 0;
        }

        var held = new Dictionary<Guid, Microsoft.Win32.SafeHandles.SafeFileHandle?>();
        var removed = 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(stagingDirectory, "." + "*" + Suffix))
            {
                if (WriterOf(file) is not { } writer)
                {
                    continue;
                }

                if (!held.TryGetValue(writer, out var gone))
                {
                    gone = TryTakeLock(stagingDirectory, writer);
                    held[writer] = gone;
                }

                // A lock that could not be taken belongs to a live writer; a taken (or missing) one to a gone writer.
                if (gone is not null || !File.Exists(LockPath(stagingDirectory, writer)))
                {
                    TryDelete(file);
                    removed++;
                }
            }

            foreach (var file in Directory.EnumerateFiles(stagingDirectory, "." + "*" + LockSuffix))
            {
                if (WriterOf(file) is { } writer && !held.ContainsKey(writer) && TryTakeLock(stagingDirectory, writer) is { } lockHandle)
                {
                    held[writer] = lockHandle;
                }
            }
        }
        finally
        {
            foreach (var (writer, handle) in held)
            {
                if (handle is not null)
                {
                    ReleaseLock(stagingDirectory, writer, handle);
                }
            }
        }

        return removed;
    }

    /// <summary>Best-effort delete: a staged file that cannot be removed is only litter, never visible to readers.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string LockPath(string stagingDirectory, Guid writerId) => Path.Combine(stagingDirectory, $".{writerId:N}{LockSuffix}");

    // ".events-<writer>-<file>.parquet.tmp" or ".<writer>.writer.lock".
    private static Guid? WriterOf(string path)
    {
        var name = Path.GetFileName(path.AsSpan());
        if (name.EndsWith(LockSuffix, StringComparison.Ordinal))
        {
            return Guid.TryParseExact(name[1..^LockSuffix.Length], "N", out var id) ? id : null;
        }

        var parts = name[..^Suffix.Length].ToString().Split('-');
        return parts.Length >= 3 && Guid.TryParseExact(parts[^2], "N", out var writer) ? writer : null;
    }

    // The lock of a gone writer (now held by us), or null when a live writer holds it or it does not exist.
    private static Microsoft.Win32.SafeHandles.SafeFileHandle? TryTakeLock(string stagingDirectory, Guid writer)
    {
        try
        {
            return File.OpenHandle(LockPath(stagingDirectory, writer), FileMode.Open, FileAccess.Write, FileShare.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
