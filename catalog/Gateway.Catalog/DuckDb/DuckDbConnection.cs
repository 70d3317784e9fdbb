using System.Globalization;
using Gateway.Catalog.DuckDb.Internal;

namespace Gateway.Catalog.DuckDb;

/// <summary>
/// A session on a <see cref="DuckDbDatabase"/>. Not for concurrent use: one statement at a time, from one thread at a
/// time (only <see cref="Interrupt"/> may be called from another thread). Its results stay readable after it is
/// disposed; the session itself ends when the last of them is disposed too.
/// </summary>
public sealed class DuckDbConnection : IDisposable
{
    private readonly ConnectionHandle _handle;

    internal DuckDbConnection(ConnectionHandle handle) => _handle = handle;

    /// <summary>Runs <paramref name="sql"/> (one or more statements; the last one's rows are returned), fully materialized.</summary>
    /// <exception cref="DuckDbException">DuckDB failed the statement; the message is DuckDB's, followed by the SQL's first line.</exception>
    /// <exception cref="ArgumentException"><paramref name="sql"/> contains a NUL character.</exception>
    /// <exception cref="ObjectDisposedException">The connection was disposed.</exception>
    public DuckDbResult Query(string sql)
    {
        var result = Run(sql);
        try
        {
            return DuckDbResult.Read(result);
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> and discards its rows.</summary>
    /// <exception cref="DuckDbException">DuckDB failed the statement.</exception>
    public void Execute(string sql)
    {
        using var result = Run(sql);
    }

    /// <summary>
    /// The first column of the first row as <typeparamref name="T"/> (numbers are converted when lossless), or
    /// default when there is no row or the value is NULL.
    /// </summary>
    /// <exception cref="InvalidCastException">The value cannot become a <typeparamref name="T"/>.</exception>
    public T? Scalar<T>(string sql)
    {
        using var result = Query(sql);
        if (result.ColumnCount == 0 || result.RowCount == 0 || result.IsNull(0, 0))
        {
            return default;
        }

        var value = result.GetValue(0, 0) switch
        {
            // sum() of BIGINTs is a HUGEINT; Int128 is not IConvertible, so narrow what fits before converting.
            Int128 huge when huge >= long.MinValue && huge <= long.MaxValue => (long)huge,
            UInt128 huge when huge <= ulong.MaxValue => (ulong)huge,
            var other => other,
        };
        if (value is T typed)
        {
            return typed;
        }

        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        try
        {
            return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture)!;
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException)
        {
            throw new InvalidCastException(
                $"The {result.ColumnType(0)} value {value} ({value?.GetType().Name}) cannot be read as {typeof(T).Name}.", e);
        }
    }

    /// <summary>Every row of <paramref name="sql"/>'s result, each cell as <see cref="DuckDbResult.GetValue"/> returns it.</summary>
    /// <exception cref="DuckDbException">DuckDB failed the statement.</exception>
    public IReadOnlyList<object?[]> Rows(string sql)
    {
        using var result = Query(sql);
        var rows = new List<object?[]>((int)Math.Min(result.RowCount, 1 << 16));
        for (long r = 0; r < result.RowCount; r++)
        {
            var row = new object?[result.ColumnCount];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = result.GetValue(c, r);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// Asks the statement running on this connection to stop (it then fails with DuckDB's "Interrupted" error). Safe
    /// from any thread, e.g. a timeout timer; does nothing when idle or disposed.
    /// </summary>
    public void Interrupt()
    {
        if (_handle.IsClosed)
        {
            return;
        }

        try
        {
            NativeMethods.duckdb_interrupt(_handle);
        }
        catch (ObjectDisposedException)
        {
            // Disposed between the check and the call: nothing is running any more.
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();

    private unsafe ResultHandle Run(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        using var text = Utf8Text.Create(sql, nameof(sql));
        var result = ResultHandle.Allocate(_handle);
        try
        {
            int state;
            fixed (byte* query = text)
            {
                state = NativeMethods.duckdb_query(_handle, query, result.Result);
            }

            if (state != NativeMethods.Success)
            {
                throw new DuckDbException(Utf8Text.Read(NativeMethods.duckdb_result_error(result.Result), "unknown error"), sql);
            }

            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }
}
