using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Processing.Forwarding;

/// <summary>
/// The customer-information parameters of a Meta Conversions API event (<c>user_data</c>) that must be sent as
/// SHA-256 hashes: each value normalized the way Meta's Business SDKs normalize it, then hashed (spec 10, "SHA-256
/// hashing" and "Normalization").
/// </summary>
/// <remarks>
/// <para>Every key: surrounding whitespace removed and lower-cased; a value that already is 64 (SHA-256) or 32 (MD5)
/// lower-case hex characters is a hash the caller made and passes through unchanged.</para>
/// <para>Per key: <c>em</c> must pass the address check of the SDK's validator; <c>ph</c> loses separators, letters and <c>+</c>, and an
/// international number its leading <c>00</c> (and, as in the SDK, a national number its one leading 0 when what
/// follows reads as a country code and number), and must keep 7 to 16 characters; <c>ct</c> and <c>st</c> lose digits,
/// spaces, dots, dashes and parentheses; <c>zp</c> loses spaces and everything from the first dash, and must keep two
/// characters; <c>ge</c> becomes <c>f</c> or <c>m</c>; <c>country</c> must be an ISO 3166-1 alpha-2 code;
/// <c>fn</c>, <c>ln</c>, <c>db</c> and <c>external_id</c> are only trimmed and lower-cased.</para>
/// <para>A value that fails its rule is not sent (<see cref="TryHash"/> returns false with the reason): a malformed
/// value would only lower the match rate, and the event is still worth forwarding without it.</para>
/// <para>Whitespace is JavaScript's set (the reference SDK's <c>trim</c> and <c>\s</c>), not .NET's, so both sides
/// produce the same hash for the same input.</para>
/// </remarks>
public static partial class MetaUserData
{
    /// <summary>The keys hashed by <see cref="TryHash"/>, in the order Meta documents them.</summary>
    public static IReadOnlyList<string> HashedKeys { get; } = ["em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id"];

    // ISO 3166-1 alpha-2: the 249 officially assigned codes.
    private static readonly SearchValues<string> Countries = SearchValues.Create(
        """
        ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq br bs bt bv bw by bz
        ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et fi fj fk fm fo fr
        ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo
        jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr
        ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro
        rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv
        tw tz ua ug um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries),
        StringComparison.Ordinal);

    // JavaScript's WhiteSpace and LineTerminator code points: what String.prototype.trim and \s remove.
    private static readonly SearchValues<char> JsWhitespace = SearchValues.Create(
        "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff");

    /// <summary>Whether <paramref name="key"/> is one of the <see cref="HashedKeys"/>.</summary>
    public static bool IsHashedKey(string key) => HashedKeys.Contains(key, StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="value"/> of user_data key <paramref name="key"/>, normalized and hashed: 64 lower-case hex
    /// characters (or the caller's own hash, passed through); false with <paramref name="problem"/> when the value is
    /// empty or breaks its key's rule, so the key is left out of the event.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a hashed key.</exception>
    public static bool TryHash(string key, string? value, out string hash, out string problem)
    {
        if (!IsHashedKey(key))
        {
            throw new ArgumentException($"'{key}' is not a hashed user_data key; those are {string.Join(", ", HashedKeys)}.", nameof(key));
        }

        hash = "";
        var normalized = Trim(value ?? "").ToLowerInvariant();
        if (normalized.Length == 0)
        {
            problem = "empty";
            return false;
        }

        if (IsHex(normalized, 64) || IsHex(normalized, 32))
        {
            hash = normalized;
            problem = "";
            return true;
        }

        if (!TryNormalize(key, normalized, out normalized, out problem))
        {
            return false;
        }

        hash = Sha256Hex(normalized);
        return true;
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static bool TryNormalize(string key, string value, out string normalized, out string problem)
    {
        problem = "";
        normalized = value;
        switch (key)
        {
            case "em" when !IsEmail(value):
                problem = "not an email address";
                return false;
            case "ph":
                return TryNormalizePhone(value, out normalized, out problem);
            case "ct" or "st":
                normalized = Remove(value, static c => char.IsAsciiDigit(c) || c is '(' or ')' or '.' or '-' || JsWhitespace.Contains(c));
                return true;
            case "zp":
                normalized = Remove(value, JsWhitespace.Contains).Split('-', 2)[0];
                problem = normalized.Length < 2 ? "shorter than 2 characters" : "";
                return normalized.Length >= 2;
            case "ge":
                normalized = Remove(value, static c => !char.IsAsciiLetterLower(c)) switch
                {
                    "f" or "female" => "f",
                    "m" or "male" => "m",
                    _ => "",
                };
                problem = normalized.Length == 0 ? "not f, m, female or male" : "";
                return normalized.Length > 0;
            case "country" when !(value.Length == 2 && Countries.Contains(value)):
                problem = "not an ISO 3166-1 alpha-2 country code";
                return false;
            default:
                return true;
        }
    }

    // At most 254 characters, a local part of at most 64 and domain labels of at most 63, as the validator checks.
    private static bool IsEmail(string value)
    {
        if (value.Length > 254 || !Email().IsMatch(value))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at <= 64 && value[(at + 1)..].Split('.').All(static label => label.Length <= 63);
    }

    private static bool TryNormalizePhone(string value, out string normalized, out string problem)
    {
        normalized = Remove(value, static c => c is '-' or '@' or '#' or '<' or '>' or '\'' or '"' or ',' or ';' or ' ' or '(' or ')' or '+' || char.IsAsciiLetterLower(c));
        if (IsInternational(normalized))
        {
            normalized = DropPrefix(normalized);
        }

        problem = normalized.Length is < 7 or > 16 ? "not 7 to 16 characters long" : "";
        return problem.Length == 0;
    }

    // A number with its country code: after an optional + and up to two zeros it starts with 1 and is a North
    // American number, or with another digit and has 2–3 area digits and at least 4 more.
    private static bool IsInternational(string phone)
    {
        var digits = DropPrefix(phone);
        return digits.Length > 0 && digits[0] != '0' && (digits[0] == '1' ? NorthAmerican().IsMatch(digits) : International().IsMatch(digits));
    }

    // An optional + then at most two zeros.
    private static string DropPrefix(string phone)
    {
        var start = phone.StartsWith('+') ? 1 : 0;
        for (var zeros = 0; zeros < 2 && start < phone.Length && phone[start] == '0'; zeros++)
        {
            start++;
        }

        return phone[start..];
    }

    private static string Trim(string value)
    {
        var span = value.AsSpan();
        var first = span.IndexOfAnyExcept(JsWhitespace);
        return first < 0 ? "" : span[first..(span.LastIndexOfAnyExcept(JsWhitespace) + 1)].ToString();
    }

    private static string Remove(string value, Func<char, bool> drop)
    {
        var kept = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!drop(c))
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }

    private static bool IsHex(string value, int length) => value.Length == length && !value.AsSpan().ContainsAnyExcept("0123456789abcdef");

    // The address rule of the SDK's validator (npm email-validator 2): a local part of letters, digits and the RFC 5322
    // specials, single dots between them; a domain of letters, digits, dashes and single dots ending in a top-level
    // label that starts with a letter and has two characters or more. Linear time whatever the input.
    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_{|}~-](?:\.?[A-Za-z0-9!#$%&'*+/=?^_`{|}~-])*@[A-Za-z0-9](?:-*\.?[A-Za-z0-9])*\.[A-Za-z](?:-?[A-Za-z0-9])+$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Email();

    [GeneratedRegex(@"^1\(?[0-9]{3}\)?[0-9]{7}$", RegexOptions.CultureInvariant)]
    private static partial Regex NorthAmerican();

    [GeneratedRegex(@"^[0-9]{1,4}\(?[0-9]{2,3}\)?[0-9]{4,}$", RegexOptions.CultureInvariant)]
    private static partial Regex International();
}
