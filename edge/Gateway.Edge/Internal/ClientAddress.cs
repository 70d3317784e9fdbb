using System.Net;
using System.Net.Sockets;

namespace Gateway.Edge.Internal;

/// <summary>
/// Turns viewer addresses into what may be stored: IPv4 truncated to /24, IPv6 to /48. The full address never
/// leaves the request (privacy rule: no full client IP on disk or in logs).
/// </summary>
internal static class ClientAddress
{
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    // Keep-alive connections send many hits from one address; remembering the last one per thread saves the
    // parse-and-format on most hits.
    [ThreadStatic]
    private static (IPAddress Address, string Truncated)? _last;

    public static string Truncate(IPAddress address)
    {
        if (_last is { } last && last.Address.Equals(address))
        {
            return last.Truncated;
        }

        var truncated = TruncateUncached(address);
        _last = (address, truncated);
        return truncated;
    }

    private static string TruncateUncached(IPAddress address)
    {
        address = Normalize(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
        }
        else
        {
            bytes[6..length].Clear();
        }

        return new IPAddress(bytes[..length]).ToString();
    }

    public static string Version(IPAddress address) =>
        Normalize(address).AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    /// <summary>Truncates every address in an X-Forwarded-For list; entries that are not addresses are kept as sent.</summary>
    public static string TruncateForwardedFor(string header)
    {
        var parts = header.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (IPAddress.TryParse(part, out var ip))
            {
                parts[i] = (i == 0 ? "" : " ") + Truncate(ip);
            }
        }

        return string.Join(',', parts);
    }

    /// <summary>
    /// The viewer behind a chain of trusted proxies: the right-most X-Forwarded-For entry that is not itself a
    /// trusted proxy (entries to its left could be forged by the viewer).
    /// </summary>
    public static IPAddress Viewer(IPAddress peer, string? forwardedFor, IReadOnlyList<IPNetwork> trusted)
    {
        peer = Normalize(peer);
        if (!IsTrusted(peer, trusted) || string.IsNullOrEmpty(forwardedFor))
        {
            return peer;
        }

        var candidate = peer;
        var parts = forwardedFor.Split(',');
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(parts[i].Trim(), out var hop))
            {
                break;
            }

            candidate = Normalize(hop);
            if (!IsTrusted(candidate, trusted))
            {
                break;
            }
        }

        return candidate;
    }

    public static bool IsTrusted(IPAddress address, IReadOnlyList<IPNetwork> trusted)
    {
        foreach (var network in trusted)
        {
            if (network.Contains(Normalize(address)))
            {
                return true;
            }
        }

        return false;
    }
}
