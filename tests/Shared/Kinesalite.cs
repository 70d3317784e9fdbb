using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gateway.Aws;

namespace Gateway.Tests.Shared;

/// <summary>
/// One in-memory kinesalite server (a Kinesis-API server written by someone else) on an ephemeral 127.0.0.1 port,
/// shared by the tests of one class (<c>IClassFixture&lt;Kinesalite&gt;</c>) and stopped after them.
/// </summary>
/// <remarks>
/// Needs node and tools/node_modules/kinesalite (./test.sh installs both); when either is missing every test of the
/// class fails with that message rather than being skipped, so a broken set-up cannot pass as green.
/// </remarks>
public sealed class Kinesalite : IAsyncLifetime
{
    private const string LauncherName = "kinesalite-launcher.js";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private int _streams;

    /// <summary>The server's URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>kinesalite checks that requests are signed, not the signature, so any keys do.</summary>
    public static AwsCredentials Credentials { get; } = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    /// <summary>A client for this server with static credentials, region us-east-1.</summary>
    public KinesisClient CreateClient(TimeProvider? time = null, HttpClient? http = null) =>
        new(new KinesisClientOptions { Region = "us-east-1", ServiceUrl = Endpoint, StatusPollInterval = TimeSpan.FromMilliseconds(20) }, http, new StaticCredentialsProvider(Credentials), time);

    /// <summary>A stream name no other test of this server uses.</summary>
    public string NewStreamName(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Interlocked.Increment(ref _streams)}");

    /// <summary>Creates a stream and waits until it is ACTIVE.</summary>
    public static async Task<StreamDescriptionSummary> CreateStreamAsync(KinesisClient client, string name, int shards)
    {
        await client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = shards });
        return await client.WaitForStreamActiveAsync(name, TimeSpan.FromSeconds(30));
    }

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot.Path;
        var modules = Path.Combine(root, "tools", "node_modules");
        if (!File.Exists(Path.Combine(modules, "kinesalite", "package.json")))
        {
            throw new InvalidOperationException(
                $"kinesalite is not installed under {modules}. Run ./test.sh (or tools/install.sh), which installs the npm packages from tools/package-lock.json.");
        }

        var launcher = FindLauncher(root);
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(launcher);
        start.ArgumentList.Add(modules);
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
                    // Keep draining stdout so a chatty server never blocks on a full pipe.
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
        throw new InvalidOperationException($"kinesalite did not report a port within {StartTimeout.TotalSeconds} s. node said: {stderr}");
    }

    public async Task DisposeAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

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
        // Gateway.Aws.Tests copies the script next to its assembly; other test projects use the source copy.
        var beside = Path.Combine(AppContext.BaseDirectory, LauncherName);
        if (File.Exists(beside))
        {
            return beside;
        }

        var source = Path.Combine(root, "tests", "Shared", LauncherName);
        return File.Exists(source) ? source : throw new InvalidOperationException($"{LauncherName} not found beside the tests or at {source}.");
    }
}
