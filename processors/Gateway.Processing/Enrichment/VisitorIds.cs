using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Enrichment;

/// <summary>Derives <c>visitor_id</c> with HMAC-SHA256 so the lake never holds an IP, a UA-based fingerprint that outlives a day, or a raw uid.</summary>
/// <remarks>
/// <para>Anonymous visitors: the key is a daily salt, HMAC-SHA256(secret, "visitor-salt:" + UTC date yyyy-MM-dd), so ids
/// rotate at UTC midnight and no salt is ever stored; it is recomputed from the secret. The message is pixel_id, full IP
/// and user agent, each as a 4-byte big-endian UTF-8 length followed by its bytes, so no choice of field contents can
/// collide with another split.</para>
/// <para>Site-supplied <c>uid</c>: the key is HMAC-SHA256(secret, "visitor-uid") and the message is pixel_id and uid framed
/// the same way. It does not rotate, so a signed-in user is one visitor across days and devices, yet the column never
/// holds the raw uid (that is <c>user_id</c>'s job, under the site's own terms).</para>
/// <para>Output: the first 128 bits of the MAC as 32 lower-case hex characters. The date used is the caller's; pass the
/// log (received) time, not the client's <c>ts</c>, so a client cannot pick the salt.</para>
/// <para>Thread-safe: the only mutable state is the cached salt for the latest date, swapped as one immutable object.</para>
/// </remarks>
public sealed class VisitorIds
{
    /// <summary>Shortest accepted secret, in bytes (the HMAC-SHA256 output size).</summary>
    public const int MinSecretBytes = 32;

    // Fields beyond this are cut before hashing: a UA is never this long in practice and the cap bounds the stack/pool use.
    private const int MaxFieldBytes = 8 * 1024;

    private readonly byte[] _secret;
    private readonly Sha256.HmacKey _uidKey;
    private DaySalt? _salt;

    /// <summary>Creates the deriver; throws <see cref="ArgumentException"/> naming the fix when the secret is missing or shorter than <see cref="MinSecretBytes"/>.</summary>
    public VisitorIds(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinSecretBytes)
        {
            throw new ArgumentException(
                $"The visitor-id secret is {(secret.IsEmpty ? "missing" : $"only {secret.Length} bytes")}; configure at least {MinSecretBytes} random bytes (for example the output of `openssl rand -base64 48`).",
                nameof(secret));
        }

        _secret = secret.ToArray();
        _uidKey = new Sha256.HmacKey(HMACSHA256.HashData(_secret, "visitor-uid"u8));
    }

    /// <summary>The daily salt for a UTC date: HMAC-SHA256(secret, "visitor-salt:yyyy-MM-dd").</summary>
    public static byte[] DailySalt(ReadOnlySpan<byte> secret, DateOnly utcDate)
    {
        Span<byte> message = stackalloc byte[32];
        var length = Encoding.ASCII.GetBytes("visitor-salt:", message);
        utcDate.TryFormat(message[length..], out var written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        return HMACSHA256.HashData(secret, message[..(length + written)]);
    }

    /// <summary>The anonymous visitor id for one hit, keyed by the salt of <paramref name="receivedTime"/>'s UTC date.</summary>
    public string Anonymous(string pixelId, string ip, string userAgent, DateTimeOffset receivedTime)
    {
        ArgumentNullException.ThrowIfNull(pixelId);
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(userAgent);
        // Encoding replaces lone surrogates with U+FFFD, so any string has one UTF-8 form.
        return Anonymous(Encoding.UTF8.GetBytes(pixelId), Encoding.UTF8.GetBytes(ip), Encoding.UTF8.GetBytes(userAgent), receivedTime);
    }

    /// <summary>Same as the string overload over UTF-8 bytes (what the parsed log line holds); no allocation but the result.</summary>
    public string Anonymous(ReadOnlySpan<byte> pixelId, ReadOnlySpan<byte> ip, ReadOnlySpan<byte> userAgent, DateTimeOffset receivedTime)
    {
        var date = DateOnly.FromDateTime(receivedTime.UtcDateTime);
        var salt = _salt;
        if (salt is null || salt.Date != date)
        {
            salt = new DaySalt(date, new Sha256.HmacKey(DailySalt(_secret, date)));
            _salt = salt;
        }

        return Mac(salt.Key, pixelId, ip, userAgent, three: true);
    }

    /// <summary>The visitor id for a site-supplied uid: stable across days and devices, never the raw uid.</summary>
    public string FromUserId(string pixelId, string userId)
    {
        ArgumentNullException.ThrowIfNull(pixelId);
        ArgumentNullException.ThrowIfNull(userId);
        return FromUserId(Encoding.UTF8.GetBytes(pixelId), Encoding.UTF8.GetBytes(userId));
    }

    /// <summary>Same as the string overload over UTF-8 bytes.</summary>
    public string FromUserId(ReadOnlySpan<byte> pixelId, ReadOnlySpan<byte> userId) => Mac(_uidKey, pixelId, userId, [], three: false);

    private static string Mac(Sha256.HmacKey key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, bool three)
    {
        a = Internal.JsonText.CutAtCharacter(a, MaxFieldBytes);
        b = Internal.JsonText.CutAtCharacter(b, MaxFieldBytes);
        c = Internal.JsonText.CutAtCharacter(c, MaxFieldBytes);
        var length = 12 + a.Length + b.Length + c.Length;
        byte[]? rented = null;
        var message = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var at = Frame(a, message, 0);
            at = Frame(b, message, at);
            if (three)
            {
                at = Frame(c, message, at);
            }

            Span<byte> mac = stackalloc byte[32];
            key.Compute(message[..at], mac);
            return Convert.ToHexStringLower(mac[..16]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Frame(ReadOnlySpan<byte> field, Span<byte> buffer, int offset)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer[offset..], field.Length);
        field.CopyTo(buffer[(offset + 4)..]);
        return offset + 4 + field.Length;
    }

    private sealed record DaySalt(DateOnly Date, Sha256.HmacKey Key);
}
