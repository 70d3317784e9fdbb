using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gateway.Aws;
using Gateway.Aws.S3;
using Gateway.Tests.Shared;

namespace Gateway.Tests.S3;

/// <summary>
/// One s3rver (an S3-API server written by someone else) on an ephemeral 127.0.0.1 port with its objects in a temp
/// folder, shared by the tests of one class (<c>IClassFixture&lt;S3rver&gt;</c>) and stopped after them. The bucket
/// <see cref="Bucket"/> exists from the start.
/// </summary>
/// <remarks>
/// Needs node and tools/node_modules/s3rver (./test.sh installs both); when either is missing every test of the class
/// fails with that message rather than being skipped, so a broken set-up cannot pass as green.
/// </remarks>
public sealed class S3rver : IAsyncLifetime
{
    /// <summary>The bucket the server is started with.</summary>
    public const string Bucket = "gateway-lake";

    private const string LauncherName = "s3rver-launcher.js";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _stderr = new();
    private readonly DirectoryInfo _storage = Directory.CreateTempSubdirectory("gateway-s3rver-");
    private Process? _process;

    /// <summary>The server's URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The only key pair s3rver accepts (it checks signatures).</summary>
    public static AwsCredentials Credentials { get; } = new("S3RVER", "S3RVER");

    /// <summary>Where the server keeps its objects on disk.</summary>
    public string StorageDirectory => _storage.FullName;

    /// <summary>A store for this server: its endpoint, path-style addressing, static keys; <paramref name="configure"/> adjusts the rest.</summary>
    public S3ObjectStore CreateStore(Func<S3ObjectStoreOptions, S3ObjectStoreOptions>? configure = null)
    {
        var options = new S3ObjectStoreOptions { ServiceUrl = Endpoint, Region = "us-east-1", ForcePathStyle = true, MaxErrorRetry = 0 };
        return new S3ObjectStore(configure is null ? options : configure(options), Credentials);
    }

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot.Path;
        var modules = Path.Combine(root, "tools", "node_modules");
        if (!File.Exists(Path.Combine(modules, "s3rver", "package.json")))
        {
            throw new InvalidOperationException(
                $"s3rver is not installed under {modules}. Run ./test.sh (or tools/install.sh), which installs the npm packages from tools/package-lock.json.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindLauncher(root));
        start.ArgumentList.Add(modules);
        start.ArgumentList.Add(_storage.FullName);
        start.ArgumentList.Add(Bucket);
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start node ({e.Message}). Install Node.js 20+ and run ./test.sh.", e);
        }

        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    var port = int.Parse(line.AsSpan("listening ".Length), NumberStyles.None, CultureInfo.InvariantCulture);
                    Endpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
                    _ = DrainAsync(_process.StandardOutput);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        var stderr = Stderr();
        await DisposeAsync();
        throw new InvalidOperationException($"s3rver did not report a port within {StartTimeout.TotalSeconds} s. node said: {stderr}");
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                // Closing stdin makes the launcher exit on its own; kill only if it does not.
                process.StandardInput.Close();
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await process.WaitForExitAsync(exited.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            finally
            {
                process.Dispose();
            }
        }

        try
        {
            _storage.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.Length == 0 ? "(nothing)" : _stderr.ToString().Trim();
        }
    }

    private static string FindLauncher(string root)
    {
        // Test projects copy the script next to their assembly; the source copy is the fallback.
        var beside = Path.Combine(AppContext.BaseDirectory, LauncherName);
        if (File.Exists(beside))
        {
            return beside;
        }

        var source = Path.Combine(root, "tests", "Gateway.Aws.Tests", "S3", LauncherName);
        return File.Exists(source) ? source : throw new InvalidOperationException($"{LauncherName} not found beside the tests or at {source}.");
    }
}
