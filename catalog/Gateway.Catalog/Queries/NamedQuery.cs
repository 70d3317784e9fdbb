using System.Text.RegularExpressions;

namespace Gateway.Catalog.Queries;

/// <summary>
/// One of the SQL files in <c>catalog/queries</c>: a question analysts ask of the lake, with typed parameters, written
/// once for Athena and DuckDB. Its name is the file name without <c>.sql</c>; the file starts with a header comment:
/// <code>
/// -- What the query answers, and what its columns mean (free text, one or more lines).
/// --
/// -- @param start timestamp default=today-1d First instant counted, inclusive (UTC).
/// -- @param limit integer(1..1000) required How many rows to return.
/// -- @engines athena duckdb
/// SELECT … WHERE event_time &gt;= {{start}} … LIMIT {{limit}}
/// </code>
/// A <c>@param</c> line gives the name, the type (see <see cref="QueryParameterKind"/>), <c>required</c> or
/// <c>default=value</c> (quoted as <c>'…'</c> when empty or with spaces), and the description, which may continue on the
/// following comment lines. The body refers to parameters as <c>{{name}}</c>, where a literal belongs, and restricts a
/// lake table to the <c>start</c>–<c>end</c> window with <c>{{window(column)}}</c> (see <see cref="TimeWindow"/>).
/// </summary>
public sealed partial class NamedQuery
{
    private NamedQuery(string name, string description, IReadOnlyList<QueryParameter> parameters, IReadOnlyList<SqlDialect> engines, string sql, string? path)
    {
        Name = name;
        Description = description;
        Parameters = parameters;
        Engines = engines;
        Sql = sql;
        Path = path;
    }

    /// <summary>The file name without <c>.sql</c>, e.g. <c>events_per_hour</c>.</summary>
    public string Name { get; }

    /// <summary>The header's free text: what the query answers and what its columns mean (lines joined with <c>\n</c>).</summary>
    public string Description { get; }

    /// <summary>The first paragraph of <see cref="Description"/> on one line, for lists.</summary>
    public string Summary => string.Join(' ', Description.Split("\n\n", 2)[0].Split('\n').Select(line => line.Trim()));

    /// <summary>The parameters in header order.</summary>
    public IReadOnlyList<QueryParameter> Parameters { get; }

    /// <summary>The engines the query is written for (<c>@engines</c>).</summary>
    public IReadOnlyList<SqlDialect> Engines { get; }

    /// <summary>The SQL after the header, in Athena's dialect, with its <c>{{name}}</c> placeholders.</summary>
    public string Sql { get; }

    /// <summary>The file it was loaded from, or null when parsed from text.</summary>
    public string? Path { get; }

    /// <summary>Parses a query file's text; <paramref name="path"/> only goes into messages and <see cref="Path"/>.</summary>
    /// <exception cref="NamedQueryFormatException">The name, header or placeholders are malformed; the message names the line and the fix.</exception>
    public static NamedQuery Parse(string name, string text, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        return new HeaderReader(name, text, path).Read();
    }

    /// <summary>
    /// The SQL to run on <paramref name="dialect"/>: every placeholder replaced by its value from
    /// <paramref name="values"/> (by parameter name, case-insensitive) or its default, as a typed SQL literal, relative
    /// times (<c>now</c>, <c>today</c>) taken from the system clock.
    /// </summary>
    /// <exception cref="QueryParameterException">A required parameter is missing, a name is not a parameter, or a value does not fit its type.</exception>
    /// <exception cref="InvalidOperationException">The query is not written for <paramref name="dialect"/>.</exception>
    public string Render(IReadOnlyDictionary<string, string> values, SqlDialect dialect) => Render(values, dialect, TimeProvider.System);

    /// <summary>
    /// <see cref="Render(IReadOnlyDictionary{string, string}, SqlDialect)"/> with relative times taken from
    /// <paramref name="time"/> (UTC).
    /// </summary>
    public string Render(IReadOnlyDictionary<string, string> values, SqlDialect dialect, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(time);
        if (!Engines.Contains(dialect))
        {
            throw new InvalidOperationException(
                $"{Name} is not written for {dialect}; it runs on {string.Join(", ", Engines)} (its @engines line).");
        }

        var (literals, typed) = Literals(values, time.GetUtcNow());
        var sql = TimeWindow.Macro().Replace(dialect.Rewrite(Sql), match => TimeWindow.Predicate(
            match.Groups["column"].Value,
            (DateTimeOffset)typed[TimeWindow.StartParameter]!,
            (DateTimeOffset)typed[TimeWindow.EndParameter]!,
            match.Groups["lookback"].Success ? (long)typed[match.Groups["lookback"].Value]! : 0));
        sql = Placeholder().Replace(sql, match => literals[match.Groups["name"].Value]);
        return $"-- {Name}\n{sql}\n";
    }

    // Each parameter's SQL literal, and its value where a macro computes with it (see QueryParameter.TryRender).
    private (Dictionary<string, string> Literals, Dictionary<string, object?> Typed) Literals(IReadOnlyDictionary<string, string> values, DateTimeOffset now)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            var parameter = Parameters.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new QueryParameterException(Name, key,
                    $"{Name} has no parameter '{QueryParameter.Shown(key)}'; its parameters are {string.Join(", ", Parameters.Select(p => p.Name))}.");
            if (value is null)
            {
                throw new QueryParameterException(Name, parameter.Name, $"{Name}: parameter '{parameter.Name}' has no value; give one, e.g. {parameter.Name}={parameter.Example}, or leave it out{(parameter.IsRequired ? "" : " for its default")}.");
            }

            if (!given.TryAdd(parameter.Name, value))
            {
                throw new QueryParameterException(Name, parameter.Name, $"{Name}: parameter '{parameter.Name}' is given twice (names are case-insensitive); give it once.");
            }
        }

        var literals = new Dictionary<string, string>(StringComparer.Ordinal);
        var typed = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            var isDefault = !given.TryGetValue(parameter.Name, out var value);
            value ??= parameter.Default ?? throw new QueryParameterException(Name, parameter.Name,
                $"{Name}: parameter '{parameter.Name}' is required ({parameter.TypeName}: {parameter.Description}); give it a value, e.g. {parameter.Name}={parameter.Example}.");
            if (!parameter.TryRender(value, now, out var literal, out var typedValue, out var problem))
            {
                throw new QueryParameterException(Name, parameter.Name,
                    $"{Name}: parameter '{parameter.Name}' ({parameter.TypeName}): {(isDefault ? "the default " : "")}'{QueryParameter.Shown(value)}' {problem}.");
            }

            literals.Add(parameter.Name, literal);
            typed.Add(parameter.Name, typedValue);
        }

        return (literals, typed);
    }

    [GeneratedRegex(@"\{\{\s*(?<name>[a-z][a-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant)]
    internal static partial Regex Placeholder();
}
