using Gateway.Catalog.DuckDb.Internal;

namespace Gateway.Catalog.DuckDb;

/// <summary>
/// The rows of one statement, held in DuckDB's memory until disposed; cells are read in place by column and row.
/// Not for concurrent use. Readable after its connection is disposed (the session ends when the result does).
/// </summary>
public sealed unsafe partial class DuckDbResult : IDisposable
{
    private readonly ResultHandle _handle;
    private readonly string[] _names;
    private readonly DuckDbType[] _types;
    private readonly ColumnShape[] _shapes;
    private readonly Chunk[] _chunks;
    private int _lastChunk;

    private DuckDbResult(ResultHandle handle, string[] names, DuckDbType[] types, ColumnShape[] shapes, Chunk[] chunks, long rowCount)
    {
        _handle = handle;
        _names = names;
        _types = types;
        _shapes = shapes;
        _chunks = chunks;
        RowCount = rowCount;
    }

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _names.Length;

    /// <summary>The number of rows.</summary>
    public long RowCount { get; }

    /// <summary>The name of <paramref name="column"/> (0-based).</summary>
    public string ColumnName(int column) => _names[CheckColumn(column)];

    /// <summary>The type of <paramref name="column"/>.</summary>
    public DuckDbType ColumnType(int column) => _types[CheckColumn(column)];

    /// <summary>Whether the cell is SQL NULL.</summary>
    public bool IsNull(int column, long row)
    {
        var (chunk, index) = Locate(column, row);
        return !Vectors.IsValid((ulong*)chunk.Validity[column], index);
    }

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();

    /// <summary>Fetches every chunk of a successful duckdb_query result; <paramref name="handle"/> owns them from then on.</summary>
    internal static DuckDbResult Read(ResultHandle handle)
    {
        var result = handle.Result;
        var columns = checked((int)NativeMethods.duckdb_column_count(result));
        var names = new string[columns];
        var types = new DuckDbType[columns];
        var shapes = new ColumnShape[columns];
        for (var c = 0; c < columns; c++)
        {
            names[c] = Utf8Text.Read(NativeMethods.duckdb_column_name(result, (ulong)c));
            types[c] = (DuckDbType)NativeMethods.duckdb_column_type(result, (ulong)c);
            shapes[c] = ColumnShape.NeedsLogicalType(types[c])
                ? ColumnShape.Describe(NativeMethods.duckdb_column_logical_type(result, (ulong)c), handle)
                : ColumnShape.Plain(types[c]);
        }

        // duckdb_query has materialized everything already; fetching hands out flat chunks that stay valid until
        // destroyed, so all are fetched now and random access needs no further calls into DuckDB.
        var chunks = new List<Chunk>();
        long rows = 0;
        while (true)
        {
            var chunk = NativeMethods.duckdb_fetch_chunk(*result);
            if (chunk == 0)
            {
                break;
            }

            handle.Own(chunk);
            var size = (long)NativeMethods.duckdb_data_chunk_get_size(chunk);
            if (size == 0)
            {
                continue;
            }

            var vectors = new nint[columns];
            var data = new nint[columns];
            var validity = new nint[columns];
            for (var c = 0; c < columns; c++)
            {
                vectors[c] = NativeMethods.duckdb_data_chunk_get_vector(chunk, (ulong)c);
                data[c] = (nint)NativeMethods.duckdb_vector_get_data(vectors[c]);
                validity[c] = (nint)NativeMethods.duckdb_vector_get_validity(vectors[c]);
            }

            chunks.Add(new Chunk(rows, size, vectors, data, validity));
            rows += size;
        }

        return new DuckDbResult(handle, names, types, shapes, [.. chunks], rows);
    }

    private int CheckColumn(int column)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, ColumnCount);
        return column;
    }

    /// <summary>The chunk holding <paramref name="row"/> and the row's index inside it.</summary>
    private (Chunk Chunk, long Index) Locate(int column, long row)
    {
        CheckColumn(column);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);

        // Rows are mostly read in order: try the chunk of the previous read, then its successor, then search.
        var at = _lastChunk;
        if (!_chunks[at].Contains(row))
        {
            at = at + 1 < _chunks.Length && _chunks[at + 1].Contains(row) ? at + 1 : Search(row);
            _lastChunk = at;
        }

        var chunk = _chunks[at];
        return (chunk, row - chunk.Start);
    }

    private int Search(long row)
    {
        int low = 0, high = _chunks.Length - 1;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (_chunks[mid].Start <= row)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    /// <summary>One fetched chunk: its first row in the result, its size, and per column the vector, data and validity pointers.</summary>
    private sealed record Chunk(long Start, long Size, nint[] Vectors, nint[] Data, nint[] Validity)
    {
        public bool Contains(long row) => row >= Start && row < Start + Size;
    }
}
