namespace Gateway.Streams.Internal;

/// <summary>Replaces a small file so that after a crash either the old or the new content is there, never a mix.</summary>
internal static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        // Unique per writer so two processes committing the same file never share a temp file.
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
            {
                RandomAccess.Write(handle, content, 0);
                // The content must be on disk before the rename can expose it, or a crash could leave an empty file under the real name.
                RandomAccess.FlushToDisk(handle);
            }

            // rename(2) replaces the target atomically.
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        // Makes the rename itself durable; without it a power loss could bring back the previous file.
        DirectorySync.Flush(directory);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is what the caller needs to see.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
