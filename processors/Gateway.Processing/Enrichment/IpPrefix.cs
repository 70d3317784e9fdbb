using System.Net;
using System.Net.Sockets;

namespace Gateway.Processing.Enrichment;

/// <summary>Truncates a client IP to the prefix the lake keeps (IPv4 /24, IPv6 /48); the full address is never returned.</summary>
public static class IpPrefix
{
    /// <summary>"a.b.c.0" for IPv4 (and IPv4-mapped IPv6), the /48 network in compressed form for IPv6, null for anything else.</summary>
    /// <remarks>IPv4 must be four dotted decimals without leading zeros: <see cref="IPAddress.TryParse(string, out IPAddress)"/> also accepts "1" or "0x7f.1", which no edge writes.</remarks>
    public static string? From(string? ip)
    {
        if (string.IsNullOrEmpty(ip) || ip.Length > 64)
        {
            return null;
        }

        var span = ip.AsSpan();
        if (span.Contains(':'))
        {
            if (!IPAddress.TryParse(span, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return null;
            }

            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            if (address.IsIPv4MappedToIPv6)
            {
                return Format4(bytes[12], bytes[13], bytes[14]);
            }

            // Only the first 48 bits survive; building a fresh address also drops any %zone.
            bytes[6..].Clear();
            return new IPAddress(bytes).ToString();
        }

        return IsDottedQuad(span) && IPAddress.TryParse(span, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork
            ? FormatV4(v4)
            : null;
    }

    private static string FormatV4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return Format4(bytes[0], bytes[1], bytes[2]);
    }

    private static string Format4(byte a, byte b, byte c) => $"{a}.{b}.{c}.0";

    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        var digits = 0;
        var leadingZero = false;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0)
                {
                    return false;
                }

                leadingZero = false;
                parts++;
                digits = 0;
            }
            else if (char.IsAsciiDigit(c) && digits < 3 && !leadingZero)
            {
                // "010" would be read as octal by some parsers and decimal by others: refuse rather than guess.
                leadingZero = digits == 0 && c == '0';
                digits++;
            }
            else
            {
                return false;
            }
        }

        return parts == 3 && digits > 0;
    }
}
