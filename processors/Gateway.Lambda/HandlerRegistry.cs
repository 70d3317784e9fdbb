using System.Diagnostics.CodeAnalysis;

namespace Gateway.Lambda;

/// <summary>Maps <c>_HANDLER</c> values to handler factories; one executable serves every function.</summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<string, Func<LambdaInitContext, ILambdaHandler>> _factories = new(StringComparer.Ordinal);

    /// <summary>The registered names, in registration order.</summary>
    public IReadOnlyList<string> Names => [.. _factories.Keys];

    /// <summary>Registers a factory, run once during Lambda's init phase; it may throw <see cref="LambdaConfigurationException"/>.</summary>
    public HandlerRegistry Add(string name, Func<LambdaInitContext, ILambdaHandler> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!_factories.TryAdd(name, factory))
        {
            throw new ArgumentException($"A handler named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Finds the factory for <paramref name="name"/> (exact match: Lambda passes the setting verbatim).</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out Func<LambdaInitContext, ILambdaHandler>? factory) =>
        _factories.TryGetValue(name, out factory);

    /// <summary>The init-error message for a <c>_HANDLER</c> value that selects nothing: names the valid values.</summary>
    public string DescribeUnknown(string? name)
    {
        var valid = _factories.Count == 0 ? "(none)" : string.Join(", ", _factories.Keys);
        if (string.IsNullOrWhiteSpace(name))
        {
            return $"_HANDLER is not set. Set the function's handler to one of: {valid}.";
        }

        return HandlerNames.Pipeline.Contains(name, StringComparer.Ordinal)
            ? $"_HANDLER '{name}' is not built into this bootstrap yet. Valid values: {valid}."
            : $"_HANDLER '{name}' is not a Gateway handler. Valid values: {valid}.";
    }
}
