using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Edge.Internal;

/// <summary>
/// Request ids shaped like CloudFront's <c>x-edge-request-id</c> (40 bytes, URL-safe base64, 56 chars). A random
/// per-process prefix plus a counter keeps them unique without a random draw per hit.
/// </summary>
internal sealed class RequestIds
{
    private readonly byte[] _prefix = RandomNumberGenerator.GetBytes(32);
    private long _counter;

    public string Next()
    {
        Span<byte> raw = stackalloc byte[40];
        _prefix.CopyTo(raw);
        BinaryPrimitives.WriteInt64BigEndian(raw[32..], Interlocked.Increment(ref _counter));
        Span<char> chars = stackalloc char[56];
        Convert.TryToBase64Chars(raw, chars, out _);
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch { '+' => '-', '/' => '_', var c => c };
        }

        return new string(chars);
    }
}
