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

        var key = RandomNumberGenerator.GetBytes(GeneratedBytes);
        // No overwrite: if another start won the race, its key is the one every id is derived from.
        if (!SecretFile.Write(path, Convert.ToBase64String(key), overwrite: false))
        {
            return Read(path);
        }

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
}
