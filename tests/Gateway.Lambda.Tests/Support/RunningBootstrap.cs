using Gateway.Lambda.Internal;

namespace Gateway.Lambda.Tests.Support;

/// <summary>The real bootstrap (LambdaBootstrap.RunAsync with its HttpClient) running in the background against a fake Runtime API.</summary>
internal sealed class RunningBootstrap : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    private RunningBootstrap(FakeRuntimeApi api, HandlerRegistry registry, FakeEnvironment environment, TimeProvider time)
    {
        Environment = environment;
        var options = new RuntimeOptions([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], TimeSpan.FromMilliseconds(250));
        _run = Task.Run(() => LambdaBootstrap.RunAsync(registry, environment, time, Output, options, _stop.Token));
        Api = api;
    }

    public FakeRuntimeApi Api { get; }

    public FakeEnvironment Environment { get; }

    /// <summary>Where the bootstrap logs.</summary>
    public StringWriter Output { get; } = new();

    /// <summary>Everything the bootstrap logged so far (the logger writes under a lock on <see cref="Output"/>).</summary>
    public string Log
    {
        get
        {
            lock (Output)
            {
                return Output.ToString();
            }
        }
    }

    /// <summary>Starts the bootstrap with <c>_HANDLER=test</c> mapped to <paramref name="handler"/>.</summary>
    public static RunningBootstrap Start(FakeRuntimeApi api, ILambdaHandler handler, TimeProvider? time = null) =>
        Start(api, new HandlerRegistry().Add("test", _ => handler), "test", time);

    public static RunningBootstrap Start(FakeRuntimeApi api, HandlerRegistry registry, string? handlerName, TimeProvider? time = null)
    {
        var environment = new FakeEnvironment(("AWS_LAMBDA_RUNTIME_API", api.Endpoint));
        if (handlerName is not null)
        {
            environment.Set("_HANDLER", handlerName);
        }

        return new RunningBootstrap(api, registry, environment, time ?? TimeProvider.System);
    }

    /// <summary>The exit code, for a bootstrap that stops by itself (init error, fatal Runtime API failure).</summary>
    public Task<int> Exited => _run.WaitAsync(TimeSpan.FromSeconds(20));

    /// <summary>Cancels the loop (as shutdown would) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        return await Exited.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _stop.Dispose();
    }
}
