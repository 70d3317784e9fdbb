namespace Gateway.Cli.Tests;

/// <summary>The visitor-id key <c>gateway up</c> keeps under the data directory when <c>enrich.visitorSecret</c> is not set.</summary>
public sealed class VisitorSecretFileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-secret-");

    private string KeyFile => Path.Combine(_dir.FullName, "data", "secrets", "visitor-id.key");

    [Fact]
    public void First_start_generates_48_random_bytes_readable_only_by_the_owner()
    {
        var key = VisitorSecretFile.LoadOrCreate(KeyFile, out var created);

        Assert.True(created);
        Assert.Equal(48, key.Length);
        Assert.Equal(key, Convert.FromBase64String(File.ReadAllText(KeyFile)));
        Assert.NotEqual(key, VisitorSecretFile.LoadOrCreate(Path.Combine(_dir.FullName, "other", "visitor-id.key"), out _));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(KeyFile)!));
        }

        // Written through a temp file and a rename: nothing else is left in the folder.
        Assert.Equal(["visitor-id.key"], Directory.GetFiles(Path.GetDirectoryName(KeyFile)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Later_starts_reuse_the_key_so_visitor_ids_stay_stable()
    {
        var first = VisitorSecretFile.LoadOrCreate(KeyFile, out _);

        var second = VisitorSecretFile.LoadOrCreate(KeyFile, out var created);

        Assert.False(created);
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    // Valid base64, but 16 bytes: too short for a visitor-id key.
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("")]
    public void A_corrupt_key_file_names_the_file_and_the_fix(string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
        File.WriteAllText(KeyFile, content);

        var ex = Assert.Throws<InvalidDataException>(() => VisitorSecretFile.LoadOrCreate(KeyFile, out _));

        Assert.Contains(KeyFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains("delete it", ex.Message, StringComparison.Ordinal);
        Assert.Contains("visitor ids then change", ex.Message, StringComparison.Ordinal);
        // The file is left alone: regenerating it silently would change every visitor id.
        Assert.Equal(content, File.ReadAllText(KeyFile));
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
