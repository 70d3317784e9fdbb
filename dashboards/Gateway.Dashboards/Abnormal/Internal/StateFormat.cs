using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Gateway.Dashboards.Internal;

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

/// <summary>Little-endian writer of the state payload, over the shared <see cref="ByteWriter"/>.</summary>
internal sealed class StateWriter
{
    private readonly ByteWriter _writer = new(4096);

    public StateWriter()
    {
        _writer.Bytes(StateFormat.Magic);
        _writer.Byte(StateFormat.Version);
    }

    public void Byte(byte value) => _writer.Byte(value);

    public void Int32(int value) => _writer.Int32(value);

    public void Int64(long value) => _writer.Int64(value);

    public void Double(double value) => _writer.Double(value);

    /// <summary>A 32-bit UTF-8 length, then the bytes.</summary>
    public void String(string value)
    {
        _writer.Int32(System.Text.Encoding.UTF8.GetByteCount(value));
        _writer.Utf8(value);
    }

    public void Reading(Reading reading)
    {
        Double(reading.Value);
        Double(reading.Weight);
        Double(reading.Mean);
        Double(reading.Deviation);
        Double(reading.Z);
    }

    public byte[] Finish() => StateFormat.Seal(_writer.Written);
}

/// <summary>
/// The detector's view of the state payload: its field types and bounds, read through the shared <see cref="ByteReader"/>.
/// Every failure is a <see cref="FormatException"/> naming the byte and the item.
/// </summary>
internal ref struct StateReader
{
    private ByteReader _reader;

    public StateReader(ReadOnlySpan<byte> payload)
    {
        _reader = new ByteReader(payload, "saved abnormal-event detector") { Context = "header" };
    }

    /// <summary>What is being read, for error messages (e.g. "series 3 of 40").</summary>
    public string Context
    {
        readonly get => _reader.Context!;
        set => _reader.Context = value;
    }

    public readonly int Remaining => _reader.Remaining;

    public byte Byte(string what) => _reader.ReadByte(what);

    public int Count(string what, int smallestItem)
    {
        var count = _reader.ReadInt32(what);
        if (count < 0 || (long)count * smallestItem > Remaining)
        {
            Fail($"{what} is {count}, which does not fit in the {Remaining} bytes left");
        }

        return count;
    }

    public int NonNegativeInt32(string what)
    {
        var value = _reader.ReadInt32(what);
        if (value < 0)
        {
            Fail($"{what} is negative ({value})");
        }

        return value;
    }

    public long Int64(string what, long minimum, long maximum)
    {
        var value = _reader.ReadInt64(what);
        if (value < minimum || value > maximum)
        {
            Fail($"{what} is {value}, outside {minimum}..{maximum}");
        }

        return value;
    }

    /// <summary>A minute index (UTC minutes since year 1), or <see cref="Series.Never"/> when <paramref name="orNever"/>.</summary>
    public long Minute(string what, bool orNever = false)
    {
        var value = _reader.ReadInt64(what);
        if ((value < 0 || value > MaxMinute) && !(orNever && value == Series.Never))
        {
            Fail($"{what} is {value}, not a minute between years 1 and 9999");
        }

        return value;
    }

    public double Double(string what, double minimum = double.MinValue, double maximum = double.MaxValue)
    {
        var value = _reader.ReadDouble(what);
        if (!double.IsFinite(value) || value < minimum || value > maximum)
        {
            Fail($"{what} is {value}, expected a number from {minimum} to {maximum}");
        }

        return value;
    }

    public string String(string what)
    {
        var length = Count(what + " length", 1);
        return _reader.ReadUtf8(length, what);
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
    public readonly void Fail(string problem) => _reader.Fail(problem);

    private static long MaxMinute => DateTimeOffset.MaxValue.UtcTicks / TimeSpan.TicksPerMinute;
}
