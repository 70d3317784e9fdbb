using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Processing.Enrichment;

/// <summary>Writes leftover query parameters as one bounded JSON object (the <c>props</c> column).</summary>
/// <remarks>
/// Bounds: at most <see cref="MaxKeys"/> keys; a key longer than <see cref="MaxKeyBytes"/> UTF-8 bytes is dropped; a
/// value longer than <see cref="MaxValueBytes"/> is cut at a character boundary; a member that would take the object past
/// <see cref="MaxObjectBytes"/> is dropped. A repeated name becomes an array in arrival order. Every parameter dropped or
/// cut adds one to a trailing <c>"_truncated"</c> member, present only when non-zero; a client parameter named
/// <c>_truncated</c> is itself dropped and counted so the member cannot be forged.
/// </remarks>
public static class PropsWriter
{
    /// <summary>Most keys kept in one object.</summary>
    public const int MaxKeys = 50;

    /// <summary>Longest key kept, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 128;

    /// <summary>Longest value kept, in UTF-8 bytes; longer values are cut.</summary>
    public const int MaxValueBytes = 1024;

    /// <summary>Largest serialized object, in bytes, including the <c>_truncated</c> member.</summary>
    public const int MaxObjectBytes = 8 * 1024;

    /// <summary>The member that counts what was dropped or cut.</summary>
    public const string TruncatedMember = "_truncated";

    // Room kept for ,"_truncated":2147483647 and the closing brace.
    private const int Reserve = 32;

    /// <summary>Writes <paramref name="parameters"/> as a JSON object; <paramref name="truncated"/> counts parameters dropped or cut.</summary>
    public static string Write(IReadOnlyList<KeyValuePair<string, string>> parameters, out int truncated)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        truncated = 0;

        // Group by name in first-seen order; a handful of parameters is typical, so a linear scan beats a dictionary.
        var names = new List<string>();
        var values = new List<List<string>>();
        foreach (var (rawName, value) in parameters)
        {
            var name = Clean(rawName ?? string.Empty);
            var index = names.IndexOf(name);
            if (index < 0)
            {
                if (name == TruncatedMember || names.Count == MaxKeys || Encoding.UTF8.GetByteCount(name) > MaxKeyBytes)
                {
                    truncated++;
                    continue;
                }

                names.Add(name);
                values.Add([]);
                index = names.Count - 1;
            }

            var cut = Cut(Clean(value ?? string.Empty));
            if (!ReferenceEquals(cut, value) && value is not null)
            {
                truncated++;
            }

            values[index].Add(cut);
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var size = 2;
            for (var i = 0; i < names.Count; i++)
            {
                var key = JsonEncodedText.Encode(names[i]);
                var encoded = new JsonEncodedText[values[i].Count];
                var memberSize = key.EncodedUtf8Bytes.Length + 4 + (encoded.Length > 1 ? encoded.Length + 1 : 0);
                for (var j = 0; j < encoded.Length; j++)
                {
                    encoded[j] = JsonEncodedText.Encode(values[i][j]);
                    memberSize += encoded[j].EncodedUtf8Bytes.Length + 2;
                }

                if (size + memberSize > MaxObjectBytes - Reserve)
                {
                    truncated += encoded.Length;
                    continue;
                }

                size += memberSize;
                if (encoded.Length == 1)
                {
                    writer.WriteString(key, encoded[0]);
                }
                else
                {
                    writer.WriteStartArray(key);
                    foreach (var item in encoded)
                    {
                        writer.WriteStringValue(item);
                    }

                    writer.WriteEndArray();
                }
            }

            if (truncated > 0)
            {
                writer.WriteNumber(TruncatedMember, truncated);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Replaces lone surrogates with U+FFFD: the JSON writer rejects invalid UTF-16, and the client's intent is lost anyway.</summary>
    private static string Clean(string text) =>
        text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 ? text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>The value itself when it fits, else its longest prefix of whole characters within <see cref="MaxValueBytes"/>.</summary>
    private static string Cut(string value)
    {
        if (value.Length * 3 <= MaxValueBytes || Encoding.UTF8.GetByteCount(value) <= MaxValueBytes)
        {
            return value;
        }

        var bytes = 0;
        var chars = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxValueBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            chars += rune.Utf16SequenceLength;
        }

        return value[..chars];
    }
}
