using System.Buffers.Binary;
using System.Text;

namespace Gateway.Catalog.DuckDb.Internal;

/// <summary>
/// Reads cells straight out of DuckDB's (flat) vectors, following the storage formats described in duckdb.h:
/// fixed-width values in an array, strings and blobs as 16-byte duckdb_string_t, NULLs in a 64-bit validity bitmap.
/// </summary>
internal static unsafe class Vectors
{
    /// <summary>Microseconds in a day; TIME is micros since midnight.</summary>
    private const long MicrosPerDay = 86_400_000_000;

    /// <summary>DuckDB's ±infinity for TIMESTAMP (all units) and DATE.</summary>
    private const long TimestampInfinity = long.MaxValue;

    private const int DateInfinity = int.MaxValue;

    /// <summary>The day number (days since 0001-01-01) of 1970-01-01.</summary>
    private const int EpochDayNumber = 719_162;

    private static readonly long MinMicros = (DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    private static readonly long MaxMicros = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>Whether row <paramref name="index"/> is not NULL (a NULL bitmap pointer means "all valid").</summary>
    public static bool IsValid(ulong* validity, long index) =>
        validity is null || (validity[index >> 6] & (1UL << (int)(index & 63))) != 0;

    /// <summary>The bytes of a VARCHAR/BLOB/BIT cell: up to 12 inline after the length, else behind a pointer at offset 8.</summary>
    public static ReadOnlySpan<byte> Bytes(void* data, long index)
    {
        var entry = (byte*)data + (index * 16);
        var length = *(uint*)entry;
        var bytes = length <= 12 ? entry + 4 : *(byte**)(entry + 8);
        return new ReadOnlySpan<byte>(bytes, checked((int)length));
    }

    /// <summary>A VARCHAR cell.</summary>
    public static string String(void* data, long index) => Encoding.UTF8.GetString(Bytes(data, index));

    /// <summary>Any integer cell (signed, unsigned, 128-bit) widened to <see cref="Int128"/>; UHUGEINT must fit.</summary>
    public static Int128 Integer(DuckDbType storage, void* data, long index) => storage switch
    {
        DuckDbType.TinyInt => ((sbyte*)data)[index],
        DuckDbType.SmallInt => ((short*)data)[index],
        DuckDbType.Integer => ((int*)data)[index],
        DuckDbType.BigInt => ((long*)data)[index],
        DuckDbType.UTinyInt => ((byte*)data)[index],
        DuckDbType.USmallInt => ((ushort*)data)[index],
        DuckDbType.UInteger => ((uint*)data)[index],
        DuckDbType.UBigInt => ((ulong*)data)[index],
        DuckDbType.HugeInt => HugeInt(data, index),
        DuckDbType.UHugeInt => checked((Int128)UHugeInt(data, index)),
        _ => throw new InvalidCastException($"{storage} is not an integer type."),
    };

    /// <summary>A HUGEINT cell (lower 64 bits first, then the signed upper half).</summary>
    public static Int128 HugeInt(void* data, long index)
    {
        var value = ((DuckDbHugeInt*)data)[index];
        return new Int128((ulong)value.Upper, value.Lower);
    }

    /// <summary>A UHUGEINT cell.</summary>
    public static UInt128 UHugeInt(void* data, long index)
    {
        var value = ((DuckDbUHugeInt*)data)[index];
        return new UInt128(value.Upper, value.Lower);
    }

    /// <summary>A DECIMAL with the given storage and scale, exactly.</summary>
    /// <exception cref="OverflowException">The value needs more than the 96 bits or 28 decimals of <see cref="decimal"/>.</exception>
    public static decimal Decimal(ColumnShape shape, void* data, long index)
    {
        var unscaled = Integer(shape.Storage, data, index);
        var magnitude = (UInt128)(Int128.IsNegative(unscaled) ? -unscaled : unscaled);
        if (shape.Scale > 28 || magnitude >> 96 != 0)
        {
            throw new OverflowException(
                $"DECIMAL({shape.Width},{shape.Scale}) value with unscaled {unscaled} does not fit System.Decimal; cast it to DOUBLE or VARCHAR in SQL.");
        }

        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), Int128.IsNegative(unscaled), shape.Scale);
    }

    /// <summary>A DATE cell; ±infinity become <see cref="DateOnly.MaxValue"/>/<see cref="DateOnly.MinValue"/>.</summary>
    /// <exception cref="OverflowException">A finite date outside years 1–9999.</exception>
    public static DateOnly Date(void* data, long index)
    {
        var days = ((int*)data)[index];
        if (days == DateInfinity)
        {
            return DateOnly.MaxValue;
        }

        if (days == -DateInfinity)
        {
            return DateOnly.MinValue;
        }

        var dayNumber = (long)days + EpochDayNumber;
        return dayNumber >= DateOnly.MinValue.DayNumber && dayNumber <= DateOnly.MaxValue.DayNumber
            ? DateOnly.FromDayNumber((int)dayNumber)
            : throw new OverflowException($"DATE {days} days from 1970-01-01 is outside the years 1–9999 that DateOnly holds.");
    }

    /// <summary>
    /// A TIMESTAMP cell of any unit (TIMESTAMP WITH TIME ZONE stores UTC micros too) as UTC; ±infinity become
    /// <see cref="DateTimeOffset.MaxValue"/>/<see cref="DateTimeOffset.MinValue"/>; nanoseconds are truncated to ticks.
    /// </summary>
    /// <exception cref="OverflowException">A finite instant outside years 1–9999.</exception>
    public static DateTimeOffset Timestamp(DuckDbType type, void* data, long index)
    {
        var raw = ((long*)data)[index];
        if (raw == TimestampInfinity)
        {
            return DateTimeOffset.MaxValue;
        }

        if (raw == -TimestampInfinity)
        {
            return DateTimeOffset.MinValue;
        }

        // Compare in the column's own unit first, so the conversion to ticks cannot overflow.
        var (min, max, ticksPerUnit) = type switch
        {
            DuckDbType.TimestampSeconds => (MinMicros / 1_000_000, MaxMicros / 1_000_000, TimeSpan.TicksPerSecond),
            DuckDbType.TimestampMilliseconds => (MinMicros / 1_000, MaxMicros / 1_000, TimeSpan.TicksPerMillisecond),
            DuckDbType.TimestampNanoseconds => (long.MinValue, long.MaxValue, 0L),
            _ => (MinMicros, MaxMicros, TimeSpan.TicksPerMicrosecond),
        };

        if (raw < min || raw > max)
        {
            throw new OverflowException($"{type} value {raw} is outside the years 1–9999 that DateTimeOffset holds.");
        }

        // Nanoseconds: floor to 100 ns ticks (every int64 of nanoseconds lies within DateTimeOffset's range).
        var ticks = ticksPerUnit == 0 ? Math.DivRem(raw, 100, out var rest) - (rest < 0 ? 1 : 0) : raw * ticksPerUnit;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks);
    }

    /// <summary>A TIME cell.</summary>
    /// <exception cref="OverflowException">24:00:00, which DuckDB allows and <see cref="TimeOnly"/> does not.</exception>
    public static TimeOnly Time(void* data, long index)
    {
        var micros = ((long*)data)[index];
        return micros is >= 0 and < MicrosPerDay
            ? new TimeOnly(micros * TimeSpan.TicksPerMicrosecond)
            : throw new OverflowException($"TIME with {micros} µs since midnight does not fit TimeOnly.");
    }

    /// <summary>A UUID cell: DuckDB stores it as a HUGEINT with the top bit flipped (so signed order is byte order).</summary>
    public static Guid Uuid(void* data, long index)
    {
        var value = ((DuckDbHugeInt*)data)[index];
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)value.Upper ^ (1UL << 63));
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], value.Lower);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>The index an ENUM cell stores.</summary>
    public static ulong EnumIndex(DuckDbType storage, void* data, long index) => storage switch
    {
        DuckDbType.UTinyInt => ((byte*)data)[index],
        DuckDbType.USmallInt => ((ushort*)data)[index],
        DuckDbType.UInteger => ((uint*)data)[index],
        _ => throw new InvalidOperationException($"Unexpected ENUM storage {storage}."),
    };
}
