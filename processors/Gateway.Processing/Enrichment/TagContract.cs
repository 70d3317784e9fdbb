using System.Globalization;

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
/// </remarks>
public static class TagContract
{
    /// <summary>The event name when <c>e</c> is absent.</summary>
    public const string DefaultEventName = "pageview";

    /// <summary>The channel when <c>ch</c> is absent or unknown.</summary>
    public const string DefaultChannel = "web";

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
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var parameter in query)
        {
            parameters.Add(new(parameter.GetName(), parameter.GetValue()));
        }

        return Extract(parameters);
    }

    /// <summary>Extracts the contract fields; never throws on any input.</summary>
    public static TagFields Extract(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var slots = new string?[(int)Slot.Count];
        var clickIndex = int.MaxValue;
        string? clickId = null;
        List<KeyValuePair<string, string>>? rest = null;
        List<string>? notes = null;

        foreach (var (name, value) in parameters)
        {
            if (name is null || value is null)
            {
                continue;
            }

            var slot = SlotOf(name);
            if (slot != Slot.None)
            {
                if (value.Length == 0)
                {
                    continue;
                }

                if (slots[(int)slot] is null)
                {
                    slots[(int)slot] = value;
                    continue;
                }
            }
            else
            {
                var priority = ClickPriority(name);
                if (priority >= 0 && value.Length > 0 && clickId is null)
                {
                    clickIndex = priority;
                    clickId = value;
                    continue;
                }

                if (priority >= 0 && value.Length > 0 && priority < clickIndex)
                {
                    // A higher-priority click id displaces the one seen earlier, which moves to props.
                    (rest ??= []).Add(new(ClickIdPriority[clickIndex], clickId!));
                    clickIndex = priority;
                    clickId = value;
                    continue;
                }
            }

            (rest ??= []).Add(new(name, value));
        }

        var value2 = ParseValue(slots[(int)Slot.V], ref notes);
        var currency = ParseCurrency(slots[(int)Slot.Cur], ref notes);
        var ts = ParseTimestamp(slots[(int)Slot.Ts], ref notes);
        var channel = ParseChannel(slots[(int)Slot.Ch], ref notes);
        var truncated = 0;
        var props = rest is null ? null : PropsWriter.Write(rest, out truncated);
        if (truncated > 0)
        {
            (notes ??= []).Add($"props: {truncated} parameter(s) dropped or cut to fit the bounds");
        }

        return new TagFields
        {
            PixelId = slots[(int)Slot.Pid],
            EventName = slots[(int)Slot.E] ?? DefaultEventName,
            EventId = slots[(int)Slot.Eid],
            UserId = slots[(int)Slot.Uid],
            PageUrl = slots[(int)Slot.Url],
            ReferrerUrl = slots[(int)Slot.Ref],
            Value = value2,
            Currency = currency,
            ClientTimestampUnixMs = ts,
            Channel = channel,
            UtmSource = slots[(int)Slot.UtmSource],
            UtmMedium = slots[(int)Slot.UtmMedium],
            UtmCampaign = slots[(int)Slot.UtmCampaign],
            UtmTerm = slots[(int)Slot.UtmTerm],
            UtmContent = slots[(int)Slot.UtmContent],
            ClickId = clickId,
            ClickIdType = clickId is null ? null : ClickIdPriority[clickIndex],
            Props = props,
            Notes = notes is null ? [] : notes,
        };
    }

    private static Slot SlotOf(string name) => name switch
    {
        "pid" => Slot.Pid,
        "e" => Slot.E,
        "eid" => Slot.Eid,
        "uid" => Slot.Uid,
        "url" => Slot.Url,
        "ref" => Slot.Ref,
        "v" => Slot.V,
        "cur" => Slot.Cur,
        "ts" => Slot.Ts,
        "ch" => Slot.Ch,
        "utm_source" => Slot.UtmSource,
        "utm_medium" => Slot.UtmMedium,
        "utm_campaign" => Slot.UtmCampaign,
        "utm_term" => Slot.UtmTerm,
        "utm_content" => Slot.UtmContent,
        _ => Slot.None,
    };

    private static int ClickPriority(string name) => name switch
    {
        "gclid" => 0,
        "fbclid" => 1,
        "msclkid" => 2,
        "ttclid" => 3,
        "li_fat_id" => 4,
        "wbraid" => 5,
        "gbraid" => 6,
        _ => -1,
    };

    private static double? ParseValue(string? text, ref List<string>? notes)
    {
        if (text is null)
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

    private static string? ParseCurrency(string? text, ref List<string>? notes)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length == 3 && char.IsAsciiLetter(text[0]) && char.IsAsciiLetter(text[1]) && char.IsAsciiLetter(text[2]))
        {
            return text.ToUpperInvariant();
        }

        (notes ??= []).Add("cur: not three letters, currency dropped");
        return null;
    }

    private static long? ParseTimestamp(string? text, ref List<string>? notes)
    {
        if (text is null)
        {
            return null;
        }

        if (text.Length <= 18 && text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var raw))
        {
            var ms = raw >= MillisecondsThreshold ? raw : raw * 1000;
            if (ms <= MaxUnixMs)
            {
                return ms;
            }
        }

        (notes ??= []).Add("ts: not epoch seconds or milliseconds, ignored");
        return null;
    }

    private static string ParseChannel(string? text, ref List<string>? notes)
    {
        if (text is null)
        {
            return DefaultChannel;
        }

        if (text.Equals("web", StringComparison.OrdinalIgnoreCase))
        {
            return "web";
        }

        if (text.Equals("email", StringComparison.OrdinalIgnoreCase))
        {
            return "email";
        }

        if (text.Equals("server", StringComparison.OrdinalIgnoreCase))
        {
            return "server";
        }

        (notes ??= []).Add("ch: unknown channel, web used");
        return DefaultChannel;
    }
}
