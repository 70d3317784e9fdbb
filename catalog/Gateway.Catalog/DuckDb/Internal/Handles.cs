using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Gateway.Catalog.DuckDb.Internal;

/// <summary>A duckdb_database; closed with duckdb_close once the last connection that uses it is gone.</summary>
internal sealed class DatabaseHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Called by the marshaller for <c>out DatabaseHandle</c>.</summary>
    public DatabaseHandle()
        : base(ownsHandle: true)
    {
    }

    protected override unsafe bool ReleaseHandle()
    {
        var database = handle;
        NativeMethods.duckdb_close(&database);
        return true;
    }
}

/// <summary>A duckdb_connection. Holds a reference on its database so the database outlives it.</summary>
internal sealed class ConnectionHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private DatabaseHandle? _database;

    /// <summary>Called by the marshaller for <c>out ConnectionHandle</c>.</summary>
    public ConnectionHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Keeps <paramref name="database"/> open until this connection is released.</summary>
    public void KeepAlive(DatabaseHandle database)
    {
        var added = false;
        database.DangerousAddRef(ref added);
        _database = database;
    }

    protected override unsafe bool ReleaseHandle()
    {
        var connection = handle;
        NativeMethods.duckdb_disconnect(&connection);
        _database?.DangerousRelease();
        return true;
    }
}

/// <summary>
/// A duckdb_result in native memory, plus everything read out of it that DuckDB allocated: the fetched data chunks
/// and the logical types. Holds a reference on its connection, whose database owns the memory the result lives in.
/// </summary>
internal sealed unsafe class ResultHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly List<nint> _chunks = [];
    private readonly List<nint> _logicalTypes = [];
    private ConnectionHandle? _connection;

    private ResultHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>The duckdb_result struct DuckDB fills in.</summary>
    public DuckDbResultStruct* Result => (DuckDbResultStruct*)handle;

    /// <summary>A zeroed duckdb_result, ready for duckdb_query, that keeps <paramref name="connection"/> alive.</summary>
    /// <exception cref="ObjectDisposedException">The connection is already closed.</exception>
    public static ResultHandle Allocate(ConnectionHandle connection)
    {
        var result = new ResultHandle();
        result.SetHandle((nint)NativeMemory.AllocZeroed((nuint)sizeof(DuckDbResultStruct)));
        try
        {
            var added = false;
            connection.DangerousAddRef(ref added);
            result._connection = connection;
        }
        catch
        {
            // Destroying a zeroed duckdb_result is a no-op, so this only frees the struct.
            result.Dispose();
            throw;
        }

        return result;
    }

    /// <summary>Takes ownership of a chunk from duckdb_fetch_chunk.</summary>
    public void Own(nint chunk) => _chunks.Add(chunk);

    /// <summary>Takes ownership of a logical type (column types and their children).</summary>
    public nint OwnType(nint logicalType)
    {
        if (logicalType != 0)
        {
            _logicalTypes.Add(logicalType);
        }

        return logicalType;
    }

    protected override bool ReleaseHandle()
    {
        foreach (var chunk in _chunks)
        {
            var c = chunk;
            NativeMethods.duckdb_destroy_data_chunk(&c);
        }

        foreach (var type in _logicalTypes)
        {
            var t = type;
            NativeMethods.duckdb_destroy_logical_type(&t);
        }

        // duckdb_destroy_result is required even after a failed query: it frees the error text.
        NativeMethods.duckdb_destroy_result(Result);
        NativeMemory.Free((void*)handle);
        _connection?.DangerousRelease();
        return true;
    }
}
