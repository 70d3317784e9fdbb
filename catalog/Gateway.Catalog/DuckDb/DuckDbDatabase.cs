using Gateway.Catalog.DuckDb.Internal;

namespace Gateway.Catalog.DuckDb;

/// <summary>
/// An open DuckDB database (in memory or a file). Thread-safe: share one instance and give each thread its own
/// <see cref="Connect">connection</see>. Disposing it while connections are open defers the close until the last
/// one is disposed.
/// </summary>
public sealed class DuckDbDatabase : IDisposable
{
    /// <summary>
    /// Settings applied unless the caller's configuration names them. DuckDB would otherwise download a missing
    /// extension from the internet on first use; this process must never reach out on its own (parquet, json and
    /// icu are built into the library anyway).
    /// </summary>
    private static readonly KeyValuePair<string, string>[] Defaults = [new("autoinstall_known_extensions", "false")];

    private static readonly Lazy<string> Version = new(ReadVersion);

    private readonly DatabaseHandle _handle;

    private DuckDbDatabase(DatabaseHandle handle, string? path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The DuckDB version of the loaded library, e.g. <c>v1.5.6</c>.</summary>
    public static string LibraryVersion => Version.Value;

    /// <summary>The database file, or null for an in-memory database.</summary>
    public string? Path { get; }

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/>, or a new in-memory database when it is
    /// null; <paramref name="config"/> holds DuckDB settings (e.g. <c>threads</c>, <c>memory_limit</c>, <c>access_mode</c>).
    /// </summary>
    /// <exception cref="DuckDbException">DuckDB rejected a setting or could not open the file (the message says why).</exception>
    /// <exception cref="ArgumentException">The path or a setting contains a NUL character.</exception>
    /// <exception cref="FileNotFoundException">libduckdb.so is missing (see <see cref="DuckDbLibrary.Locate()"/>).</exception>
    public static unsafe DuckDbDatabase Open(string? path = null, IReadOnlyDictionary<string, string>? config = null)
    {
        DuckDbLibrary.EnsureLoaded();
        var settings = config?.ToList() ?? [];
        settings.AddRange(Defaults.Where(d => config?.ContainsKey(d.Key) != true));

        nint nativeConfig = 0;
        if (NativeMethods.duckdb_create_config(&nativeConfig) != NativeMethods.Success)
        {
            throw new DuckDbException("duckdb_create_config failed (out of memory?)");
        }

        try
        {
            foreach (var (name, value) in settings)
            {
                using var nameText = Utf8Text.Create(name, nameof(config));
                using var valueText = Utf8Text.Create(value, nameof(config));
                fixed (byte* n = nameText)
                fixed (byte* v = valueText)
                {
                    if (NativeMethods.duckdb_set_config(nativeConfig, n, v) != NativeMethods.Success)
                    {
                        throw new DuckDbException($"DuckDB rejected the setting {name} = '{value}' (unknown name or invalid value).");
                    }
                }
            }

            return OpenWith(path, nativeConfig);
        }
        finally
        {
            NativeMethods.duckdb_destroy_config(&nativeConfig);
        }
    }

    /// <summary>A new connection; use it from one thread at a time and dispose it.</summary>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public DuckDbConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (NativeMethods.duckdb_connect(_handle, out var connection) != NativeMethods.Success)
        {
            connection.Dispose();
            throw new DuckDbException($"Could not connect to the database {Path ?? ":memory:"}.");
        }

        try
        {
            connection.KeepAlive(_handle);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new DuckDbConnection(connection);
    }

    /// <inheritdoc/>
    public void Dispose() => _handle.Dispose();

    private static unsafe DuckDbDatabase OpenWith(string? path, nint nativeConfig)
    {
        byte* error = null;
        DatabaseHandle handle;
        int state;
        if (path is null)
        {
            state = NativeMethods.duckdb_open_ext(null, out handle, nativeConfig, &error);
        }
        else
        {
            using var pathText = Utf8Text.Create(path, nameof(path));
            fixed (byte* p = pathText)
            {
                state = NativeMethods.duckdb_open_ext(p, out handle, nativeConfig, &error);
            }
        }

        var message = Utf8Text.ReadAndFree(error, "unknown error");
        if (state != NativeMethods.Success)
        {
            handle.Dispose();
            throw new DuckDbException($"Could not open the database {path ?? ":memory:"}: {message}");
        }

        return new DuckDbDatabase(handle, path);
    }

    private static unsafe string ReadVersion()
    {
        DuckDbLibrary.EnsureLoaded();
        // A static string inside the library: not freed.
        return Utf8Text.Read(NativeMethods.duckdb_library_version(), "unknown");
    }
}
