using System.Security.Cryptography;
using System.Text;
using Gateway.Processing.Enrichment;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The visitor-id key <c>gateway up</c> generates when <c>enrich.visitorSecret</c> is not configured: 48 random bytes,
/// base64 in <c>&lt;data&gt;/secrets/visitor-id.key</c> (file 0600, folder 0700), read again on every later start so
/// visitor ids stay stable across restarts.
/// </summary>
/// <remarks>
/// Base64 text rather than raw bytes, so the value can be moved into <c>enrich.visitorSecret</c> as it is. The file
/// is written once, atomically (temp file, fsync, no-replace rename, directory fsync): a crash leaves no file or the
/// whole key, never a short one that would silently become a different key.
/// </remarks>
internal static class VisitorSecretFile
{
    /// <summary>Bytes of a generated key: more than <see cref="VisitorIds.MinSecretBytes"/>, like <c>openssl rand -base64 48</c>.</summary>
    public const int GeneratedBytes = 48;

    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Reads the key at <paramref name="path"/>, or creates it when there is none.</summary>
    /// <param name="path">The key file.</param>
    /// <param name="created">True when this call generated the key.</param>
    /// <exception cref="InvalidDataException">The file exists but holds no valid key; the message names the file and the fix.</exception>
    public static byte[] LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (File.Exists(path))
        {
            return Read(path);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode0700);
            }

            DirectorySync.Flush(Path.GetDirectoryName(directory)!);
        }

        var key = RandomNumberGenerator.GetBytes(GeneratedBytes);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Created with the mode, not chmod-ed afterwards: the key is never readable by others, not even briefly.
                options.UnixCreateMode = FileMode0600;
            }

            using (var file = new FileStream(temp, options))
            {
                file.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key) + "\n"));
                // On disk before the rename exposes it, or a crash could leave an empty key file.
                file.Flush(flushToDisk: true);
            }

            // No overwrite: if another start won the race, its key is the one every id is derived from.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            TryDelete(temp);
            return Read(path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        DirectorySync.Flush(directory);
        created = true;
        return key;
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path, Encoding.ASCII).Trim();
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var length) && length >= VisitorIds.MinSecretBytes)
        {
            return buffer[..length];
        }

        throw new InvalidDataException(
            $"the visitor-id key file '{path}' is corrupt (expected base64 of at least {VisitorIds.MinSecretBytes} bytes). "
            + "Restore it from a backup to keep visitor ids, or delete it to generate a new key on the next start (visitor ids then change), "
            + "or set enrich.visitorSecret (`openssl rand -base64 48`).");
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
