using Gateway.Parquet.Tests.Support;

namespace Gateway.Parquet.Tests;

/// <summary>The row-wise API's contract: type checks, row completion, closing and disposal.</summary>
public sealed class WriterApiTests
{
    private static readonly ParquetSchema Schema = new(
        ParquetColumn.TimestampMillis("ts", optional: false),
        ParquetColumn.String("name"),
        ParquetColumn.Int64("count"),
        ParquetColumn.Date("day"),
        ParquetColumn.Binary("raw"));

    [Theory]
    [InlineData(0, "string")] // a string into the TIMESTAMP column
    [InlineData(1, "int")] // an int into the STRING column
    [InlineData(2, "double")] // a double into INT64
    [InlineData(2, "DateTimeOffset")] // an instant into a plain INT64 (only TIMESTAMP columns take it)
    [InlineData(3, "long")] // a long into DATE (INT32)
    [InlineData(1, "DateOnly")]
    public void A_value_of_the_wrong_type_is_refused_naming_the_column(int column, string kind)
    {
        using var writer = ParquetWriter.Create(new MemoryStream(), Schema);

        var error = Assert.Throws<ArgumentException>(() => WriteKind(writer, column, kind));

        Assert.Contains($"'{Schema.Columns[column].Name}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, writer.BufferedBytes);
    }

    [Fact]
    public void An_int_widens_into_an_int64_column()
    {
        var table = new TestTable([ParquetColumn.Int64("n", optional: false)], [[5], [int.MinValue]]);
        using var directory = new TempDirectory();

        table.AssertReadBack(Hyparquet.Read(table.ToFile(directory.Path, "widen.parquet", new ParquetWriterOptions())));
    }

    [Fact]
    public void An_unset_required_column_fails_EndRow_and_leaves_the_row_open()
    {
        using var stream = new MemoryStream();
        using (var writer = ParquetWriter.Create(stream, Schema, leaveOpen: true))
        {
            writer.Write(1, "first");

            var error = Assert.Throws<InvalidOperationException>(writer.EndRow);
            Assert.Contains("'ts'", error.Message, StringComparison.Ordinal);

            writer.Write(0, 1_000L);
            writer.EndRow();
            Assert.Equal(1, writer.RowCount);
        }

        var file = WriteAndRead(stream);
        Assert.Equal("[[1000,\"first\",null,null,null]]", file.Rows.ToJsonString());
    }

    [Fact]
    public void Setting_a_column_twice_in_a_row_is_refused()
    {
        using var writer = ParquetWriter.Create(new MemoryStream(), Schema);
        writer.Write(2, 1L);

        var error = Assert.Throws<InvalidOperationException>(() => writer.Write(2, 2L));

        Assert.Contains("'count' was already set in row 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_into_a_required_column_is_refused()
    {
        using var writer = ParquetWriter.Create(new MemoryStream(), Schema);

        Assert.Throws<ArgumentException>(() => writer.WriteNull(0));
        Assert.Throws<ArgumentException>(() => writer.Write(0, (string?)null));
    }

    [Fact]
    public void Invalid_utf8_is_refused_for_strings_and_kept_for_binary()
    {
        using var writer = ParquetWriter.Create(new MemoryStream(), Schema);
        byte[] invalid = [0xC3, 0x28];

        var error = Assert.Throws<ArgumentException>(() => writer.Write(1, invalid));
        writer.Write(4, invalid);

        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_outside_the_schema_is_refused()
    {
        using var writer = ParquetWriter.Create(new MemoryStream(), Schema);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(5, 1L));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteNull(-1));
    }

    [Fact]
    public void DiscardRow_drops_a_half_written_row()
    {
        using var stream = new MemoryStream();
        using (var writer = ParquetWriter.Create(stream, Schema, leaveOpen: true))
        {
            writer.Write(0, 1L);
            writer.Write(1, "kept");
            writer.EndRow();
            writer.Write(1, "dropped");
            writer.Write(4, "dropped"u8);
            writer.Write(2, 99L);
            writer.DiscardRow();
            writer.Write(0, 2L);
            writer.EndRow();
        }

        Assert.Equal("[[1,\"kept\",null,null,null],[2,null,null,null,null]]", WriteAndRead(stream).Rows.ToJsonString());
    }

    [Fact]
    public void DiscardRow_after_a_dictionary_fallback_keeps_the_earlier_values()
    {
        var schema = new ParquetSchema(ParquetColumn.String("s"));
        using var stream = new MemoryStream();
        using (var writer = ParquetWriter.Create(stream, schema, new ParquetWriterOptions { DictionaryPageBytes = 10 }, leaveOpen: true))
        {
            writer.Write(0, "abc");
            writer.EndRow();
            writer.Write(0, "this value overflows the dictionary");
            writer.DiscardRow();
            writer.Write(0, "xyz");
            writer.EndRow();
        }

        Assert.Equal("[[\"abc\"],[\"xyz\"]]", WriteAndRead(stream).Rows.ToJsonString());
    }

    [Fact]
    public void Close_refuses_a_half_written_row_and_Dispose_drops_it()
    {
        using var stream = new MemoryStream();
        var writer = ParquetWriter.Create(stream, Schema, leaveOpen: true);
        writer.Write(0, 1L);
        writer.EndRow();
        writer.Write(0, 2L);

        Assert.Throws<InvalidOperationException>(writer.Close);
        Assert.Throws<InvalidOperationException>(writer.FlushRowGroup);
        writer.Dispose();

        Assert.Equal(1, WriteAndRead(stream).NumRows);
    }

    [Fact]
    public void Close_is_idempotent_and_later_writes_are_refused()
    {
        using var stream = new MemoryStream();
        var writer = ParquetWriter.Create(stream, Schema, leaveOpen: true);
        writer.Write(0, 1L);
        writer.EndRow();

        writer.Close();
        var length = stream.Length;
        writer.Close();
        writer.Dispose();

        Assert.Equal(length, stream.Length);
        Assert.Equal(length, writer.BytesWritten);
        Assert.Throws<ObjectDisposedException>(() => writer.Write(0, 2L));
        Assert.Throws<ObjectDisposedException>(writer.EndRow);
    }

    [Fact]
    public void The_writer_disposes_the_stream_unless_asked_to_leave_it_open()
    {
        var owned = new MemoryStream();
        var shared = new MemoryStream();

        ParquetWriter.Create(owned, Schema).Dispose();
        ParquetWriter.Create(shared, Schema, leaveOpen: true).Dispose();

        Assert.False(owned.CanWrite);
        Assert.True(shared.CanWrite);
    }

    [Fact]
    public void A_read_only_stream_is_refused()
    {
        using var readOnly = new MemoryStream([], writable: false);

        var error = Assert.Throws<ArgumentException>(() => ParquetWriter.Create(readOnly, Schema));

        Assert.Contains("not writable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_has_a_footer_and_no_row_groups()
    {
        using var stream = new MemoryStream();
        ParquetWriter.Create(stream, Schema, leaveOpen: true).Dispose();

        var file = WriteAndRead(stream);

        Assert.Equal(0, file.NumRows);
        Assert.Empty(file.Rows);
        Assert.Equal(5, file.Schema.Count);
    }

    [Fact]
    public void Key_value_metadata_and_created_by_land_in_the_footer()
    {
        using var stream = new MemoryStream();
        var options = new ParquetWriterOptions
        {
            CreatedBy = "test version 1.0.0 (build abc)",
            Metadata = new Dictionary<string, string> { ["z.key"] = "last", ["a.key"] = "first", ["empty"] = string.Empty },
        };
        ParquetWriter.Create(stream, Schema, options, leaveOpen: true).Dispose();

        var info = ParquetFileInfo.Read(new MemoryStream(stream.ToArray()));

        Assert.Equal("test version 1.0.0 (build abc)", info.CreatedBy);
        Assert.Equal(["a.key", "empty", "z.key"], info.Metadata.Keys);
        Assert.Equal("first", info.Metadata["a.key"]);
        Assert.Equal(2, info.Version);
        Assert.Equal(5, info.ColumnOrderCount);
    }

    [Fact]
    public void BufferedBytes_grows_with_rows_and_BytesWritten_follows_the_stream()
    {
        using var stream = new MemoryStream();
        using var writer = ParquetWriter.Create(stream, Schema, leaveOpen: true);
        writer.Write(0, 1L);
        writer.Write(1, "abc");
        writer.EndRow();

        // ts 8, name 1 level + 4 length + 3 bytes + 4 dictionary index… at least the raw values.
        Assert.True(writer.BufferedBytes >= 8 + 3, $"{writer.BufferedBytes}");
        Assert.Equal(0, writer.BytesWritten);

        writer.FlushRowGroup();

        Assert.Equal(0, writer.BufferedBytes);
        Assert.Equal(stream.Length, writer.BytesWritten);
    }

    [Fact]
    public async Task The_async_path_writes_the_same_bytes_as_the_sync_path()
    {
        var table = LayoutTests.MixedTable("string", rows: 300, seed: 5);
        var options = new ParquetWriterOptions { RowGroupBytes = 1000, PageBytes = 300 };
        var first = new TestTable(table.Schema, table.Rows.Take(150).ToList());
        var rest = new TestTable(table.Schema, table.Rows.Skip(150).ToList());

        using var syncStream = new MemoryStream();
        using (var writer = ParquetWriter.Create(syncStream, table.Schema, options, leaveOpen: true))
        {
            first.WriteRows(writer);
            writer.FlushRowGroup();
            rest.WriteRows(writer);
            writer.Close();
        }

        using var asyncStream = new MemoryStream();
        await using (var writer = ParquetWriter.Create(asyncStream, table.Schema, options, leaveOpen: true))
        {
            first.WriteRows(writer);
            await writer.FlushRowGroupAsync();
            rest.WriteRows(writer);
            await writer.CloseAsync();
        }

        Assert.Equal(syncStream.ToArray(), asyncStream.ToArray());
        table.AssertReadBack(WriteAndRead(asyncStream));
    }

    [Fact]
    public void A_failing_stream_faults_the_writer_and_dispose_still_releases_it()
    {
        var stream = new FailingStream();
        var writer = ParquetWriter.Create(stream, Schema);
        writer.Write(0, 1L);
        writer.EndRow();

        Assert.Throws<IOException>(writer.FlushRowGroup);
        var error = Assert.Throws<InvalidOperationException>(writer.FlushRowGroup);
        writer.Dispose();

        Assert.Contains("failed", error.Message, StringComparison.Ordinal);
        Assert.True(stream.Disposed);
    }

    private static void WriteKind(ParquetWriter writer, int column, string kind)
    {
        switch (kind)
        {
            case "string":
                writer.Write(column, "text");
                break;
            case "int":
                writer.Write(column, 1);
                break;
            case "long":
                writer.Write(column, 1L);
                break;
            case "double":
                writer.Write(column, 1.5);
                break;
            case "DateTimeOffset":
                writer.Write(column, DateTimeOffset.UnixEpoch);
                break;
            default:
                writer.Write(column, DateOnly.MinValue);
                break;
        }
    }

    private static HyparquetFile WriteAndRead(MemoryStream stream)
    {
        using var directory = new TempDirectory();
        var path = directory.File("api.parquet");
        File.WriteAllBytes(path, stream.ToArray());
        return Hyparquet.Read(path).EnsureOk();
    }

    private sealed class FailingStream : MemoryStream
    {
        public bool Disposed { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("disk full");

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("disk full");

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
