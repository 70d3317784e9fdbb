using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Catalog.Queries;

/// <summary>
/// One parameter of a <see cref="NamedQuery"/>, declared in its header as
/// <c>-- @param name type required|default=value description</c>.
/// </summary>
public sealed partial class QueryParameter
{
    /// <summary>Longest string (or list) value accepted, in characters.</summary>
    public const int MaxTextLength = 1000;

    private QueryParameter(string name, QueryParameterKind kind, string typeName, IReadOnlyList<string> choices, decimal? minimum, decimal? maximum, string? defaultValue, string description)
    {
        Name = name;
        Kind = kind;
        TypeName = typeName;
        Choices = choices;
        Minimum = minimum;
        Maximum = maximum;
        Default = defaultValue;
        Description = description;
    }

    /// <summary>The name used in the SQL (<c>{{name}}</c>) and by callers: lower-case snake case.</summary>
    public string Name { get; }

    /// <summary>The value type.</summary>
    public QueryParameterKind Kind { get; }

    /// <summary>The type as the header writes it, e.g. <c>timestamp</c>, <c>integer(1..720)</c>, <c>choice(day|hour)</c>.</summary>
    public string TypeName { get; }

    /// <summary>The accepted words of a <see cref="QueryParameterKind.Choice"/>; empty for other kinds.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>The smallest accepted <see cref="QueryParameterKind.Integer"/> or <see cref="QueryParameterKind.Number"/>, if any.</summary>
    public decimal? Minimum { get; }

    /// <summary>The largest accepted <see cref="QueryParameterKind.Integer"/> or <see cref="QueryParameterKind.Number"/>, if any.</summary>
    public decimal? Maximum { get; }

    /// <summary>The value used when none is given (possibly relative, e.g. <c>today-7d</c>); null when the parameter is required.</summary>
    public string? Default { get; }

    /// <summary>Whether a value must be given.</summary>
    public bool IsRequired => Default is null;

    /// <summary>What the parameter means, one sentence or two.</summary>
    public string Description { get; }

    /// <summary>An example value of this parameter's type, for messages.</summary>
    public string Example => Kind switch
    {
        QueryParameterKind.Date => "2025-06-01",
        QueryParameterKind.Timestamp => "2025-06-01 00:00:00",
        QueryParameterKind.Integer => (Minimum ?? 10).ToString(CultureInfo.InvariantCulture),
        QueryParameterKind.Number => (Minimum ?? 2.5m).ToString(CultureInfo.InvariantCulture),
        QueryParameterKind.List => "a,b",
        QueryParameterKind.Choice => Choices[0],
        _ => "text",
    };

    /// <summary>One line for help output: <c>name=type (required|default …): description</c>.</summary>
    public override string ToString() =>
        $"{Name}={TypeName} ({(Default is null ? "required" : Default.Length == 0 ? "default ''" : $"default {Default}")}): {Description}";

    /// <summary>Parses a header type and builds the parameter; the default, when given, must be a valid value (checked without a clock).</summary>
    /// <returns>null with <paramref name="problem"/> set when the type or the default is not valid.</returns>
    internal static QueryParameter? Create(string name, string typeName, string? defaultValue, string description, out string? problem)
    {
        if (!TryParseType(typeName, out var kind, out var choices, out var minimum, out var maximum, out problem))
        {
            return null;
        }

        var parameter = new QueryParameter(name, kind, typeName, choices, minimum, maximum, defaultValue, description);
        if (defaultValue is not null && !parameter.TryRender(defaultValue, DateTimeOffset.UnixEpoch, out _, out var invalid))
        {
            problem = $"the default '{defaultValue}' of '{name}' {invalid}";
            return null;
        }

        return parameter;
    }

    private static bool TryParseType(string text, out QueryParameterKind kind, out IReadOnlyList<string> choices, out decimal? minimum, out decimal? maximum, out string? problem)
    {
        choices = [];
        minimum = null;
        maximum = null;
        problem = null;
        switch (text)
        {
            case "date":
                kind = QueryParameterKind.Date;
                return true;
            case "timestamp":
                kind = QueryParameterKind.Timestamp;
                return true;
            case "string":
                kind = QueryParameterKind.String;
                return true;
            case "list":
                kind = QueryParameterKind.List;
                return true;
        }

        if (ChoiceType().Match(text) is { Success: true } choice)
        {
            kind = QueryParameterKind.Choice;
            choices = choice.Groups["items"].Value.Split('|');
            return true;
        }

        if (NumericType().Match(text) is { Success: true } numeric)
        {
            kind = numeric.Groups["kind"].Value == "integer" ? QueryParameterKind.Integer : QueryParameterKind.Number;
            minimum = Bound(numeric.Groups["min"]);
            maximum = Bound(numeric.Groups["max"]);
            if (kind == QueryParameterKind.Integer && (IsFractional(minimum) || IsFractional(maximum)))
            {
                problem = $"the bounds of '{text}' must be whole numbers";
                return false;
            }

            if (minimum > maximum)
            {
                problem = $"the range of '{text}' is empty (minimum above maximum)";
                return false;
            }

            return true;
        }

        kind = default;
        problem = $"'{text}' is not a parameter type; use date, timestamp, integer, integer(min..max), number, number(min..max), string, list or choice(a|b)";
        return false;
    }

    private static bool IsFractional(decimal? bound) => bound is { } value && value != decimal.Truncate(value);

    private static decimal? Bound(Group group) => group.Success ? decimal.Parse(group.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^choice\((?<items>[a-z0-9_]+(?:\|[a-z0-9_]+)*)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ChoiceType();

    [GeneratedRegex(@"^(?<kind>integer|number)(?:\((?<min>[+-]?\d{1,18}(?:\.\d{1,9})?)?\.\.(?<max>[+-]?\d{1,18}(?:\.\d{1,9})?)?\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumericType();
}
