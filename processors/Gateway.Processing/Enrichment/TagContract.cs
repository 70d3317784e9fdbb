using System.Globalization;
using Gateway.Processing.Forwarding;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Enrichment;

/// <summary>Reads the pixel's tag contract (<c>pid, e, eid, uid, url, ref, v, cur, ts, ch, utm_*</c>, click ids) from decoded query parameters.</summary>
/// <remarks>
/// <para>Duplicates: the first non-empty occurrence of a contract parameter wins; later occurrences are kept in
/// <see cref="TagFields.Props"/> under their own name, so nothing the client sent is lost silently. An empty value
/// (<c>pid=</c>) counts as absent and does not claim the slot.</para>
/// <para><c>ts</c>: a non-negative integer; values below 10^11 are epoch seconds, larger ones epoch milliseconds.
/// 10^11 s is the year 5138 and 10^11 ms is March 1973, so neither unit is ambiguous for real traffic.</para>
/// <para>Click ids: the first present in the order gclid, fbclid, msclkid, ttclid, li_fat_id, wbraid, gbraid wins
/// (wbraid/gbraid last because Google only sends them in place of a gclid); the others go to props.</para>
/// <para>Contact data (<see cref="ContactParameters"/>: em, ph, names, address, external_id) is never kept: such a
/// parameter goes neither to a column nor to props, and the notes name it without its value.</para>
/// </remarks>
public static class TagContract
{
    /// <summary>The event name when <c>e</c> is absent.</summary>
    public const string DefaultEventName = "pageview";

    /// <summary>The channel when <c>ch</c> is absent or unknown.</summary>
    public const string DefaultChannel = "web";

    /// <summary>
    /// Customer-information parameters a tag may send for the ad platforms (Meta's user_data keys): the forward stage
    /// normalizes, hashes and sends them, but they are never stored: not in <see cref="TagFields.Props"/>, only their
    /// names in the notes.
    /// </summary>
    public static IReadOnlyList<string> ContactParameters => MetaUserData.HashedKeys;

    private static readonly byte[][] ContactParameterBytes = [.. ContactParameters.Select(System.Text.Encoding.ASCII.GetBytes)];

    /// <summary>Click-id parameters in priority order: the first present becomes <c>click_id</c>.</summary>
    public static IReadOnlyList<string> ClickIdPriority { get; } = ["gclid", "fbclid", "msclkid", "ttclid", "li_fat_id", "wbraid", "gbraid"];

    // Values at or above this are milliseconds; below, seconds (see remarks).
    private const long MillisecondsThreshold = 100_000_000_000;

    // Keeps ts * 1000 inside DateTimeOffset's range (year 9999).
    private const long MaxUnixMs = 253_402_300_799_999;

    private enum Slot
    {
        None = -1, Pid, E, Eid, Uid, Url, Ref, V, Cur, Ts, Ch, UtmSource, UtmMedium, UtmCampaign, UtmTerm, UtmContent, Count,
    }

    /// <summary>Extracts the contract fields from a parsed line's query (decoded twice by <see cref="RealtimeLogQuery"/>).</summary>
    public static TagFields Extract(in RealtimeLogQuery query)
    {
        var values = default(TagValues);
        Extract(query, null, ref values);
        return values.ToFields();
    }

    /// <summary>The enricher's entry: the query's parameters into <paramref name="values"/>, pooling repeated short values.</summary>
    internal static void Extract(in RealtimeLogQuery query, StringPool? pool, ref TagValues values)
    {
        var buffer = new ParameterBuffer(query.DecodedOnce.Length, 16);
        try
        {
            foreach (var parameter in query)
            {
                buffer.Add(parameter.Name, parameter.Value);
            }

            Extract(buffer, pool, ref values);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>Extracts the contract fields; never throws on any input.</summary>
    public static TagFields Extract(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var buffer = new ParameterBuffer(256, parameters.Count);
        try
        {
            foreach (var (name, value) in parameters)
            {
                if (name is not null && value is not null)
                {
                    buffer.Add(name, value);
                }
            }

            var values = default(TagValues);
            Extract(buffer, null, ref values);
            return values.ToFields();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>The allocation-light core: reads <paramref name="buffer"/> into <paramref name="values"/>, pooling repeated short values.</summary>
    internal static void Extract(in ParameterBuffer buffer, StringPool? pool, ref TagValues values)
    {
        Span<int> slots = stackalloc int[(int)Slot.Count];
        slots.Fill(-1);
        var clickIndex = int.MaxValue;
        var clickAt = -1;
        var restArray = buffer.Count <= 64 ? null : System.Buffers.ArrayPool<int>.Shared.Rent(buffer.Count);
        var rest = restArray is null ? stackalloc int[64] : restArray;
        var restCount = 0;
        var contact = 0;
        try
        {
            for (var i = 0; i < buffer.Count; i++)
            {
                var name = buffer.Name(i);
                var value = buffer.Value(i);
                var slot = SlotOf(name);
                if (slot != Slot.None)
                {
                    if (value.IsEmpty)
                    {
                        continue;
                    }

                    if (slots[(int)slot] < 0)
                    {
                        slots[(int)slot] = i;
                        continue;
                    }
                }
                else if (IsContactParameter(name))
                {
                    // Customer information for the ad platforms: forwarded transiently, never written to the lake.
                    contact |= 1 << ContactIndex(name);
                    continue;
                }
                else
                {
                    var priority = ClickPriority(name);
                    if (priority >= 0 && !value.IsEmpty && clickAt < 0)
                    {
                        (clickIndex, clickAt) = (priority, i);
                        continue;
                    }

                    if (priority >= 0 && !value.IsEmpty && priority < clickIndex)
                    {
                        // A higher-priority click id displaces the one seen earlier, which moves to props.
                        rest[restCount++] = clickAt;
                        (clickIndex, clickAt) = (priority, i);
                        continue;
                    }
                }

                rest[restCount++] = i;
            }

            values.PixelId = Pooled(buffer, slots[(int)Slot.Pid], pool);
            values.EventName = Pooled(buffer, slots[(int)Slot.E], pool) ?? DefaultEventName;
            values.EventId = Text(buffer, slots[(int)Slot.Eid]);
            values.UserId = Text(buffer, slots[(int)Slot.Uid]);
            values.PageUrl = Text(buffer, slots[(int)Slot.Url]);
            values.ReferrerUrl = Text(buffer, slots[(int)Slot.Ref]);
            values.Value = ParseValue(Raw(buffer, slots[(int)Slot.V]), ref values.Notes);
            values.Currency = ParseCurrency(Raw(buffer, slots[(int)Slot.Cur]), pool, ref values.Notes);
            values.ClientTimestampUnixMs = ParseTimestamp(Raw(buffer, slots[(int)Slot.Ts]), ref values.Notes);
            values.Channel = ParseChannel(Raw(buffer, slots[(int)Slot.Ch]), ref values.Notes);
            values.UtmSource = Pooled(buffer, slots[(int)Slot.UtmSource], pool);
            values.UtmMedium = Pooled(buffer, slots[(int)Slot.UtmMedium], pool);
            values.UtmCampaign = Pooled(buffer, slots[(int)Slot.UtmCampaign], pool);
            values.UtmTerm = Text(buffer, slots[(int)Slot.UtmTerm]);
            values.UtmContent = Text(buffer, slots[(int)Slot.UtmContent]);
            values.ClickId = Text(buffer, clickAt);
            values.ClickIdType = clickAt < 0 ? null : ClickIdPriority[clickIndex];
            if (contact != 0)
            {
                (values.Notes ??= []).Add(ContactNote(contact));
            }

            if (restCount > 0)
            {
                values.Props = PropsWriter.Write(buffer, rest[..restCount], out var truncated);
                if (truncated > 0)
                {
                    (values.Notes ??= []).Add($"props: {truncated} parameter(s) dropped or cut to fit the bounds");
                }
            }
        }
        finally
        {
            if (restArray is not null)
            {
                System.Buffers.ArrayPool<int>.Shared.Return(restArray);
            }
        }
    }

    private static ReadOnlySpan<byte> Raw(in ParameterBuffer buffer, int index) => index < 0 ? [] : buffer.Value(index);

    private static string? Text(in ParameterBuffer buffer, int index) =>
        index < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer.Value(index));

    private static string? Pooled(in ParameterBuffer buffer, int index, StringPool? pool) =>
        index < 0 ? null : pool is null ? Text(buffer, index) : pool.Get(buffer.Value(index));

    private static Slot SlotOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        1 => name[0] == (byte)'e' ? Slot.E : name[0] == (byte)'v' ? Slot.V : Slot.None,
        2 => name.SequenceEqual("ts"u8) ? Slot.Ts : name.SequenceEqual("ch"u8) ? Slot.Ch : Slot.None,
        3 => name.SequenceEqual("pid"u8) ? Slot.Pid : name.SequenceEqual("eid"u8) ? Slot.Eid : name.SequenceEqual("uid"u8) ? Slot.Uid
            : name.SequenceEqual("url"u8) ? Slot.Url : name.SequenceEqual("ref"u8) ? Slot.Ref : name.SequenceEqual("cur"u8) ? Slot.Cur : Slot.None,
        >= 8 when name.StartsWith("utm_"u8) => name[4..] switch
        {
            var rest when rest.SequenceEqual("source"u8) => Slot.UtmSource,
            var rest when rest.SequenceEqual("medium"u8) => Slot.UtmMedium,
            var rest when rest.SequenceEqual("campaign"u8) => Slot.UtmCampaign,
            var rest when rest.SequenceEqual("term"u8) => Slot.UtmTerm,
            var rest when rest.SequenceEqual("content"u8) => Slot.UtmContent,
            _ => Slot.None,
        },
        _ => Slot.None,
    };

    // The note naming the contact parameters in the bit set (a separate method: a lambda capturing the set would
    // allocate its closure on every call of Extract, contact parameters or not).
    private static string ContactNote(int contact) =>
        "contact parameters not stored: " + string.Join(", ", ContactParameters.Where((_, index) => (contact & (1 << index)) != 0));

    private static bool IsContactParameter(ReadOnlySpan<byte> name) => name.Length is >= 2 and <= 11 && ContactIndex(name) >= 0;

    private static int ContactIndex(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < ContactParameterBytes.Length; i++)
        {
            if (name.SequenceEqual(ContactParameterBytes[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int ClickPriority(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("gclid"u8) ? 0
        : name.SequenceEqual("fbclid"u8) ? 1
        : name.SequenceEqual("msclkid"u8) ? 2
        : name.SequenceEqual("ttclid"u8) ? 3
        : name.SequenceEqual("li_fat_id"u8) ? 4
        : name.SequenceEqual("wbraid"u8) ? 5
        : name.SequenceEqual("gbraid"u8) ? 6
        : -1;

    private static double? ParseValue(ReadOnlySpan<byte> text, ref List<string>? notes)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        // Invariant culture and no thousands separators: "1,5" is rejected rather than read as 15.
        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        (notes ??= []).Add("v: not a decimal number, value dropped");
        return null;
    }

    private static string? ParseCurrency(ReadOnlySpan<byte> text, StringPool? pool, ref List<string>? notes)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        if (text.Length == 3 && char.IsAsciiLetter((char)text[0]) && char.IsAsciiLetter((char)text[1]) && char.IsAsciiLetter((char)text[2]))
        {
            Span<char> upper = [char.ToUpperInvariant((char)text[0]), char.ToUpperInvariant((char)text[1]), char.ToUpperInvariant((char)text[2])];
            return pool is null ? new string(upper) : pool.Get(upper);
        }

        (notes ??= []).Add("cur: not three letters, currency dropped");
        return null;
    }

    private static long? ParseTimestamp(ReadOnlySpan<byte> text, ref List<string>? notes)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        if (text.Length <= 18 && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0)
        {
            long raw = 0;
            foreach (var digit in text)
            {
                raw = (raw * 10) + (digit - '0');
            }

            var ms = raw >= MillisecondsThreshold ? raw : raw * 1000;
            if (ms <= MaxUnixMs)
            {
                return ms;
            }
        }

        (notes ??= []).Add("ts: not epoch seconds or milliseconds, ignored");
        return null;
    }

    private static string ParseChannel(ReadOnlySpan<byte> text, ref List<string>? notes)
    {
        if (text.IsEmpty)
        {
            return DefaultChannel;
        }

        if (System.Text.Ascii.EqualsIgnoreCase(text, "web"u8))
        {
            return "web";
        }

        if (System.Text.Ascii.EqualsIgnoreCase(text, "email"u8))
        {
            return "email";
        }

        if (System.Text.Ascii.EqualsIgnoreCase(text, "server"u8))
        {
            return "server";
        }

        (notes ??= []).Add("ch: unknown channel, web used");
        return DefaultChannel;
    }
}

/// <summary>The tag-contract fields of one hit as plain fields, filled without allocating a <see cref="TagFields"/>.</summary>
internal struct TagValues
{
    public string? PixelId;
    public string EventName;
    public string? EventId;
    public string? UserId;
    public string? PageUrl;
    public string? ReferrerUrl;
    public double? Value;
    public string? Currency;
    public long? ClientTimestampUnixMs;
    public string Channel;
    public string? UtmSource;
    public string? UtmMedium;
    public string? UtmCampaign;
    public string? UtmTerm;
    public string? UtmContent;
    public string? ClickId;
    public string? ClickIdType;
    public string? Props;
    public List<string>? Notes;

    public readonly TagFields ToFields() => new()
    {
        PixelId = PixelId,
        EventName = EventName ?? TagContract.DefaultEventName,
        EventId = EventId,
        UserId = UserId,
        PageUrl = PageUrl,
        ReferrerUrl = ReferrerUrl,
        Value = Value,
        Currency = Currency,
        ClientTimestampUnixMs = ClientTimestampUnixMs,
        Channel = Channel ?? TagContract.DefaultChannel,
        UtmSource = UtmSource,
        UtmMedium = UtmMedium,
        UtmCampaign = UtmCampaign,
        UtmTerm = UtmTerm,
        UtmContent = UtmContent,
        ClickId = ClickId,
        ClickIdType = ClickIdType,
        Props = Props,
        Notes = Notes is null ? [] : Notes,
    };
}
