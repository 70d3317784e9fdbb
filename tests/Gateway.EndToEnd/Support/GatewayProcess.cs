using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Gateway.EndToEnd.Support;

/// <summary>Runs the built <c>gateway</c> CLI as a child process on 127.0.0.1 with an ephemeral port and its own data directory.</summary>
internal sealed partial class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The CLI built alongside this test assembly (same configuration).</summary>
    public static string CliPath
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
            return Path.Combine(Gateway.Tests.Shared.RepositoryRoot.Path, "cli", "Gateway.Cli", "bin", configuration, "net10.0", "gateway.dll");
        }
    }

    public static ProcessStartInfo StartInfo(string dataDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        info.ArgumentList.Add(CliPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GATEWAY__DATADIR"] = Path.Combine(dataDirectory, "data");
        info.Environment["GATEWAY__EDGE__URL"] = "http://127.0.0.1:0";
        return info;
    }

    public static async Task<GatewayProcess> StartAsync(string dataDirectory, IDictionary<string, string>? environment = null, params string[] upArguments)
    {
        var info = StartInfo(dataDirectory, ["up", .. upArguments]);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway CLI");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                return new GatewayProcess(process, new Uri(match.Groups[1].Value));
            }
        }

        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        throw new InvalidOperationException($"gateway up exited before listening: {error}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — what a crash or the OOM killer does.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM and wait for a clean exit; returns the exit code and what was printed.</summary>
    public async Task<(int ExitCode, string Output)> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var output = await _process.StandardOutput.ReadToEndAsync();
        await _process.WaitForExitAsync();
        return (_process.ExitCode, output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillHardAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"edge listening on (http://\S+?)(,|$)")]
    private static partial Regex ListeningLine();
}
