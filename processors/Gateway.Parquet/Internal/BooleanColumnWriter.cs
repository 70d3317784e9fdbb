namespace Gateway.Parquet.Internal;

/// <summary>BOOLEAN columns: one byte per value while buffered, bit-packed LSB-first (PLAIN) in the page.</summary>
internal sealed class BooleanColumnWriter : ValueColumnWriter<byte>
{
    private static ReadOnlySpan<byte> FalseTrue => [0, 1];

    public BooleanColumnWriter(ParquetColumn column)
        : base(column)
    {
    }

    public int Append(bool value)
    {
        Values.Add(value ? (byte)1 : (byte)0);
        return 1 + AddPresent();
    }

    public override ColumnChunkMetadata WriteChunk(ChunkEncoder encoder, long fileOffset)
    {
        encoder.BeginChunk(Column, fileOffset);
        var values = Values.Span;
        var anyFalse = false;
        var anyTrue = false;
        var row = 0;
        var value = 0;
        while (row < RowCount)
        {
            var (rows, count) = PlanPage(encoder, row, value, default(OneBit));
            var body = encoder.BeginDataPage();
            WriteLevels(encoder, row, rows);
            var page = values.Slice(value, count);
            Pack(page, body);
            var pageFalse = page.Contains((byte)0);
            var pageTrue = page.Contains((byte)1);
            anyFalse |= pageFalse;
            anyTrue |= pageTrue;
            encoder.EndDataPage(rows, ParquetFormat.EncodingPlain, Statistics(rows - count, pageFalse, pageTrue));
            row += rows;
            value += count;
        }

        var chunk = Statistics(RowCount - values.Length, anyFalse, anyTrue);
        return encoder.EndChunk(Column, RowCount, new ChunkStatistics
        {
            NullCount = chunk.NullCount,
            Min = chunk.HasMinMax ? chunk.Min.ToArray() : null,
            Max = chunk.HasMinMax ? chunk.Max.ToArray() : null,
        });
    }

    private static StatisticsValues Statistics(long nullCount, bool anyFalse, bool anyTrue) => new(
        nullCount,
        -1,
        anyFalse || anyTrue,
        FalseTrue.Slice(anyFalse ? 0 : 1, 1),
        FalseTrue.Slice(anyTrue ? 1 : 0, 1));

    private static void Pack(ReadOnlySpan<byte> values, PooledBuffer<byte> body)
    {
        var byteCount = (values.Length + 7) / 8;
        var span = body.GetSpan(byteCount)[..byteCount];
        span.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            span[i >> 3] |= (byte)(values[i] << (i & 7));
        }

        body.Advance(byteCount);
    }

    private readonly struct OneBit : IValueBits
    {
        public long BitsOf(int valueIndex) => 1;
    }
}
