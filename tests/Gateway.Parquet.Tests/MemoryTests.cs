namespace Gateway.Parquet.Tests;

/// <summary>Streaming: memory is bounded by one row group, and the row path allocates nothing per value.</summary>
[Collection(nameof(MemoryTests))]
public sealed class MemoryTests
{
    private static readonly ParquetSchema EventLike = new(
        ParquetColumn.TimestampMillis("event_time", optional: false),
        ParquetColumn.String("event_id"),
        ParquetColumn.String("country"),
        ParquetColumn.Int64("bytes_sent"),
        ParquetColumn.Double("value"),
        ParquetColumn.Boolean("is_bot"));

    [Fact]
    public void Writing_a_million_rows_keeps_managed_memory_bounded_by_the_row_group_size()
    {
        const long RowGroupBytes = 4L * 1024 * 1024;
        var options = new ParquetWriterOptions { RowGroupBytes = RowGroupBytes };
        using var output = new CountingStream();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var firstHalfPeak = 0L;
        var secondHalfPeak = 0L;
        using (var writer = ParquetWriter.Create(output, EventLike, options))
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                WriteRow(writer, i);
                if (i % 100_000 == 99_999)
                {
                    var used = GC.GetTotalMemory(forceFullCollection: true) - baseline;
                    firstHalfPeak = i < 500_000 ? Math.Max(firstHalfPeak, used) : firstHalfPeak;
                    secondHalfPeak = i >= 500_000 ? Math.Max(secondHalfPeak, used) : secondHalfPeak;
                }
            }

            Assert.True(writer.RowGroupCount > 5, $"{writer.RowGroupCount} row groups");
        }

        // Column buffers grow by doubling and the shared array pool keeps what they outgrew: a few row groups' worth
        // (about 5x measured), independent of the million rows, which hold about 45 MB of values.
        Assert.True(secondHalfPeak < 8 * RowGroupBytes, $"peak managed memory above baseline: {secondHalfPeak / 1024 / 1024} MiB");
        Assert.True(secondHalfPeak < firstHalfPeak + RowGroupBytes, $"memory grew from {firstHalfPeak} to {secondHalfPeak} bytes");
        Assert.True(output.Length > 8 * 1024 * 1024, $"{output.Length} bytes written");
    }

    [Theory]
    [InlineData(ParquetCodec.Uncompressed)] // encoding itself allocates nothing per value
    [InlineData(ParquetCodec.Gzip)] // GZipStream's per-page state is not per value either
    public void The_row_path_does_not_allocate_per_value(ParquetCodec codec)
    {
        var options = new ParquetWriterOptions { Codec = codec, RowGroupBytes = 1024 * 1024 };
        using var writer = ParquetWriter.Create(new CountingStream(), EventLike, options);
        for (var i = 0; i < 50_000; i++)
        {
            WriteRow(writer, i); // warm up: buffers reach their steady size
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 50_000; i < 250_000; i++)
        {
            WriteRow(writer, i);
        }

        var perRow = (GC.GetAllocatedBytesForCurrentThread() - before) / 200_000.0;

        // Six values per row; what remains is per page and per row group (metadata, codec state).
        Assert.True(perRow < 2, $"{perRow:F2} bytes allocated per row");
    }

    private static void WriteRow(ParquetWriter writer, int i)
    {
        writer.Write(0, 1_700_000_000_000L + i);
        writer.Write(1, EventId(i));
        writer.Write(2, Countries[i % Countries.Length]);
        writer.Write(3, (long)(i % 5000));
        writer.Write(4, i * 0.25);
        writer.Write(5, i % 17 == 0);
        writer.EndRow();
    }

    private static readonly string[] Countries = ["DE", "US", "FR", "GB", "JP", "BR"];

    [ThreadStatic]
    private static byte[]? _eventId;

    /// <summary>A unique 16-byte id per row, formatted without allocating.</summary>
    private static ReadOnlySpan<byte> EventId(int i)
    {
        _eventId ??= new byte[16];
        for (var k = 0; k < 16; k++)
        {
            _eventId[k] = (byte)"0123456789abcdef"[(int)((uint)(i * 2654435761u) >> ((k % 8) * 4)) & 0xF];
        }

        _eventId[0] = (byte)('a' + (i % 26));
        return _eventId;
    }

    /// <summary>A write-only stream that only counts, so the output does not count toward managed memory.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>Memory measurements run alone: other tests allocating in parallel would blur process-wide numbers.</summary>
[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryTestsCollection
{
}
