namespace Gateway.Lambda;

/// <summary>Orders Kinesis sequence numbers: decimal strings of up to 129 digits, too long for any integer type.</summary>
public static class KinesisSequenceNumber
{
    /// <summary>Compares two sequence numbers numerically; a missing (null or empty) one sorts before every number.</summary>
    public static int Compare(string? x, string? y)
    {
        if (string.IsNullOrEmpty(x) || string.IsNullOrEmpty(y))
        {
            return (string.IsNullOrEmpty(x) ? 0 : 1) - (string.IsNullOrEmpty(y) ? 0 : 1);
        }

        var a = x.AsSpan().TrimStart('0');
        var b = y.AsSpan().TrimStart('0');
        if (a.Length != b.Length)
        {
            return a.Length < b.Length ? -1 : 1;
        }

        // Equal lengths of ASCII digits: ordinal order is numeric order.
        return Math.Sign(a.SequenceCompareTo(b));
    }
}
