using System.Runtime.CompilerServices;

namespace Gateway.Parquet.Internal;

/// <summary>A column that buffers one fixed-size value per non-null row (BOOLEAN as a byte, INT32, INT64, DOUBLE).</summary>
internal abstract class ValueColumnWriter<T> : ColumnWriter
    where T : unmanaged
{
    protected ValueColumnWriter(ParquetColumn column)
        : base(column)
    {
    }

    /// <summary>The buffered values of the open chunk, nulls left out.</summary>
    protected PooledBuffer<T> Values { get; } = new(1024);

    public override void Reset()
    {
        base.Reset();
        Values.Clear();
    }

    public override void Dispose()
    {
        base.Dispose();
        Values.Dispose();
    }

    protected override long RemoveLastValue()
    {
        Values.Truncate(Values.Length - 1);
        return Unsafe.SizeOf<T>();
    }
}
