namespace Gateway.Streams;

/// <summary>Replaces a file so that after a crash either the old or the new content is there, never a mix.</summary>
/// <remarks>The content goes to a unique temporary file in the same folder, is flushed to disk, renamed over the target
/// (rename(2) is atomic within a file system) and the folder is fsynced (<see cref="DirectorySync"/>) so the rename
/// itself survives a power loss.</remarks>
public static class AtomicFile
{
    /// <summary>The suffix of the temporary files (a crash can leave one behind).</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>; false when <paramref name="overwrite"/> is off and the
    /// file already exists (another writer won). With <paramref name="mode"/> (Unix), the file is created with it and
    /// then set to exactly it, so a secret is never readable by more users, not even briefly.
    /// </summary>
    public static bool Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null, bool overwrite = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Unique per writer so two processes committing the same file never share a temp file.
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
            if (mode is { } created && !OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = created;
            }

            using (var file = new FileStream(temp, options))
            {
                file.Write(content);
                // On disk before the rename can expose it, or a crash could leave an empty file under the real name.
                file.Flush(flushToDisk: true);
            }

            if (mode is { } exact && !OperatingSystem.IsWindows())
            {
                // The umask may have narrowed the create mode.
                File.SetUnixFileMode(temp, exact);
            }

            File.Move(temp, path, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            TryDelete(temp);
            return false;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        DirectorySync.Flush(directory);
        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original failure is what the caller needs to see.
        }
    }
}
