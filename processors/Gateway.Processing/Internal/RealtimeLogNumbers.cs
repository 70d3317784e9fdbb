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

        foreach (var b in digits)
        {
            var digit = b - '0';
            if ((uint)digit > 9 || value > (long.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    /// <summary>
    /// Seconds with up to three decimals (<c>1607374321.541</c>, <c>0.082</c>, <c>12</c>) as milliseconds.
    /// CloudFront writes exactly three; fewer are accepted because they are unambiguous, more are rejected
    /// because they would be silently rounded.
    /// </summary>
    public static bool TryParseMilliseconds(ReadOnlySpan<byte> text, out long milliseconds)
    {
        milliseconds = 0;
        var dot = text.IndexOf((byte)'.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? [] : text[(dot + 1)..];
        if (dot >= 0 && fraction.IsEmpty)
        {
            return false;
        }

        if (fraction.Length > 3 || !TryParseInteger(whole, out var seconds) || seconds > long.MaxValue / 1000)
        {
            return false;
        }

        long millis = 0;
        if (!fraction.IsEmpty && !TryParseInteger(fraction, out millis))
        {
            return false;
        }

        for (var i = fraction.Length; i < 3; i++)
        {
            millis *= 10;
        }

        milliseconds = (seconds * 1000) + millis;
        return milliseconds >= 0;
    }
}
