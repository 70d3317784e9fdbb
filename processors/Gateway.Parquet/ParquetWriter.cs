using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Gateway.Parquet.Internal;

namespace Gateway.Parquet;

/// <summary>
/// Writes a flat Parquet file row by row: set each column of the current row once (any order), then call
/// <see cref="EndRow"/>. Rows are buffered per column until the open row group reaches
/// <see cref="ParquetWriterOptions.RowGroupBytes"/>; then the row group is encoded (v1 data pages, dictionary or PLAIN,
/// statistics, compression) and written to the stream, so memory stays bounded by one row group. Not thread-safe.
/// </summary>
public sealed partial class ParquetWriter : IAsyncDisposable, IDisposable
{
    /// <summary><see cref="DateOnly.DayNumber"/> of 1970-01-01, day 0 of Parquet's DATE.</summary>
    private const int UnixEpochDayNumber = 719_162;

    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnWriter[] _columns;
    private readonly long[] _setInRow;
    private readonly ChunkEncoder _encoder;
    private readonly List<RowGroupMetadata> _rowGroups = [];
    private byte[] _utf8 = [];
    private long _rowStamp = 1;
    private int _setCount;
    private long _rowsInGroup;
    private bool _closed;
    private bool _faulted;

    // Set by Close: the row group being flushed is the file's last, so its columns are released as they are written.
    private bool _lastRowGroup;

    private ParquetWriter(Stream output, ParquetSchema schema, ParquetWriterOptions options, bool leaveOpen)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _options = options;
        Schema = schema;
        _columns = new ColumnWriter[schema.Columns.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = CreateColumn(schema.Columns[i], options);
        }

        _setInRow = new long[_columns.Length];
        _encoder = new ChunkEncoder(options);
    }

    /// <summary>The schema of the file.</summary>
    public ParquetSchema Schema { get; }

    /// <summary>The options the file is written with.</summary>
    public ParquetWriterOptions Options => _options;

    /// <summary>Rows ended so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Uncompressed bytes held for the open row group (values, levels and dictionaries).</summary>
    public long BufferedBytes { get; private set; }

    /// <summary>Bytes already written to the stream.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Row groups written so far.</summary>
    public int RowGroupCount => _rowGroups.Count;

    /// <summary>
    /// Creates a writer over a writable stream. "PAR1" is written with the first row group or the footer. The writer
    /// disposes the stream when it closes unless <paramref name="leaveOpen"/> is true.
    /// </summary>
    public static ParquetWriter Create(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        if (!output.CanWrite)
        {
            throw new ArgumentException("The Parquet output stream is not writable; open it for writing.", nameof(output));
        }

        if (!BitConverter.IsLittleEndian)
        {
            // Values are buffered in memory order, which is Parquet's PLAIN order only on little-endian machines.
            throw new PlatformNotSupportedException("The Parquet writer needs a little-endian machine.");
        }

        options ??= new ParquetWriterOptions();
        options.Validate();
        return new ParquetWriter(output, schema, options, leaveOpen);
    }

    /// <summary>Sets the column to null in the current row; the column must be OPTIONAL.</summary>
    public void WriteNull(int column)
    {
        var writer = Take<ColumnWriter>(column, "null", isNull: true);
        BufferedBytes += writer.AppendNull();
    }

    /// <summary>Sets a BOOLEAN column.</summary>
    public void Write(int column, bool value) => BufferedBytes += Take<BooleanColumnWriter>(column, "bool").Append(value);

    /// <summary>Sets an INT32 or DATE (days since epoch) column; on an INT64 column the value is widened.</summary>
    public void Write(int column, int value)
    {
        if ((uint)column < (uint)_columns.Length && _columns[column] is PrimitiveColumnWriter<long>)
        {
            Write(column, (long)value);
            return;
        }

        BufferedBytes += Take<PrimitiveColumnWriter<int>>(column, "int").Append(value);
    }

    /// <summary>Sets an INT64 or TIMESTAMP_MILLIS (epoch milliseconds) column.</summary>
    public void Write(int column, long value) => BufferedBytes += Take<PrimitiveColumnWriter<long>>(column, "long").Append(value);

    /// <summary>Sets a DOUBLE column.</summary>
    public void Write(int column, double value) => BufferedBytes += Take<PrimitiveColumnWriter<double>>(column, "double").Append(value);

    /// <summary>Sets a BYTE_ARRAY column from bytes; a STRING column checks that they are valid UTF-8.</summary>
    public void Write(int column, ReadOnlySpan<byte> utf8)
    {
        var writer = Peek<ByteArrayColumnWriter>(column, "bytes");
        if (writer.Column.Logical == ParquetLogicalType.String && !Utf8.IsValid(utf8))
        {
            ThrowHelper.ThrowInvalidUtf8(writer.Column);
        }

        MarkSet(column, writer);
        BufferedBytes += writer.Append(utf8);
    }

    /// <summary>Sets a STRING (or BYTE_ARRAY) column from text, as UTF-8; null sets null.</summary>
    public void Write(int column, string? value)
    {
        if (value is null)
        {
            WriteNull(column);
            return;
        }

        var writer = Take<ByteArrayColumnWriter>(column, "string");
        var recent = writer.TryAppendRecent(value);
        if (recent >= 0)
        {
            BufferedBytes += recent;
            return;
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < max)
        {
            GrowUtf8(max);
        }

        // Lone surrogates become U+FFFD, so the bytes are always valid UTF-8.
        var length = Encoding.UTF8.GetBytes(value, _utf8);
        BufferedBytes += writer.Append(_utf8.AsSpan(0, length));
        writer.Remember(value);
    }

    /// <summary>Sets a TIMESTAMP_MILLIS column (the instant, truncated to milliseconds).</summary>
    public void Write(int column, DateTimeOffset value)
    {
        var writer = Peek<PrimitiveColumnWriter<long>>(column, "DateTimeOffset");
        if (writer.Column.Logical != ParquetLogicalType.TimestampMillis)
        {
            ThrowHelper.ThrowTypeMismatch(writer.Column, "DateTimeOffset");
        }

        MarkSet(column, writer);
        BufferedBytes += writer.Append(value.ToUnixTimeMilliseconds());
    }

    /// <summary>Sets a DATE column.</summary>
    public void Write(int column, DateOnly value)
    {
        var writer = Peek<PrimitiveColumnWriter<int>>(column, "DateOnly");
        if (writer.Column.Logical != ParquetLogicalType.Date)
        {
            ThrowHelper.ThrowTypeMismatch(writer.Column, "DateOnly");
        }

        MarkSet(column, writer);
        BufferedBytes += writer.Append(value.DayNumber - UnixEpochDayNumber);
    }

    /// <summary>
    /// Ends the current row: unset OPTIONAL columns become null; an unset REQUIRED column throws
    /// <see cref="InvalidOperationException"/> and leaves the row open. Closes the row group when it is full.
    /// </summary>
    public void EndRow()
    {
        ThrowIfClosed();
        if (_setCount != _columns.Length)
        {
            FillUnsetColumns();
        }

        _rowStamp++;
        _setCount = 0;
        RowCount++;
        _rowsInGroup++;
        if (BufferedBytes >= _options.RowGroupBytes)
        {
            FlushRowGroup();
        }
    }

    /// <summary>Drops the values set for the current row since the last <see cref="EndRow"/>.</summary>
    public void DiscardRow()
    {
        ThrowIfClosed();
        if (_setCount == 0)
        {
            return;
        }

        for (var i = 0; i < _columns.Length; i++)
        {
            if (_setInRow[i] == _rowStamp)
            {
                BufferedBytes -= _columns[i].RemoveLast();
            }
        }

        _rowStamp++;
        _setCount = 0;
    }

    private static ColumnWriter CreateColumn(ParquetColumn column, ParquetWriterOptions options) => column.Type switch
    {
        ParquetPhysicalType.Boolean => new BooleanColumnWriter(column),
        ParquetPhysicalType.Int32 => new PrimitiveColumnWriter<int>(column),
        ParquetPhysicalType.Int64 => new PrimitiveColumnWriter<long>(column),
        ParquetPhysicalType.Double => new PrimitiveColumnWriter<double>(column),
        _ => new ByteArrayColumnWriter(column, column.UseDictionary ?? options.UseDictionary, options.DictionaryPageBytes),
    };

    /// <summary>The column's writer, checked for type and for being unset in this row, and marked as set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T Take<T>(int column, string written, bool isNull = false)
        where T : ColumnWriter
    {
        var writer = Peek<T>(column, written);
        if (isNull && !writer.Column.IsOptional)
        {
            ThrowHelper.ThrowRequiredNull(writer.Column);
        }

        MarkSet(column, writer);
        return writer;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T Peek<T>(int column, string written)
        where T : ColumnWriter
    {
        if (_closed)
        {
            ThrowClosed();
        }

        if ((uint)column >= (uint)_columns.Length)
        {
            ThrowHelper.ThrowColumnOutOfRange(column, _columns.Length);
        }

        return _columns[column] as T ?? ThrowHelper.ThrowTypeMismatch<T>(_columns[column].Column, written);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkSet(int column, ColumnWriter writer)
    {
        if (_setInRow[column] == _rowStamp)
        {
            ThrowHelper.ThrowAlreadySet(writer.Column, RowCount);
        }

        _setInRow[column] = _rowStamp;
        _setCount++;
    }

    private void FillUnsetColumns()
    {
        // Check every REQUIRED column before filling any null, so a failure leaves the row as it was.
        for (var i = 0; i < _columns.Length; i++)
        {
            if (_setInRow[i] != _rowStamp && !_columns[i].Column.IsOptional)
            {
                ThrowHelper.ThrowRequiredUnset(_columns[i].Column, RowCount);
            }
        }

        for (var i = 0; i < _columns.Length; i++)
        {
            if (_setInRow[i] != _rowStamp)
            {
                BufferedBytes += _columns[i].AppendNull();
            }
        }
    }

    private void GrowUtf8(int size)
    {
        if (_utf8.Length > 0)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_utf8);
        }

        _utf8 = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(size, 256));
    }

    private void ThrowIfClosed()
    {
        if (_closed)
        {
            ThrowClosed();
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowClosed() =>
        throw new ObjectDisposedException(nameof(ParquetWriter), $"The Parquet writer is closed after {RowCount} rows; create a new writer for more.");
}
