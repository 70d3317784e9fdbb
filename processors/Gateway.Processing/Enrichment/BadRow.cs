using System.Text;

namespace Gateway.Processing.Enrichment;

/// <summary>One row of the <c>bad_rows</c> table: input that did not become an event, with the stage and reason.</summary>
/// <remarks>The raw line is kept for diagnosis with every IP address it holds cut to its prefix (see
/// <see cref="IpPrefix"/>) and cut to <see cref="MaxRawBytes"/>; invalid UTF-8 is replaced by U+FFFD.</remarks>
public sealed class BadRow
{
    /// <summary>Longest raw line kept, in UTF-8 bytes.</summary>
    public const int MaxRawBytes = 16 * 1024;

    /// <summary>Stage name of the enricher's own rejections.</summary>
    public const string EnrichStage = "enrich";

    /// <summary>Stage name of events the forward stage could not send (stale, incomplete).</summary>
    public const string ForwardStage = "forward";

    /// <summary>The log timestamp when it could be read, else when the record arrived.</summary>
    public DateTimeOffset Time { get; set; }

    /// <summary>Which stage rejected the input: <c>parse</c>, <c>enrich</c>, …</summary>
    public string Stage { get; set; } = "";

    /// <summary>A stable snake-case code (<c>field_count</c>, <c>missing_pixel_id</c>, …) to group by.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The sentence naming the field, position and fix.</summary>
    public string Message { get; set; } = "";

    /// <summary>The input line, IPs reduced to prefixes, cut to <see cref="MaxRawBytes"/>.</summary>
    public string Raw { get; set; } = "";

    /// <summary>Hive partition keys from <see cref="Time"/>.</summary>
    public PartitionKeys Partition { get; set; }

    /// <summary>A bad row for <paramref name="line"/> with its IPs redacted.</summary>
    public static BadRow Create(ReadOnlySpan<byte> line, DateTimeOffset time, string stage, string reason, string message) => new()
    {
        Time = time,
        Stage = stage,
        Reason = reason,
        Message = message,
        Raw = Redact(line),
        Partition = PartitionKeys.From(time),
    };

    /// <summary>The line as text with every tab-separated field that is an IP address, or a comma-separated list of them, cut to prefixes.</summary>
    public static string Redact(ReadOnlySpan<byte> line)
    {
        var cut = Internal.JsonText.CutAtCharacter(line, MaxRawBytes);
        var text = new StringBuilder(cut.Length + 16);
        var first = true;
        foreach (var range in cut.Split((byte)'\t'))
        {
            if (!first)
            {
                text.Append('\t');
            }

            first = false;
            var field = cut[range];
            if (RedactAddresses(field, text))
            {
                continue;
            }

            text.Append(Encoding.UTF8.GetString(field));
        }

        return text.ToString();
    }

    // A field of IPs ("1.2.3.4" or x-forwarded-for's "1.2.3.4, 2001:db8::1") is appended as prefixes; false when it is anything else.
    private static bool RedactAddresses(ReadOnlySpan<byte> field, StringBuilder text)
    {
        if (field.IsEmpty || field.Length > 1024 || field.IndexOfAnyExcept(AddressBytes) >= 0)
        {
            return false;
        }

        var start = text.Length;
        var any = false;
        foreach (var range in field.Split((byte)','))
        {
            var piece = field[range].Trim((byte)' ');
            if (IpPrefix.FromUtf8(piece) is not { } prefix)
            {
                text.Length = start;
                return false;
            }

            text.Append(any ? ", " : string.Empty).Append(prefix);
            any = true;
        }

        return any;
    }

    private static readonly System.Buffers.SearchValues<byte> AddressBytes =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF.:, %[]"u8);
}
