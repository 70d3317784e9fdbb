using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gateway.Tests.Shared;

/// <summary>
/// A server written by someone else (an npm package under tools/node_modules), run by a small launcher script that
/// binds 127.0.0.1 on an ephemeral port, prints <c>listening PORT</c> and exits when its stdin closes.
/// </summary>
/// <remarks>A missing node or package is an error naming the fix, never a skip: a broken set-up must not pass as green.</remarks>
internal sealed class NodeServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _stderr = new();
    private Process? _process;

    private NodeServer(Process process) => _process = process;

    /// <summary>The server's URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts <paramref name="launcher"/> (a file name beside the test assembly, else in <paramref name="sourceFolder"/> of the repository) with the node_modules folder and <paramref name="arguments"/>.</summary>
    public static async Task<NodeServer> StartAsync(string package, string launcher, string sourceFolder, params string[] arguments)
    {
        var root = RepositoryRoot.Path;
        var modules = Path.Combine(root, "tools", "node_modules");
        if (!File.Exists(Path.Combine(modules, package, "package.json")))
        {
            throw new InvalidOperationException(
                $"{package} is not installed under {modules}. Run ./test.sh (or tools/install.sh), which installs the npm packages from tools/package-lock.json.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindLauncher(root, launcher, sourceFolder));
        start.ArgumentList.Add(modules);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start node ({e.Message}). Install Node.js 20+ and run ./test.sh.", e);
        }

        var server = new NodeServer(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._stderr)
                {
                    server._stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    var port = int.Parse(line.AsSpan("listening ".Length), NumberStyles.None, CultureInfo.InvariantCulture);
                    server.Endpoint = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/"));
                    // Keep draining stdout so a chatty server never blocks on a full pipe.
                    _ = DrainAsync(process.StandardOutput);
                    return server;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        var stderr = server.Stderr();
        await server.DisposeAsync();
        throw new InvalidOperationException($"{package} did not report a port within {StartTimeout.TotalSeconds} s. node said: {stderr}");
    }

    public async ValueTask DisposeAsync()
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

    private static string FindLauncher(string root, string name, string sourceFolder)
    {
        // A test project may copy the script next to its assembly; otherwise the source copy is used.
        var beside = Path.Combine(AppContext.BaseDirectory, name);
        if (File.Exists(beside))
        {
            return beside;
        }

        var source = Path.Combine(root, sourceFolder, name);
        return File.Exists(source) ? source : throw new InvalidOperationException($"{name} not found beside the tests or at {source}.");
    }

    private string Stderr()
    {
        lock (_stderr)
        {
            return _stderr.Length == 0 ? "(nothing)" : _stderr.ToString().Trim();
        }
    }
}
