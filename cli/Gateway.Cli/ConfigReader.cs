using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gateway.Cli;

/// <summary>
/// Reads typed values from <c>gateway.json</c> + <c>GATEWAY__*</c> variables and collects every problem with the
/// key, the value and the fix, so a bad start reports all mistakes at once instead of the first exception.
/// </summary>
internal sealed class ConfigReader(IConfiguration configuration)
{
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _sections = [];
    private readonly List<string> _errors = [];

    /// <summary>Stands for a secret's value in messages.</summary>
    public const string Hidden = "(hidden)";

    public IReadOnlyList<string> Errors => _errors;

    /// <summary>A secret's text, or null when it is not set; report problems with <see cref="Hidden"/> as the value.</summary>
    public string? Secret(string key)
    {
        _known.Add(key);
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public string String(string key, string fallback)
    {
        _known.Add(key);
        var value = configuration[key];
        return string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
    }

    public long Integer(string key, long fallback, long min, long max)
    {
        _known.Add(key);
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        Fail(key, value, $"expected a whole number from {min} to {max}");
        return fallback;
    }

    /// <summary>Whether anything at or under <paramref name="key"/> has a value.</summary>
    public bool IsSet(string key) => configuration.GetSection(key).AsEnumerable().Any(kv => kv.Value is not null);

    public bool Boolean(string key, bool fallback)
    {
        _known.Add(key);
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (bool.TryParse(value.Trim(), out var parsed))
        {
            return parsed;
        }

        Fail(key, value, "expected true or false");
        return fallback;
    }

    public T Choice<T>(string key, T fallback)
        where T : struct, Enum
    {
        _known.Add(key);
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        Fail(key, value, $"expected one of: {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return fallback;
    }

    /// <summary>A list given either as a JSON array or as one comma-separated string (the only form an environment variable allows).</summary>
    public IReadOnlyList<string>? List(string key)
    {
        _known.Add(key);
        var section = configuration.GetSection(key);
        var children = section.GetChildren().Where(c => c.Value is not null).Select(c => c.Value!.Trim()).ToList();
        if (children.Count > 0)
        {
            return children;
        }

        return string.IsNullOrWhiteSpace(section.Value)
            ? null
            : section.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    }

    public T Parsed<T>(string key, T fallback, Func<string, T> parse, string expected)
    {
        var value = configuration[key];
        _known.Add(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        try
        {
            return parse(value.Trim());
        }
        catch (FormatException ex)
        {
            Fail(key, value, $"{expected}: {ex.Message}");
            return fallback;
        }
    }

    public void Fail(string key, string? value, string problem) =>
        _errors.Add($"{Describe(key)} = '{value}': {problem}");

    /// <summary>Marks <paramref name="section"/> and every key below it as read by another reader (which reports its own problems).</summary>
    public void ReadElsewhere(string section) => _sections.Add(section);

    /// <summary>Reports keys nobody asked for, with the closest known key: a typo must not silently fall back to a default.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null || _sections.Any(s => key.Equals(s, StringComparison.OrdinalIgnoreCase) || key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var normalized = string.Join(':', key.Split(':').Where(part => !part.All(char.IsAsciiDigit)));
            if (_known.Contains(normalized))
            {
                continue;
            }

            var closest = _known.MinBy(k => Distance(k.ToLowerInvariant(), normalized.ToLowerInvariant()));
            _errors.Add($"{Describe(normalized)} is not a Gateway setting{(closest is null ? "" : $"; did you mean '{closest.Replace(':', '.')}'?")} (see README \"Configuration\")");
        }
    }

    private static string Describe(string key)
    {
        var parts = key.Split(':');
        var json = string.Concat(parts.Select(p => $"{{\"{p}\": ")) + "…" + new string('}', parts.Length);
        return $"{string.Join('.', parts)} (gateway.json {json} or env GATEWAY__{string.Join("__", parts).ToUpperInvariant()})";
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
