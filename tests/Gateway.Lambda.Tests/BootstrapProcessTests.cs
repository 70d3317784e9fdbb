using System.Diagnostics;
using Gateway.Lambda.Tests.Support;

namespace Gateway.Lambda.Tests;

/// <summary>The compiled bootstrap (Program.cs) as a child process, as Lambda starts it, against the fake Runtime API.</summary>
public sealed class BootstrapProcessTests : IAsyncLifetime
{
    private FakeRuntimeApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeRuntimeApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Unknown_handler_posts_an_init_error_and_the_process_exits_non_zero()
    {
        using var process = StartBootstrap(("AWS_LAMBDA_RUNTIME_API", _api.Endpoint), ("_HANDLER", "sink"));

        var exitCode = await ExitCodeAsync(process);

        Assert.Equal(LambdaBootstrap.ExitInitFailed, exitCode);
        var error = await _api.InitError;
        Assert.Equal("Runtime.NoSuchHandler", error.ErrorTypeHeader);
        Assert.Equal("_HANDLER 'sink' is not built into this bootstrap yet. Valid values: health, aggregate, enrich, forward.", error.Json.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Health_handler_answers_an_invocation_through_the_real_entry_point()
    {
        using var process = StartBootstrap(("AWS_LAMBDA_RUNTIME_API", _api.Endpoint), ("_HANDLER", "health"));
        try
        {
            _api.Enqueue(new FakeInvocation("req-health", "{}", Some.EpochMs(DateTimeOffset.UtcNow.AddSeconds(30)), Some.FunctionArn, Some.TraceId));

            var post = await _api.PostFor("req-health");

            Assert.Equal("/2018-06-01/runtime/invocation/req-health/response", post.Path);
            Assert.Equal("ok", post.Json.GetProperty("status").GetString());
            Assert.InRange(post.Json.GetProperty("remainingMs").GetInt64(), 1, 30_000);
            await _api.NextCall(2);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Enrich_handler_without_its_secret_posts_a_config_error_naming_the_variable()
    {
        using var process = StartBootstrap(("AWS_LAMBDA_RUNTIME_API", _api.Endpoint), ("_HANDLER", "enrich"));

        var exitCode = await ExitCodeAsync(process);

        Assert.Equal(LambdaBootstrap.ExitInitFailed, exitCode);
        var error = await _api.InitError;
        Assert.Equal("Runtime.ConfigInvalid", error.ErrorTypeHeader);
        Assert.StartsWith("GATEWAY_VISITOR_SECRET is not set", error.Json.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrich_handler_answers_a_firehose_event_through_the_real_entry_point()
    {
        using var process = StartBootstrap(("AWS_LAMBDA_RUNTIME_API", _api.Endpoint), ("_HANDLER", "enrich"), ("GATEWAY_VISITOR_SECRET", Enrichers.SecretBase64));
        try
        {
            var @event = System.Text.Encoding.UTF8.GetString(Some.FirehoseEventJson(Some.RealtimeLogLine() + "\n"));
            _api.Enqueue(new FakeInvocation("req-enrich", @event, Some.EpochMs(DateTimeOffset.UtcNow.AddSeconds(30)), Some.FunctionArn, Some.TraceId));

            var post = await _api.PostFor("req-enrich");

            Assert.Equal("/2018-06-01/runtime/invocation/req-enrich/response", post.Path);
            var record = Assert.Single(post.Json.GetProperty("records").EnumerateArray());
            Assert.Equal(("r-0", "Ok"), (record.GetProperty("recordId").GetString(), record.GetProperty("result").GetString()));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Without_the_runtime_api_variable_the_process_explains_and_exits_non_zero()
    {
        using var process = StartBootstrap(("_HANDLER", "health"));

        var exitCode = await ExitCodeAsync(process);

        Assert.Equal(LambdaBootstrap.ExitRuntimeApiFailed, exitCode);
        Assert.Contains("AWS_LAMBDA_RUNTIME_API", await process.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);
    }

    private static Process StartBootstrap(params (string Name, string Value)[] environment)
    {
        // The test host runs under the dotnet muxer, which can run the referenced bootstrap.dll the same way.
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "bootstrap.dll") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Remove("AWS_LAMBDA_RUNTIME_API");
        start.Environment.Remove("_HANDLER");
        start.Environment.Remove("GATEWAY_VISITOR_SECRET");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(limit.Token);
        return process.ExitCode;
    }
}
