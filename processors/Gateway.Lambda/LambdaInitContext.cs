namespace Gateway.Lambda;

/// <summary>What a handler factory gets during Lambda's init phase: configuration, clock and log.</summary>
public sealed class LambdaInitContext
{
    /// <summary>Creates the init context.</summary>
    public LambdaInitContext(string handlerName, IEnvironmentVariables environment, TimeProvider time, LambdaLogger logger)
    {
        ArgumentNullException.ThrowIfNull(handlerName);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        HandlerName = handlerName;
        Environment = environment;
        Time = time;
        Logger = logger;
    }

    /// <summary>The value of <c>_HANDLER</c> that selected this handler.</summary>
    public string HandlerName { get; }

    /// <summary>The function's environment variables (its configuration).</summary>
    public IEnvironmentVariables Environment { get; }

    /// <summary>The clock handlers should use.</summary>
    public TimeProvider Time { get; }

    /// <summary>The init-phase log.</summary>
    public LambdaLogger Logger { get; }

    /// <summary>The variable's value; throws <see cref="LambdaConfigurationException"/> naming it when unset or empty.</summary>
    public string RequireVariable(string name)
    {
        var value = Environment.Get(name);
        return string.IsNullOrWhiteSpace(value)
            ? throw new LambdaConfigurationException(
                $"Environment variable {name} is not set; the '{HandlerName}' handler needs it. Set it in the function's configuration.")
            : value;
    }
}
