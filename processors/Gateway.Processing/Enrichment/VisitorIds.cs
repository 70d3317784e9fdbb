using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

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
    private readonly byte[] _uidKey;
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
        _uidKey = HMACSHA256.HashData(_secret, "visitor-uid"u8);
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
        var date = DateOnly.FromDateTime(receivedTime.UtcDateTime);
        var salt = _salt;
        if (salt is null || salt.Date != date)
        {
            salt = new DaySalt(date, DailySalt(_secret, date));
            _salt = salt;
        }

        return Mac(salt.Key, pixelId, ip, userAgent);
    }

    /// <summary>The visitor id for a site-supplied uid: stable across days and devices, never the raw uid.</summary>
    public string FromUserId(string pixelId, string userId)
    {
        ArgumentNullException.ThrowIfNull(pixelId);
        ArgumentNullException.ThrowIfNull(userId);
        return Mac(_uidKey, pixelId, userId, null);
    }

    private static string Mac(byte[] key, string a, string b, string? c)
    {
        var max = Framed(a) + Framed(b) + (c is null ? 0 : Framed(c));
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Frame(a, rented, 0);
            length = Frame(b, rented, length);
            if (c is not null)
            {
                length = Frame(c, rented, length);
            }

            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(key, rented.AsSpan(0, length), mac);
            return Convert.ToHexStringLower(mac[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // At most three UTF-8 bytes per UTF-16 char (a lone surrogate becomes the 3-byte U+FFFD).
    private static int Framed(string field) => 4 + (int)Math.Min(3L * field.Length, MaxFieldBytes);

    private static int Frame(string field, byte[] buffer, int offset)
    {
        var bytes = Encoding.UTF8.GetByteCount(field) <= MaxFieldBytes
            ? Encoding.UTF8.GetBytes(field, buffer.AsSpan(offset + 4))
            : CutInto(field, buffer.AsSpan(offset + 4, MaxFieldBytes));
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), bytes);
        return offset + 4 + bytes;
    }

    private static int CutInto(string field, Span<byte> destination)
    {
        Encoding.UTF8.GetEncoder().Convert(field, destination, flush: true, out _, out var bytes, out _);
        return bytes;
    }

    private sealed record DaySalt(DateOnly Date, byte[] Key);
}
