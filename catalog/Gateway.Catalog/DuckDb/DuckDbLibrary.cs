using System.Reflection;
using System.Runtime.InteropServices;
using Gateway.Catalog.DuckDb.Internal;

namespace Gateway.Catalog.DuckDb;

/// <summary>Finds and loads <c>libduckdb.so</c> (DuckDB's C API, 1.5.x), which the rest of this namespace calls.</summary>
public static class DuckDbLibrary
{
    /// <summary>The environment variable that, when set, names the library file to load.</summary>
    public const string EnvironmentVariable = "GATEWAY_DUCKDB_LIB";

    /// <summary>Where tools/install.sh puts the library (npm package <c>@duckdb/node-bindings-linux-x64</c>), relative to the repository.</summary>
    public const string ToolsRelativePath = "tools/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so";

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static bool _resolverSet;

    /// <summary>
    /// The library file: <c>GATEWAY_DUCKDB_LIB</c> if set, else <see cref="ToolsRelativePath"/> next to the binaries or
    /// under the first folder above them that holds Gateway.sln.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither is there; the message names both ways to fix it.</exception>
    public static string Locate() => Locate(Environment.GetEnvironmentVariable, AppContext.BaseDirectory);

    /// <summary><see cref="Locate()"/> with the environment and the binaries' folder passed in (the test seam).</summary>
    internal static string Locate(Func<string, string?> environment, string baseDirectory)
    {
        var configured = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            if (File.Exists(full))
            {
                return full;
            }

            throw new FileNotFoundException(
                $"{EnvironmentVariable} is set to '{configured}', but there is no file at '{full}'. Point {EnvironmentVariable} at a libduckdb.so "
                + $"(DuckDB 1.5.x), or unset it and run tools/install.sh in the repository so that {ToolsRelativePath} exists.",
                full);
        }

        var beside = Path.Combine(baseDirectory, ToolsRelativePath);
        if (File.Exists(beside))
        {
            return beside;
        }

        string? inRepository = null;
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                inRepository = Path.Combine(dir.FullName, ToolsRelativePath);
                if (File.Exists(inRepository))
                {
                    return inRepository;
                }

                break;
            }
        }

        var looked = inRepository is null
            ? $"'{beside}' (and no folder above '{baseDirectory}' holds Gateway.sln)"
            : $"'{beside}' and '{inRepository}'";
        throw new FileNotFoundException(
            $"libduckdb.so was not found: {EnvironmentVariable} is not set and it is not at {looked}. Either set {EnvironmentVariable} "
            + $"to the path of a libduckdb.so (DuckDB 1.5.x), or run tools/install.sh in the repository to install {ToolsRelativePath}.",
            inRepository ?? beside);
    }

    /// <summary>Loads the library once per process and routes this assembly's DuckDB imports to it.</summary>
    /// <exception cref="FileNotFoundException">See <see cref="Locate()"/>.</exception>
    /// <exception cref="DllNotFoundException">The file exists but is not a loadable library.</exception>
    internal static nint EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != 0)
            {
                return _handle;
            }

            var path = Locate();
            if (!NativeLibrary.TryLoad(path, out var handle))
            {
                throw new DllNotFoundException(
                    $"'{path}' exists but could not be loaded as a shared library (wrong architecture, or a missing libc/libstdc++?). "
                    + $"Point {EnvironmentVariable} at a linux-x64 libduckdb.so from DuckDB 1.5.x.");
            }

            if (!_resolverSet)
            {
                // One resolver per assembly: if Gateway.Catalog ever imports another native library, route it here too.
                NativeLibrary.SetDllImportResolver(typeof(DuckDbLibrary).Assembly, Resolve);
                _resolverSet = true;
            }

            _handle = handle;
            return handle;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == NativeMethods.Library ? EnsureLoaded() : 0;
}
