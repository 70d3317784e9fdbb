using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Gateway.Dashboards.Abnormal.Internal;

/// <summary>
/// Layout of a saved detector: "GWAB", a version byte, the little-endian payload, then the CRC-32 of everything before it.
/// </summary>
internal static class StateFormat
{
    public const byte Version = 1;

    public static ReadOnlySpan<byte> Magic => "GWAB"u8;

    /// <summary>Magic, version and checksum.</summary>
    public static int Overhead => Magic.Length + 1 + sizeof(uint);

    /// <summary>Appends the checksum of <paramref name="body"/> (magic, version and payload).</summary>
    public static byte[] Seal(ReadOnlySpan<byte> body)
    {
        var sealedBytes = new byte[body.Length + sizeof(uint)];
        body.CopyTo(sealedBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(sealedBytes.AsSpan(body.Length), Crc32.Compute(body));
        return sealedBytes;
    }

    /// <summary>The payload of <paramref name="bytes"/> once magic, version and checksum hold.</summary>
    public static ReadOnlySpan<byte> Open(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Overhead || !bytes.StartsWith(Magic))
        {
            throw new FormatException(
                $"Not a saved abnormal-event detector: expected {Overhead} or more bytes starting with \"GWAB\", got {bytes.Length} bytes.");
        }

        var version = bytes[Magic.Length];
        if (version != Version)
        {
            throw new FormatException($"Saved abnormal-event detector has format version {version}; this build reads version {Version}.");
        }

        var body = bytes[..^sizeof(uint)];
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^sizeof(uint)..]);
        var computed = Crc32.Compute(body);
        if (stored != computed)
        {
            throw new FormatException(
                $"Saved abnormal-event detector is damaged: CRC-32 is 0x{computed:x8} but the file says 0x{stored:x8} ({bytes.Length} bytes; truncated or overwritten).");
        }

        return body[(Magic.Length + 1)..];
    }
}

/// <summary>Little-endian writer of the state payload.</summary>
internal sealed class StateWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public StateWriter()
    {
        _buffer.Write(StateFormat.Magic);
        Byte(StateFormat.Version);
    }

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(sizeof(int)), value);
        _buffer.Advance(sizeof(int));
    }

    public void Int64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(sizeof(long)), value);
        _buffer.Advance(sizeof(long));
    }

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(sizeof(double)), value);
        _buffer.Advance(sizeof(double));
    }

    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        Int32(length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void Reading(Reading reading)
    {
        Double(reading.Value);
        Double(reading.Weight);
        Double(reading.Mean);
        Double(reading.Deviation);
        Double(reading.Z);
    }

    public byte[] Finish() => StateFormat.Seal(_buffer.WrittenSpan);
}

/// <summary>Reader of the state payload; every failure is a <see cref="FormatException"/> naming the byte and the item.</summary>
internal ref struct StateReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public StateReader(ReadOnlySpan<byte> payload)
    {
        _data = payload;
    }

    /// <summary>What is being read, for error messages (e.g. "series 3 of 40").</summary>
    public string Context { get; set; } = "header";

    public readonly int Remaining => _data.Length - _position;

    public byte Byte(string what) => Take(1, what)[0];

    public int Count(string what, int smallestItem)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int), what));
        if (count < 0 || (long)count * smallestItem > Remaining)
        {
            Fail($"{what} is {count}, which does not fit in the {Remaining} bytes left");
        }

        return count;
    }

    public int NonNegativeInt32(string what)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int), what));
        if (value < 0)
        {
            Fail($"{what} is negative ({value})");
        }

        return value;
    }

    public long Int64(string what, long minimum, long maximum)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long), what));
        if (value < minimum || value > maximum)
        {
            Fail($"{what} is {value}, outside {minimum}..{maximum}");
        }

        return value;
    }

    /// <summary>A minute index (UTC minutes since year 1), or <see cref="Series.Never"/> when <paramref name="orNever"/>.</summary>
    public long Minute(string what, bool orNever = false)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(Take(sizeof(long), what));
        if ((value < 0 || value > MaxMinute) && !(orNever && value == Series.Never))
        {
            Fail($"{what} is {value}, not a minute between years 1 and 9999");
        }

        return value;
    }

    public double Double(string what, double minimum = double.MinValue, double maximum = double.MaxValue)
    {
        var value = BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double), what));
        if (!double.IsFinite(value) || value < minimum || value > maximum)
        {
            Fail($"{what} is {value}, expected a number from {minimum} to {maximum}");
        }

        return value;
    }

    public string String(string what)
    {
        var length = Count(what + " length", 1);
        var bytes = Take(length, what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            Fail($"{what} is not valid UTF-8");
            return "";
        }
    }

    public Reading Reading(string what) => new(
        Double(what + " value"), Double(what + " weight", 0), Double(what + " mean"), Double(what + " deviation", 0), Double(what + " z"));

    public readonly void End()
    {
        if (Remaining != 0)
        {
            Fail($"{Remaining} bytes follow the last item");
        }
    }

    [DoesNotReturn]
    public readonly void Fail(string problem) =>
        throw new FormatException($"Saved abnormal-event detector is malformed at payload byte {_position} ({Context}): {problem}.");

    private static long MaxMinute => DateTimeOffset.MaxValue.UtcTicks / TimeSpan.TicksPerMinute;

    private ReadOnlySpan<byte> Take(int length, string what)
    {
        if (length > Remaining)
        {
            Fail($"{what} needs {length} bytes but only {Remaining} are left");
        }

        var span = _data.Slice(_position, length);
        _position += length;
        return span;
    }
}
