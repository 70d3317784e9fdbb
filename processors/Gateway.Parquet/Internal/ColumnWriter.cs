using System.Runtime.CompilerServices;

namespace Gateway.Parquet.Internal;

/// <summary>
/// Buffers one column of the open row group and encodes it as a column chunk when the row group closes. Values of
/// non-null rows are kept compactly per type; an OPTIONAL column also keeps one definition level byte per row.
/// </summary>
internal abstract class ColumnWriter : IDisposable
{
    protected ColumnWriter(ParquetColumn column)
    {
        Column = column;
        if (column.IsOptional)
        {
            Levels = new PooledBuffer<byte>();
        }
    }

    /// <summary>Sizes of the values of a page candidate, in bits, for splitting a chunk into pages.</summary>
    protected interface IValueBits
    {
        long BitsOf(int valueIndex);
    }

    public ParquetColumn Column { get; }

    /// <summary>Definition levels, one per row (1 = value, 0 = null); null for REQUIRED columns.</summary>
    protected PooledBuffer<byte>? Levels { get; }

    /// <summary>Rows buffered, nulls included.</summary>
    public int RowCount { get; private set; }

    /// <summary>Buffers a null; the caller has checked that the column is OPTIONAL.</summary>
    public int AppendNull()
    {
        Levels!.Add(0);
        RowCount++;
        return 1;
    }

    /// <summary>Removes the last row (a discarded row); returns the buffered bytes it took.</summary>
    public long RemoveLast()
    {
        RowCount--;
        if (Levels is { } levels)
        {
            var present = levels[levels.Length - 1] != 0;
            levels.Truncate(levels.Length - 1);
            return present ? 1 + RemoveLastValue() : 1;
        }

        return RemoveLastValue();
    }

    /// <summary>Encodes the buffered rows as one column chunk into <paramref name="encoder"/>'s output.</summary>
    public abstract ColumnChunkMetadata WriteChunk(ChunkEncoder encoder, long fileOffset);

    /// <summary>Forgets the buffered rows after their chunk was written.</summary>
    public virtual void Reset()
    {
        Levels?.Clear();
        RowCount = 0;
    }

    public virtual void Dispose() => Levels?.Dispose();

    /// <summary>Counts the row as having a value; returns the level bytes it buffered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected int AddPresent()
    {
        RowCount++;
        if (Levels is { } levels)
        {
            levels.Add(1);
            return 1;
        }

        return 0;
    }

    protected abstract long RemoveLastValue();

    /// <summary>Writes the definition levels of rows [row, row + rows) when the column has any.</summary>
    protected void WriteLevels(ChunkEncoder encoder, int row, int rows)
    {
        if (Levels is { } levels)
        {
            encoder.WriteDefinitionLevels(levels.Span.Slice(row, rows));
        }
    }

    /// <summary>
    /// Chooses the rows of the next page starting at <paramref name="row"/> (whose first value is
    /// <paramref name="value"/>): as many as fit <see cref="ChunkEncoder.PageBytes"/> by the estimate (value bits plus
    /// one bit per level), at least one and at most <see cref="ChunkEncoder.PageRowLimit"/>.
    /// </summary>
    protected (int Rows, int Values) PlanPage<TBits>(ChunkEncoder encoder, int row, int value, TBits bits)
        where TBits : struct, IValueBits
    {
        var limitBits = encoder.PageBytes * 8L;
        var maxRows = Math.Min(RowCount - row, encoder.PageRowLimit);
        var used = 0L;
        var rows = 0;
        var values = 0;
        var levels = Levels is { } buffer ? buffer.Span : default;
        while (rows < maxRows && used < limitBits)
        {
            if (levels.IsEmpty)
            {
                used += bits.BitsOf(value + values);
                values++;
            }
            else
            {
                used++;
                if (levels[row + rows] != 0)
                {
                    used += bits.BitsOf(value + values);
                    values++;
                }
            }

            rows++;
        }

        return (rows, values);
    }
}
