using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The admin API's bearer token. Only its SHA-256 is kept: in memory for <c>admin.token</c>, else in
/// <c>&lt;data&gt;/secrets/admin-token.sha256</c> (hex, file 0600), which <c>gateway admin reset-token</c> rewrites and a
/// running <c>gateway up</c> reads again when the file's last-write time changes.
/// </summary>
internal sealed class AdminToken
{
    /// <summary>Starts every generated token, so a leaked one is recognizable in logs and secret scanners.</summary>
    public const string Prefix = "gwa_";

    /// <summary>Random bytes of a generated token.</summary>
    public const int GeneratedBytes = 32;


    // Last-write times come from a clock that ticks every few milliseconds (and every 2 s on some file systems): a file
    // rewritten within the tick of the read keeps its time. While the read is that close to the write, read it again.
    private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly string? _file;
    private readonly TimeProvider _time;
    private FileState _state;

    private AdminToken(string? file, byte[]? hash, TimeProvider time)
    {
        _file = file;
        _time = time;
        _state = new FileState(DateTime.MinValue, DateTimeOffset.MinValue, hash);
    }

    /// <summary>A new token: <see cref="Prefix"/> and 32 random bytes in base64url.</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(GeneratedBytes));

    /// <summary>SHA-256 of the token's UTF-8 bytes, lower-case hex: what the hash file holds.</summary>
    public static string Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    /// <summary>The operator's own token (<c>admin.token</c>); no file is read or written.</summary>
    public static AdminToken Configured(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return new AdminToken(null, SHA256.HashData(Encoding.UTF8.GetBytes(token)), TimeProvider.System);
    }

    /// <summary>The token whose hash is in <paramref name="hashFile"/>; when there is no file, generates a token and writes its hash.</summary>
    /// <param name="hashFile">The hash file.</param>
    /// <param name="created">The generated token, to be shown once; null when the file already existed.</param>
    /// <param name="time">The clock the file's last-write time is compared with (tests).</param>
    /// <exception cref="InvalidDataException">The file exists but holds no SHA-256; the message names the file and the fix.</exception>
    public static AdminToken OpenOrCreate(string hashFile, out string? created, TimeProvider? time = null)
    {
        created = null;
        if (!File.Exists(hashFile))
        {
            var token = Generate();
            if (Write(hashFile, Hash(token), overwrite: false))
            {
                created = token;
            }
        }

        // Read back, not kept from above: when another start won the race to create the file, its token is the one.
        var admin = new AdminToken(hashFile, null, time ?? TimeProvider.System);
        if (admin.Refresh().Hash is null)
        {
            throw new InvalidDataException($"the admin token file '{hashFile}' holds no SHA-256 (64 hex digits); run `gateway admin reset-token` to write a new token");
        }

        return admin;
    }

    /// <summary>Generates a token, replaces the hash in <paramref name="hashFile"/> and returns the token (to be shown once).</summary>
    public static string Reset(string hashFile)
    {
        var token = Generate();
        Write(hashFile, Hash(token), overwrite: true);
        return token;
    }

    /// <summary>The token of <c>gateway up</c>, and the start-up line saying where it comes from (a generated token is in it, once).</summary>
    /// <returns>Null when <c>admin.enabled</c> is false.</returns>
    /// <exception cref="InvalidDataException">The hash file is corrupt (a configuration problem: exit code 2).</exception>
    /// <exception cref="IOException">The hash file cannot be read or written (also <see cref="UnauthorizedAccessException"/>).</exception>
    public static AdminToken? ForUp(GatewayConfig config, out string line)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Admin.Enabled)
        {
            line = "gateway up: admin API off (admin.enabled is false)";
            return null;
        }

        if (config.Admin.Token is { } configured)
        {
            line = $"gateway up: admin API at {AdminApi.Prefix}/ (bearer token from admin.token)";
            return Configured(configured);
        }

        var token = OpenOrCreate(config.AdminTokenFile, out var created);
        line = created is not null
            ? $"gateway up: admin API token (shown once, store it now): {created}"
            : $"gateway up: admin API at {AdminApi.Prefix}/ (bearer token from the first start; reset with: gateway admin reset-token)";
        return token;
    }

    /// <summary>Whether <paramref name="presented"/> is the token; compares SHA-256 hashes in constant time.</summary>
    public bool Verify(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var expected = (_file is null ? _state : Refresh()).Hash;
        if (expected is null)
        {
            // No (valid) hash file: nothing is accepted until `gateway admin reset-token` writes one.
            return false;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), actual);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// A key for signing dashboard sessions, derived from the current token's hash (so a new token ends every session);
    /// null while no valid token exists.
    /// </summary>
    public byte[]? SessionKey()
    {
        var hash = (_file is null ? _state : Refresh()).Hash;
        return hash is null ? null : HMACSHA256.HashData(hash, "gateway dashboard session v1"u8);
    }

    /// <summary>The hash file's state, read again when its last-write time changed (one stat per call otherwise).</summary>
    private FileState Refresh()
    {
        var state = Volatile.Read(ref _state);
        var written = File.GetLastWriteTimeUtc(_file!);
        if (written == state.Written && state.ReadAt - written > RacyWindow)
        {
            return state;
        }

        var readAt = _time.GetUtcNow();
        var fresh = new FileState(written, readAt, ReadHash(_file!));
        Volatile.Write(ref _state, fresh);
        return fresh;
    }

    private static byte[]? ReadHash(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.ASCII).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Missing or unreadable: fail closed, every token is refused until the file is readable again.
            return null;
        }

        if (text.Length != SHA256.HashSizeInBytes * 2)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the hash (file 0600 in a 0700 folder, atomically); false when <paramref name="overwrite"/> is false and the file appeared meanwhile.</summary>
    private static bool Write(string path, string hash, bool overwrite) => SecretFile.Write(path, hash, overwrite);

    /// <summary>What was read from the hash file, and when; <see cref="Hash"/> is null when it held no valid hash.</summary>
    private sealed record FileState(DateTime Written, DateTimeOffset ReadAt, byte[]? Hash);
}
