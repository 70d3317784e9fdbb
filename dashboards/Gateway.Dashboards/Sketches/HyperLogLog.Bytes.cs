using Gateway.Dashboards.Internal;
using Gateway.Processing;

namespace Gateway.Dashboards.Sketches;

// The serialized form, as the rollup store keeps it.
public sealed partial class HyperLogLog
{
    // Version 1: XXH64 seed 0 of the UTF-8 id, registers as described above. A new hash or register rule is a new version.
    private const byte FormatVersion = 1;
    private const byte DenseEncoding = 0;
    private const byte SparseEncoding = 1;
    private const string FormatName = "HyperLogLog sketch";

    /// <summary>
    /// The sketch as bytes: a version byte, the precision, an encoding byte, then either every register (dense) or
    /// the non-zero registers as (index gap varint, value) pairs (sparse), whichever is shorter.
    /// </summary>
    /// <remarks>A minute with a few dozen visitors takes about 3 bytes per visitor instead of 16 KiB. The bytes depend
    /// only on the registers, not on whether the sketch holds them sparse or dense in memory.</remarks>
    public byte[] ToBytes()
    {
        var writer = new ByteWriter(16);
        Write(writer);
        return writer.ToArray();
    }

    /// <summary>Reads a sketch written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a valid sketch; the message says which part is wrong.</exception>
    public static HyperLogLog FromBytes(ReadOnlySpan<byte> bytes)
    {
        var reader = new ByteReader(bytes, FormatName);
        var sketch = Read(ref reader);
        reader.ExpectEnd();
        return sketch;
    }

    /// <summary>Appends the form <see cref="ToBytes"/> returns.</summary>
    internal void Write(ByteWriter writer)
    {
        // Dense sketches are the big ones in a snapshot; their registers are scanned without an iterator.
        var dense = _registers;
        var nonZero = 0;
        var sparseSize = 0;
        var previous = -1;
        if (dense is not null)
        {
            for (var i = 0; i < dense.Length; i++)
            {
                if (dense[i] != 0)
                {
                    nonZero++;
                    sparseSize += Varint.Size((ulong)(i - previous - 1)) + 1;
                    previous = i;
                }
            }
        }
        else
        {
            nonZero = _sparseCount;
            foreach (var entry in _sparse.AsSpan(0, _sparseCount))
            {
                var index = (int)(entry >> 8);
                sparseSize += Varint.Size((ulong)(index - previous - 1)) + 1;
                previous = index;
            }
        }

        sparseSize += Varint.Size((ulong)nonZero);
        var sparse = sparseSize < RegisterCount;
        writer.Byte(FormatVersion);
        writer.Byte((byte)_precision);
        writer.Byte(sparse ? SparseEncoding : DenseEncoding);
        if (!sparse)
        {
            if (dense is null)
            {
                dense = new byte[RegisterCount];
                foreach (var entry in _sparse.AsSpan(0, _sparseCount))
                {
                    dense[entry >> 8] = (byte)entry;
                }
            }

            writer.Bytes(dense);
            return;
        }

        writer.Varint((ulong)nonZero);
        previous = -1;
        if (dense is not null)
        {
            for (var i = 0; i < dense.Length; i++)
            {
                if (dense[i] != 0)
                {
                    writer.Varint((ulong)(i - previous - 1));
                    writer.Byte(dense[i]);
                    previous = i;
                }
            }

            return;
        }

        foreach (var entry in _sparse.AsSpan(0, _sparseCount))
        {
            var index = (int)(entry >> 8);
            writer.Varint((ulong)(index - previous - 1));
            writer.Byte((byte)entry);
            previous = index;
        }
    }

    /// <summary>Reads the form <see cref="Write"/> appends, leaving the reader after it.</summary>
    internal static HyperLogLog Read(ref ByteReader reader)
    {
        var version = reader.ReadByte("version byte");
        if (version != FormatVersion)
        {
            reader.Fail($"version {version} is not supported (expected {FormatVersion})");
        }

        var precision = reader.ReadByte("precision");
        if (precision is < MinPrecision or > MaxPrecision)
        {
            reader.Fail($"precision {precision} is outside {MinPrecision}..{MaxPrecision}");
        }

        var sketch = new HyperLogLog(precision);
        var m = sketch.RegisterCount;
        var maxValue = sketch.MaxRegisterValue;
        var encoding = reader.ReadByte("encoding byte");
        if (encoding == DenseEncoding)
        {
            var registers = reader.ReadBytes(m, "registers").ToArray();
            for (var i = 0; i < registers.Length; i++)
            {
                if (registers[i] > maxValue)
                {
                    reader.Fail(BadRegister(i, registers[i], maxValue));
                }
            }

            sketch._registers = registers;
        }
        else if (encoding == SparseEncoding)
        {
            var count = (int)reader.ReadVarint("register count", (ulong)m);
            // At most what the sparse form holds; a longer list goes straight into the dense form.
            var entries = new uint[Math.Min(count, sketch.MaxSparseLength)];
            var dense = count > sketch.MaxSparseLength ? new byte[m] : null;
            var previous = -1L;
            for (var n = 0; n < count; n++)
            {
                var index = previous + 1 + (long)reader.ReadVarint("register index gap", (ulong)m);
                if (index >= m)
                {
                    reader.Fail($"register index {index} is beyond the {m} registers of precision {precision}");
                }

                var value = reader.ReadByte("register value");
                if (value is 0 || value > maxValue)
                {
                    reader.Fail(BadRegister(index, value, maxValue));
                }

                if (dense is not null)
                {
                    dense[index] = value;
                }
                else
                {
                    entries[n] = Pack((int)index, value);
                }

                previous = index;
            }

            if (dense is not null)
            {
                sketch._registers = dense;
            }
            else if (count > 0)
            {
                // The length Add would have grown to.
                sketch._sparse = new uint[Math.Max(FirstSparseLength, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count))];
                entries.CopyTo(sketch._sparse, 0);
                sketch._sparseCount = count;
            }
        }
        else
        {
            reader.Fail($"encoding {encoding} is neither dense ({DenseEncoding}) nor sparse ({SparseEncoding})");
        }

        return sketch;
    }

    private static string BadRegister(long index, byte value, int maxValue) =>
        value == 0 ? $"sparse register {index} holds 0 (sparse entries list non-zero registers only)" : $"register {index} holds {value}, above the maximum {maxValue} for this precision";
}
