using System.Net;
using System.Net.Sockets;

namespace Gateway.Processing.Enrichment;

/// <summary>Truncates a client IP to the prefix the lake keeps (IPv4 /24, IPv6 /48); the full address is never returned.</summary>
public static class IpPrefix
{
    /// <summary>"a.b.c.0" for IPv4 (and IPv4-mapped IPv6), the /48 network in compressed form for IPv6, null for anything else.</summary>
    /// <remarks>IPv4 must be four dotted decimals without leading zeros: <see cref="IPAddress.TryParse(string, out IPAddress)"/> also accepts "1" or "0x7f.1", which no edge writes.</remarks>
    public static string? From(string? ip) => From(ip.AsSpan());

    /// <summary>Same as the string overload for the UTF-8 bytes of a log field (IPv4 parsed without allocating).</summary>
    public static string? FromUtf8(ReadOnlySpan<byte> ip)
    {
        if (ip.IsEmpty || ip.Length > 64 || !System.Text.Ascii.IsValid(ip))
        {
            return null;
        }

        Span<char> chars = stackalloc char[64];
        System.Text.Ascii.ToUtf16(ip, chars, out var length);
        return From(chars[..length]);
    }

    /// <summary>Same as the string overload for chars.</summary>
    public static string? From(ReadOnlySpan<char> span)
    {
        if (span.IsEmpty || span.Length > 64)
        {
            return null;
        }

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

            // Only the first 48 bits survive (any %zone is dropped with the rest).
            return Format48(bytes);
        }

        // The dotted-quad check already pins the syntax, so the octets are read here without an IPAddress.
        Span<int> octets = stackalloc int[4];
        return IsDottedQuad(span) && TryOctets(span, octets) ? Format4((byte)octets[0], (byte)octets[1], (byte)octets[2]) : null;
    }

    /// <summary>The /48 network in RFC 5952 form: the trailing five zero groups are always the longest run, so it is
    /// compressed, and the first three groups are written up to the last non-zero one ("2001:db8::", "0:0:1::", "::").</summary>
    private static string Format48(ReadOnlySpan<byte> bytes)
    {
        Span<int> groups = [(bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3], (bytes[4] << 8) | bytes[5]];
        var last = groups[2] != 0 ? 2 : groups[1] != 0 ? 1 : groups[0] != 0 ? 0 : -1;
        if (last < 0)
        {
            return "::";
        }

        Span<char> text = stackalloc char[20];
        var at = 0;
        for (var i = 0; i <= last; i++)
        {
            groups[i].TryFormat(text[at..], out var written, "x", System.Globalization.CultureInfo.InvariantCulture);
            at += written;
            text[at++] = ':';
        }

        text[at++] = ':';
        return new string(text[..at]);
    }

    private static bool TryOctets(ReadOnlySpan<char> text, Span<int> octets)
    {
        var part = 0;
        octets.Clear();
        foreach (var c in text)
        {
            if (c == '.')
            {
                part++;
            }
            else if ((octets[part] = (octets[part] * 10) + (c - '0')) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static string Format4(byte a, byte b, byte c)
    {
        Span<char> text = stackalloc char[16];
        a.TryFormat(text, out var at, default, System.Globalization.CultureInfo.InvariantCulture);
        text[at++] = '.';
        b.TryFormat(text[at..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        text[at++] = '.';
        c.TryFormat(text[at..], out written, default, System.Globalization.CultureInfo.InvariantCulture);
        at += written;
        ".0".CopyTo(text[at..]);
        return new string(text[..(at + 2)]);
    }

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
