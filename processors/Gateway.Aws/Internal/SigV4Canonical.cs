using System.Buffers;
using System.Text;

namespace Gateway.Aws.Internal;

/// <summary>The canonical forms SigV4 hashes: URI, query string and headers.</summary>
internal static class SigV4Canonical
{
    private static readonly SearchValues<byte> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"u8);

    /// <summary>
    /// Percent-encodes every byte of the UTF-8 text except the unreserved set, with uppercase hex
    /// (RFC 3986; a space becomes %20, never +). Slashes are kept only when <paramref name="keepSlash"/>.
    /// </summary>
    public static string Encode(string text, bool keepSlash)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        var builder = new StringBuilder(utf8.Length + 16);
        foreach (var b in utf8)
        {
            if (Unreserved.Contains(b) || (keepSlash && b == (byte)'/'))
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xF]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The canonical URI for every service but S3: the path normalized (empty and "." segments dropped, ".." pops)
    /// and then encoded once more than it was sent.
    /// </summary>
    public static string Uri(string path)
    {
        if (string.IsNullOrEmpty(path) || path == "/")
        {
            return "/";
        }

        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        var builder = new StringBuilder("/");
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('/');
            }

            builder.Append(Encode(segments[i], keepSlash: false));
        }

        if (segments.Count > 0 && path.EndsWith('/'))
        {
            builder.Append('/');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Names and values percent-decoded (a literal + stays a plus), re-encoded, sorted by name then value (ordinal),
    /// joined as name=value with &amp;. A parameter without = gets an empty value.
    /// </summary>
    public static string QueryString(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return "";
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            pairs.Add((Encode(System.Uri.UnescapeDataString(name), keepSlash: false), Encode(System.Uri.UnescapeDataString(value), keepSlash: false)));
        }

        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        var builder = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <summary>
    /// The canonical header block (each line <c>name:value\n</c>) and the signed-header list: names lowercased and
    /// sorted, values trimmed with inner whitespace runs collapsed to one space, repeated names joined with commas
    /// in the order they were given.
    /// </summary>
    public static (string CanonicalHeaders, string SignedHeaders) Headers(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values))
            {
                values = [];
                byName.Add(key, values);
            }

            values.Add(CollapseWhitespace(value));
        }

        var canonical = new StringBuilder();
        var signed = new StringBuilder();
        foreach (var (name, values) in byName)
        {
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
            if (signed.Length > 0)
            {
                signed.Append(';');
            }

            signed.Append(name);
        }

        return (canonical.ToString(), signed.ToString());
    }

    private static string CollapseWhitespace(string value)
    {
        var trimmed = value.AsSpan().Trim();
        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            // Folded header lines arrive with their line break; AWS treats any whitespace run as one space.
            var isSpace = c is ' ' or '\t' or '\r' or '\n';
            if (isSpace)
            {
                if (!previousSpace)
                {
                    builder.Append(' ');
                }
            }
            else
            {
                builder.Append(c);
            }

            previousSpace = isSpace;
        }

        return builder.ToString();
    }

    private static ReadOnlySpan<char> HexUpper => "0123456789ABCDEF";
}
