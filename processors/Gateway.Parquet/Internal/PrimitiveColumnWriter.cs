using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gateway.Parquet.Internal;

/// <summary>
/// INT32, INT64 and DOUBLE columns: values are buffered as they are (the PLAIN encoding on a little-endian machine),
/// and min/max use the type's signed order; doubles leave NaN out of min/max and count it in nan_count.
/// </summary>
internal sealed class PrimitiveColumnWriter<T> : ValueColumnWriter<T>
    where T : unmanaged, INumber<T>
{
    private static readonly bool IsFloatingPoint = typeof(T) == typeof(double);

    public PrimitiveColumnWriter(ParquetColumn column)
        : base(column)
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Append(T value)
    {
        Values.Add(value);
        return Unsafe.SizeOf<T>() + AddPresent();
    }

    public override ColumnChunkMetadata WriteChunk(ChunkEncoder encoder, long fileOffset)
    {
        encoder.BeginChunk(Column, fileOffset);
        var values = Values.Span;
        var chunk = default(MinMax);
        var row = 0;
        var value = 0;
        while (row < RowCount)
        {
            var (rows, count) = PlanPage(encoder, row, value, new FixedBits(Unsafe.SizeOf<T>() * 8));
            var body = encoder.BeginDataPage();
            WriteLevels(encoder, row, rows);
            var page = values.Slice(value, count);
            body.AddRange(MemoryMarshal.AsBytes(page));
            var range = MinMax.Of(page);
            chunk.Merge(range);
            encoder.EndDataPage(rows, ParquetFormat.EncodingPlain, range.Statistics(rows - count));
            row += rows;
            value += count;
        }

        var statistics = chunk.Statistics(RowCount - Values.Length);
        return encoder.EndChunk(Column, RowCount, new ChunkStatistics
        {
            NullCount = statistics.NullCount,
            NanCount = statistics.NanCount,
            Min = statistics.HasMinMax ? statistics.Min.ToArray() : null,
            Max = statistics.HasMinMax ? statistics.Max.ToArray() : null,
        });
    }

    private readonly struct FixedBits(int bits) : IValueBits
    {
        public long BitsOf(int valueIndex) => bits;
    }

    /// <summary>Min, max (NaN excluded) and NaN count of a run of values.</summary>
    private struct MinMax
    {
        private T _min;
        private T _max;
        private bool _any;
        private long _nans;

        public static MinMax Of(ReadOnlySpan<T> values)
        {
            var range = default(MinMax);
            foreach (var v in values)
            {
                if (IsFloatingPoint && T.IsNaN(v))
                {
                    range._nans++;
                    continue;
                }

                if (!range._any)
                {
                    range._min = v;
                    range._max = v;
                    range._any = true;
                }
                else if (v < range._min)
                {
                    range._min = v;
                }
                else if (v > range._max)
                {
                    range._max = v;
                }
            }

            if (IsFloatingPoint && range._any)
            {
                // Parquet's float rule: a zero minimum is written as -0.0 and a zero maximum as +0.0, because
                // the two zeros compare equal and either may be in the data.
                if (range._min == T.Zero)
                {
                    range._min = -T.Zero;
                }

                if (range._max == T.Zero)
                {
                    range._max = T.Zero;
                }
            }

            return range;
        }

        public void Merge(in MinMax other)
        {
            _nans += other._nans;
            if (!other._any)
            {
                return;
            }

            if (!_any)
            {
                _min = other._min;
                _max = other._max;
                _any = true;
                return;
            }

            if (other._min < _min)
            {
                _min = other._min;
            }

            if (other._max > _max)
            {
                _max = other._max;
            }
        }

        [UnscopedRef]
        public StatisticsValues Statistics(long nullCount) => new(
            nullCount,
            IsFloatingPoint ? _nans : -1,
            _any,
            MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in _min)),
            MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in _max)));
    }
}
