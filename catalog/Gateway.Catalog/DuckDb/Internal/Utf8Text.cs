using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Catalog.DuckDb.Internal;

/// <summary>
/// A string as NUL-terminated UTF-8 in a pooled buffer, for the C API's <c>const char*</c> parameters. Pin it with
/// <c>fixed (byte* p = text)</c>; dispose it to return the buffer.
/// </summary>
internal readonly struct Utf8Text : IDisposable
{
    private readonly byte[] _buffer;

    private Utf8Text(byte[] buffer) => _buffer = buffer;

    /// <summary>Encodes <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> contains U+0000, where C would cut it short.</exception>
    public static Utf8Text Create(string value, string parameterName)
    {
        var nul = value.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            throw new ArgumentException(
                $"The text contains a NUL character at index {nul}; DuckDB's C API reads text up to the first NUL, so the rest would be silently dropped.",
                parameterName);
        }

        var length = Encoding.UTF8.GetByteCount(value);
        var buffer = ArrayPool<byte>.Shared.Rent(length + 1);
        Encoding.UTF8.GetBytes(value, buffer);
        buffer[length] = 0;
        return new Utf8Text(buffer);
    }

    /// <summary>The first byte, for <c>fixed</c>.</summary>
    public ref byte GetPinnableReference() => ref MemoryMarshal.GetArrayDataReference(_buffer);

    /// <inheritdoc/>
    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    /// <summary>A NUL-terminated UTF-8 string DuckDB returned, or <paramref name="fallback"/> for NULL.</summary>
    public static unsafe string Read(byte* text, string fallback = "") =>
        text is null ? fallback : Marshal.PtrToStringUTF8((nint)text) ?? fallback;

    /// <summary>Like <see cref="Read"/>, then frees <paramref name="text"/> with duckdb_free.</summary>
    public static unsafe string ReadAndFree(byte* text, string fallback = "")
    {
        try
        {
            return Read(text, fallback);
        }
        finally
        {
            if (text is not null)
            {
                NativeMethods.duckdb_free(text);
            }
        }
    }
}
