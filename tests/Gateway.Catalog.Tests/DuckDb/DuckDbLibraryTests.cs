using Gateway.Catalog.DuckDb;
using Gateway.Tests.Shared;

namespace Gateway.Catalog.Tests.DuckDb;

// Locate is tested through its seam (environment lookup and base folder passed in): mutating the process
// environment would race the other tests that open databases in parallel.
public sealed class DuckDbLibraryTests
{
    [Fact]
    public void Env_variable_pointing_nowhere_gives_an_error_naming_both_fixes()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "libduckdb.so");

        var error = Assert.Throws<FileNotFoundException>(() => DuckDbLibrary.Locate(Env(missing), AppContext.BaseDirectory));

        Assert.Contains(DuckDbLibrary.EnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("tools/install.sh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_variable_wins_over_the_tools_install()
    {
        using var folder = new TempFolder();
        var custom = folder.File("libduckdb-custom.so");
        File.WriteAllBytes(custom, []);

        Assert.Equal(custom, DuckDbLibrary.Locate(Env(custom), AppContext.BaseDirectory));
    }

    [Fact]
    public void Without_env_variable_the_tools_install_above_the_binaries_is_found()
    {
        var located = DuckDbLibrary.Locate(Env(null), AppContext.BaseDirectory);

        Assert.Equal(Path.Combine(RepositoryRoot.Path, DuckDbLibrary.ToolsRelativePath), located);
        Assert.True(File.Exists(located));
    }

    [Fact]
    public void Without_env_variable_or_repository_the_error_names_both_fixes()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<FileNotFoundException>(() => DuckDbLibrary.Locate(Env(""), folder.Path));

        Assert.Contains(DuckDbLibrary.EnvironmentVariable, error.Message, StringComparison.Ordinal);
        Assert.Contains("tools/install.sh", error.Message, StringComparison.Ordinal);
        Assert.Contains(folder.Path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_shipped_next_to_the_binaries_is_found_without_a_repository()
    {
        using var folder = new TempFolder();
        var shipped = Path.Combine(folder.Path, DuckDbLibrary.ToolsRelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(shipped)!);
        File.WriteAllBytes(shipped, []);

        Assert.Equal(shipped, DuckDbLibrary.Locate(Env(null), folder.Path));
    }

    [Fact]
    public void Process_locate_finds_a_loadable_library()
    {
        using var database = DuckDbDatabase.Open();

        Assert.True(File.Exists(DuckDbLibrary.Locate()));
    }

    private static Func<string, string?> Env(string? libraryPath) =>
        name => name == DuckDbLibrary.EnvironmentVariable ? libraryPath : null;
}
