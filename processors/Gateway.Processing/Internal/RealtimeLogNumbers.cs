namespace Gateway.Processing.Internal;

/// <summary>The number formats of CloudFront real-time log fields, parsed strictly from ASCII digits.</summary>
internal static class RealtimeLogNumbers
{
    /// <summary>Unsigned decimal integer, no sign, no spaces; false on anything else or on overflow.</summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 19)
        {
            return false;
        }

        // Nineteen nines still fit a ulong, so the overflow check is one comparison at the end, not one per digit.
        ulong result = 0;
        foreach (var b in digits)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                return false;
            }

            result = (result * 10) + digit;
        }

        value = (long)result;
        return result <= long.MaxValue;
    }

    /// <summary>
    /// Seconds with up to three decimals (<c>1607374321.541</c>, <c>0.082</c>, <c>12</c>) as milliseconds.
    /// CloudFront writes exactly three; fewer are accepted because they are unambiguous, more are rejected
    /// because they would be silently rounded.
    /// </summary>
    public static bool TryParseMilliseconds(ReadOnlySpan<byte> text, out long milliseconds)
    {
        milliseconds = 0;

        // One pass: the whole seconds up to the first non-digit, which must be the end or a '.'.
        ulong seconds = 0;
        var i = 0;
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                break;
            }

            seconds = (seconds * 10) + digit;
        }

        if (i == 0 || i > 19 || seconds > long.MaxValue / 1000)
        {
            return false;
        }

        ulong millis = 0;
        if (i < text.Length)
        {
            var fraction = text[(i + 1)..];
            if (text[i] != (byte)'.' || fraction.IsEmpty || fraction.Length > 3)
            {
                return false;
            }

            var scale = 100u;
            foreach (var b in fraction)
            {
                var digit = (uint)(b - '0');
                if (digit > 9)
                {
                    return false;
                }

                millis += digit * scale;
                scale /= 10;
            }
        }

        // Seconds up to long.MaxValue / 1000 and 999 ms can still pass long.MaxValue by a little.
        var total = (seconds * 1000) + millis;
        milliseconds = (long)total;
        return total <= long.MaxValue;
    }
}
