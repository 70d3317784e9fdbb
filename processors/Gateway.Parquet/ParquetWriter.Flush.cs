using System.Buffers.Binary;
using Gateway.Parquet.Internal;

namespace Gateway.Parquet;

/// <summary>Row groups, the footer and closing.</summary>
public sealed partial class ParquetWriter
{
    /// <summary>Encodes the open row group and writes it to the stream, if it has rows.</summary>
    public void FlushRowGroup()
    {
        ThrowIfClosed();
        if (!BeginFlush())
        {
            return;
        }

        try
        {
            if (BytesWritten == 0)
            {
                _output.Write(ParquetFormat.Magic);
                BytesWritten = ParquetFormat.Magic.Length;
            }

            var chunks = new ColumnChunkMetadata[_columns.Length];
            for (var i = 0; i < _columns.Length; i++)
            {
                chunks[i] = _columns[i].WriteChunk(_encoder, BytesWritten);
                _output.Write(_encoder.Output.Span);
                BytesWritten += _encoder.Output.Length;
                ReleaseIfLast(i);
            }

            EndFlush(chunks);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>Encodes the open row group and writes it to the stream asynchronously, if it has rows.</summary>
    public async ValueTask FlushRowGroupAsync(CancellationToken ct = default)
    {
        ThrowIfClosed();
        if (!BeginFlush())
        {
            return;
        }

        try
        {
            if (BytesWritten == 0)
            {
                await _output.WriteAsync(ParquetFormat.Magic.ToArray(), ct).ConfigureAwait(false);
                BytesWritten = ParquetFormat.Magic.Length;
            }

            var chunks = new ColumnChunkMetadata[_columns.Length];
            for (var i = 0; i < _columns.Length; i++)
            {
                chunks[i] = _columns[i].WriteChunk(_encoder, BytesWritten);
                await _output.WriteAsync(_encoder.Output.Memory, ct).ConfigureAwait(false);
                BytesWritten += _encoder.Output.Length;
                ReleaseIfLast(i);
            }

            EndFlush(chunks);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>
    /// Flushes the open row group, writes the footer, flushes the stream and releases the buffers; disposes the stream
    /// unless the writer was created with leaveOpen. Idempotent. Throws if a row is half-written (see <see cref="DiscardRow"/>).
    /// </summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        if (_setCount != 0)
        {
            ThrowHelper.ThrowRowIncomplete(RowCount);
        }

        try
        {
            _lastRowGroup = true;
            FlushRowGroup();
            var footer = BuildFooter();
            try
            {
                _output.Write(footer.Span);
                BytesWritten += footer.Length;
            }
            finally
            {
                footer.Dispose();
            }

            _output.Flush();
        }
        catch
        {
            _faulted = true;
            Release();
            throw;
        }

        Release();
    }

    /// <summary>Asynchronous <see cref="Close"/>.</summary>
    public async ValueTask CloseAsync(CancellationToken ct = default)
    {
        if (_closed)
        {
            return;
        }

        if (_setCount != 0)
        {
            ThrowHelper.ThrowRowIncomplete(RowCount);
        }

        try
        {
            _lastRowGroup = true;
            await FlushRowGroupAsync(ct).ConfigureAwait(false);
            var footer = BuildFooter();
            try
            {
                await _output.WriteAsync(footer.Memory, ct).ConfigureAwait(false);
                BytesWritten += footer.Length;
            }
            finally
            {
                footer.Dispose();
            }

            await _output.FlushAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            _faulted = true;
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    /// <summary>Drops a half-written row, then <see cref="Close"/>s the file (after a failed write it only releases resources).</summary>
    public void Dispose()
    {
        if (_closed)
        {
            return;
        }

        if (_faulted)
        {
            Release();
            return;
        }

        DiscardRow();
        Close();
    }

    /// <summary>Drops a half-written row, then <see cref="CloseAsync"/>s the file (after a failed write it only releases resources).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        if (_faulted)
        {
            await ReleaseAsync().ConfigureAwait(false);
            return;
        }

        DiscardRow();
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Checks the writer can flush; false when the open row group is empty.</summary>
    private bool BeginFlush()
    {
        if (_faulted)
        {
            ThrowHelper.ThrowFaulted();
        }

        if (_setCount != 0)
        {
            ThrowHelper.ThrowRowIncomplete(RowCount);
        }

        return _rowsInGroup > 0;
    }

    private void EndFlush(ColumnChunkMetadata[] chunks)
    {
        _rowGroups.Add(new RowGroupMetadata { Columns = chunks, NumRows = _rowsInGroup });
        if (!_lastRowGroup)
        {
            foreach (var column in _columns)
            {
                column.Reset();
            }
        }

        _rowsInGroup = 0;
        BufferedBytes = 0;
    }

    // While closing, a column's buffers go back to the pool as soon as its last chunk is written, not after the whole
    // row group: a file being closed then holds less and less, which matters when several close at once (the lake).
    private void ReleaseIfLast(int column)
    {
        if (_lastRowGroup)
        {
            _columns[column].Dispose();
        }
    }

    /// <summary>"PAR1" when nothing was written yet, FileMetaData, its length and "PAR1".</summary>
    private PooledBuffer<byte> BuildFooter()
    {
        var footer = new PooledBuffer<byte>(4096);
        if (BytesWritten == 0)
        {
            footer.AddRange(ParquetFormat.Magic);
        }

        var start = footer.Length;
        FooterWriter.Write(footer, Schema, _rowGroups, _options);
        var length = footer.Length - start;
        BinaryPrimitives.WriteInt32LittleEndian(footer.GetSpan(4), length);
        footer.Advance(4);
        footer.AddRange(ParquetFormat.Magic);
        return footer;
    }

    private void Release()
    {
        if (ReleaseBuffers() && !_leaveOpen)
        {
            _output.Dispose();
        }
    }

    private async ValueTask ReleaseAsync()
    {
        if (ReleaseBuffers() && !_leaveOpen)
        {
            await _output.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Returns pooled buffers once; false when already released.</summary>
    private bool ReleaseBuffers()
    {
        if (_closed)
        {
            return false;
        }

        _closed = true;
        foreach (var column in _columns)
        {
            column.Dispose();
        }

        _encoder.Dispose();
        if (_utf8.Length > 0)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_utf8);
            _utf8 = [];
        }

        return true;
    }
}
