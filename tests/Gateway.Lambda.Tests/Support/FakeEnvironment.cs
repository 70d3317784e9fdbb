using System.Collections.Concurrent;

namespace Gateway.Lambda.Tests.Support;

/// <summary>Environment variables in a dictionary; remembers every value each variable was set to.</summary>
internal sealed class FakeEnvironment : IEnvironmentVariables
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Name, string? Value)> _sets = new();

    public FakeEnvironment(params (string Name, string Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            _values[name] = value;
        }
    }

    public string? Get(string name) => _values.TryGetValue(name, out var value) ? value : null;

    public void Set(string name, string? value)
    {
        _sets.Enqueue((name, value));
        if (value is null)
        {
            _values.TryRemove(name, out _);
        }
        else
        {
            _values[name] = value;
        }
    }

    /// <summary>The values <paramref name="name"/> was set to, in order (null for a removal).</summary>
    public IReadOnlyList<string?> History(string name) => [.. _sets.Where(s => s.Name == name).Select(s => s.Value)];
}
