using Gateway.Lambda.Internal;

namespace Gateway.Lambda;

/// <summary>The custom-runtime entry point: picks the handler named by <c>_HANDLER</c> and serves the Runtime API.</summary>
public static class LambdaBootstrap
{
    /// <summary>Init succeeded and the loop stopped because <c>cancellationToken</c> fired.</summary>
    public const int ExitStopped = 0;

    /// <summary>Init failed (unknown <c>_HANDLER</c>, bad configuration); the error was posted to <c>/runtime/init/error</c>.</summary>
    public const int ExitInitFailed = 1;

    /// <summary>The Runtime API is missing or failed beyond retries; Lambda replaces the environment.</summary>
    public const int ExitRuntimeApiFailed = 2;

    /// <summary>Serves invocations until cancelled or the Runtime API fails; returns the process exit code.</summary>
    public static Task<int> RunAsync(
        HandlerRegistry registry,
        IEnvironmentVariables environment,
        TimeProvider time,
        TextWriter output,
        CancellationToken cancellationToken) =>
        RunAsync(registry, environment, time, output, RuntimeOptions.Default, cancellationToken);

    internal static async Task<int> RunAsync(
        HandlerRegistry registry,
        IEnvironmentVariables environment,
        TimeProvider time,
        TextWriter output,
        RuntimeOptions options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(output);
        var log = new LambdaLogger(output, time);
        var endpoint = environment.Get("AWS_LAMBDA_RUNTIME_API");
        if (!RuntimeApiClient.TryCreateBaseAddress(endpoint, out var baseAddress))
        {
            log.Error($"AWS_LAMBDA_RUNTIME_API is '{endpoint}', not host:port. This bootstrap runs as a Lambda custom runtime "
                + "(provided.al2023) or under a Runtime API emulator that sets it.");
            return ExitRuntimeApiFailed;
        }

        using var http = RuntimeApiClient.CreateHttpClient(baseAddress);
        var client = new RetryingRuntimeApiClient(new RuntimeApiClient(http), time, options.RetryDelays, log);
        return await RunAsync(client, registry, environment, time, log, options, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<int> RunAsync(
        IRuntimeApiClient client,
        HandlerRegistry registry,
        IEnvironmentVariables environment,
        TimeProvider time,
        LambdaLogger log,
        RuntimeOptions options,
        CancellationToken cancellationToken)
    {
        try
        {
            var handler = await InitializeAsync(client, registry, environment, time, log).ConfigureAwait(false);
            if (handler is null)
            {
                return ExitInitFailed;
            }

            await new RuntimeLoop(client, handler, environment, time, log, options.ReportMargin).RunAsync(cancellationToken).ConfigureAwait(false);
            return ExitStopped;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitStopped;
        }
        catch (RuntimeApiException e)
        {
            log.Error("The Lambda Runtime API failed; exiting so Lambda replaces the environment", e);
            return ExitRuntimeApiFailed;
        }
    }

    /// <summary>Creates the handler, or posts the init error and returns null.</summary>
    private static async Task<ILambdaHandler?> InitializeAsync(
        IRuntimeApiClient client,
        HandlerRegistry registry,
        IEnvironmentVariables environment,
        TimeProvider time,
        LambdaLogger log)
    {
        var name = environment.Get("_HANDLER") ?? "";
        RuntimeError error;
        if (!registry.TryGet(name, out var factory))
        {
            error = RuntimeError.Of(RuntimeError.NoSuchHandler, registry.DescribeUnknown(name));
        }
        else
        {
            try
            {
                return factory(new LambdaInitContext(name, environment, time, log));
            }
            catch (LambdaConfigurationException e)
            {
                error = RuntimeError.FromException(RuntimeError.ConfigInvalid, e) with { ErrorType = RuntimeError.ConfigInvalid };
            }
            catch (Exception e)
            {
                // Any other failure to build the handler is still an init error that Lambda must see.
                error = RuntimeError.FromException(RuntimeError.UnknownReason, e);
            }
        }

        log.Error($"Init failed ({error.HeaderType}): {error.Message}");
        var status = await client.SendAsync(RuntimeReport.InitError(error), CancellationToken.None).ConfigureAwait(false);
        if (status != 202)
        {
            log.Warn($"The Runtime API answered {status} to the init error.");
        }

        return null;
    }
}
