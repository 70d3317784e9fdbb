using System.Buffers;
using System.Text;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Enrichment;

/// <summary>Writes leftover query parameters as one bounded JSON object (the <c>props</c> column).</summary>
/// <remarks>
/// <para>Bounds: at most <see cref="MaxKeys"/> keys; a key longer than <see cref="MaxKeyBytes"/> UTF-8 bytes is dropped; a
/// value longer than <see cref="MaxValueBytes"/> is cut at a character boundary; a member that would take the object past
/// <see cref="MaxObjectBytes"/> is dropped. A repeated name becomes an array in arrival order. Every parameter dropped or
/// cut adds one to a trailing <c>"_truncated"</c> member, present only when non-zero; a client parameter named
/// <c>_truncated</c> is itself dropped and counted so the member cannot be forged.</para>
/// <para>Escaping is minimal (<c>"</c>, <c>\</c> and control characters), so non-ASCII text stays readable in SQL;
/// invalid UTF-16 in string input becomes U+FFFD.</para>
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
        var buffer = new ParameterBuffer(256, parameters.Count);
        var indices = ArrayPool<int>.Shared.Rent(Math.Max(parameters.Count, 1));
        try
        {
            foreach (var (name, value) in parameters)
            {
                indices[buffer.Count] = buffer.Count;
                buffer.Add(name ?? string.Empty, value ?? string.Empty);
            }

            return Write(buffer, indices.AsSpan(0, buffer.Count), out truncated);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(indices);
            buffer.Dispose();
        }
    }

    /// <summary>Writes the parameters of <paramref name="buffer"/> at <paramref name="indices"/> (in arrival order) as a JSON object.</summary>
    internal static string Write(in ParameterBuffer buffer, ReadOnlySpan<int> indices, out int truncated)
    {
        truncated = 0;
        // Keys kept, as the index of their first occurrence; later occurrences of a kept name join its array.
        Span<int> keys = stackalloc int[MaxKeys];
        var keyCount = 0;
        foreach (var index in indices)
        {
            var name = buffer.Name(index);
            if (Find(buffer, keys[..keyCount], name) >= 0)
            {
                continue;
            }

            if (keyCount == MaxKeys || name.Length > MaxKeyBytes || name.SequenceEqual("_truncated"u8))
            {
                truncated++;
                continue;
            }

            keys[keyCount++] = index;
        }

        var output = ArrayPool<byte>.Shared.Rent(MaxObjectBytes + 64);
        try
        {
            var length = 0;
            output[length++] = (byte)'{';
            for (var k = 0; k < keyCount; k++)
            {
                var name = buffer.Name(keys[k]);
                var values = 0;
                var size = JsonText.EscapedLength(name) + 3 + (length > 1 ? 1 : 0);
                foreach (var index in indices)
                {
                    if (buffer.Name(index).SequenceEqual(name))
                    {
                        size += JsonText.EscapedLength(JsonText.CutAtCharacter(buffer.Value(index), MaxValueBytes)) + 2 + (values == 0 ? 0 : 1);
                        values++;
                    }
                }

                size += values > 1 ? 2 : 0;
                if (length + size > MaxObjectBytes - Reserve)
                {
                    truncated += values;
                    continue;
                }

                if (length > 1)
                {
                    output[length++] = (byte)',';
                }

                length = Quoted(name, output, length);
                output[length++] = (byte)':';
                if (values > 1)
                {
                    output[length++] = (byte)'[';
                }

                var written = 0;
                foreach (var index in indices)
                {
                    if (!buffer.Name(index).SequenceEqual(name))
                    {
                        continue;
                    }

                    var value = buffer.Value(index);
                    var cut = JsonText.CutAtCharacter(value, MaxValueBytes);
                    truncated += cut.Length < value.Length ? 1 : 0;
                    if (written++ > 0)
                    {
                        output[length++] = (byte)',';
                    }

                    length = Quoted(cut, output, length);
                }

                if (values > 1)
                {
                    output[length++] = (byte)']';
                }
            }

            if (truncated > 0)
            {
                if (length > 1)
                {
                    output[length++] = (byte)',';
                }

                length += Encoding.ASCII.GetBytes($"\"{TruncatedMember}\":{truncated}", output.AsSpan(length));
            }

            output[length++] = (byte)'}';
            return Encoding.UTF8.GetString(output, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static int Find(in ParameterBuffer buffer, ReadOnlySpan<int> keys, ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (buffer.Name(keys[i]).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    private static int Quoted(ReadOnlySpan<byte> utf8, byte[] output, int at)
    {
        output[at++] = (byte)'"';
        at += JsonText.Escape(utf8, output.AsSpan(at));
        output[at++] = (byte)'"';
        return at;
    }
}
