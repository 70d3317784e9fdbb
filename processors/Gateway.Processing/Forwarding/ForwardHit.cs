namespace Gateway.Processing.Forwarding;

/// <summary>
/// What the forward stage takes from a hit beyond the stored event row: the client address and user agent, Meta's browser
/// and click ids, and the contact parameters of the tag (<see cref="MetaUserData.HashedKeys"/>). It lives only while the
/// event is sent: none of it is stored, and nothing in it is logged.
/// </summary>
/// <remarks>
/// <para><c>fbp</c>/<c>fbc</c>: the tag's parameter wins, then the <c>_fbp</c>/<c>_fbc</c> cookie (our edge is first-party,
/// so the site's cookies reach it); <c>fbclid</c> feeds <c>fbc</c> when neither is present.</para>
/// <para>The client address is <c>c-ip</c> as logged: the full address on AWS (CloudFront's record), the /24 or /48 prefix
/// locally, where the edge truncates it before anything is written.</para>
/// </remarks>
public sealed class ForwardHit
{
    /// <summary>A hit with nothing beyond the row (a webhook needs nothing more).</summary>
    public static ForwardHit None { get; } = new();

    /// <summary><c>c-ip</c>.</summary>
    public string? ClientIp { get; init; }

    /// <summary><c>cs-user-agent</c>, decoded.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Meta's browser id: the <c>fbp</c> parameter or the <c>_fbp</c> cookie.</summary>
    public string? Fbp { get; init; }

    /// <summary>Meta's click id cookie value: the <c>fbc</c> parameter or the <c>_fbc</c> cookie.</summary>
    public string? Fbc { get; init; }

    /// <summary>The <c>fbclid</c> parameter, exactly as sent (case matters).</summary>
    public string? Fbclid { get; init; }

    /// <summary>Contact parameters in arrival order (a key may repeat: several addresses).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Contact { get; init; } = [];

    /// <summary>Reads the forwarding fields of a parsed real-time log line.</summary>
    public static ForwardHit Read(in RealtimeLogLine line)
    {
        var contact = new List<KeyValuePair<string, string>>();
        string? fbpParameter = null, fbcParameter = null, fbclid = null;
        using (var query = line.Query())
        {
            foreach (var parameter in query)
            {
                if (!parameter.HasValue || parameter.Value.IsEmpty)
                {
                    continue;
                }

                var name = parameter.Name;
                if (name.SequenceEqual("fbp"u8))
                {
                    fbpParameter ??= parameter.GetValue();
                }
                else if (name.SequenceEqual("fbc"u8))
                {
                    fbcParameter ??= parameter.GetValue();
                }
                else if (name.SequenceEqual("fbclid"u8))
                {
                    fbclid ??= parameter.GetValue();
                }
                else if (IsContact(name))
                {
                    contact.Add(KeyValuePair.Create(parameter.GetName(), parameter.GetValue()));
                }
            }
        }

        var cookies = line.GetString(RealtimeLogField.Cookie);
        return new ForwardHit
        {
            ClientIp = line.GetString(RealtimeLogField.ClientIp),
            UserAgent = line.GetString(RealtimeLogField.UserAgent),
            Fbp = fbpParameter ?? Cookie(cookies, "_fbp"),
            Fbc = fbcParameter ?? Cookie(cookies, "_fbc"),
            Fbclid = fbclid,
            Contact = contact,
        };
    }

    private static bool IsContact(ReadOnlySpan<byte> name)
    {
        foreach (var key in MetaUserData.HashedKeys)
        {
            if (name.Length == key.Length && System.Text.Ascii.Equals(name, key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of cookie <paramref name="name"/> in a Cookie header (<c>a=1; b=2</c>), or null.</summary>
    internal static string? Cookie(string? header, string name)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        foreach (var range in header.AsSpan().Split(';'))
        {
            var pair = header.AsSpan()[range].Trim();
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals].Trim().SequenceEqual(name))
            {
                var value = pair[(equals + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                return value.IsEmpty ? null : value.ToString();
            }
        }

        return null;
    }
}
