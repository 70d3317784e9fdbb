using System.Text.RegularExpressions;

namespace Gateway.Catalog.Queries;

// The header: description, @param and @engines lines, and the check of the body's placeholders.
public sealed partial class NamedQuery
{
    [GeneratedRegex(@"^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex QueryName();

    [GeneratedRegex(@"^@param\s+(?<name>[a-z][a-z0-9_]*)\s+(?<type>\S+)\s+(?:(?<required>required)|default=(?<default>'(?:[^']|'')*'|\S+))(?:\s+(?<description>.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ParamLine();

    /// <summary>Reads the header (description, <c>@param</c>, <c>@engines</c>) and checks the body's placeholders.</summary>
    private sealed class HeaderReader(string name, string text, string? path)
    {
        private const string Help = "(see \"Named queries\" in catalog/README.md)";
        private readonly string _source = path ?? name + ".sql";
        private readonly List<string> _description = [];
        private readonly List<(QueryParameter Parameter, int Line)> _parameters = [];
        private readonly List<string> _pendingDescription = [];
        private List<SqlDialect>? _engines;
        private (string Name, string Type, string? Default, int Line)? _pending;

        public NamedQuery Read()
        {
            if (!QueryName().IsMatch(name))
            {
                throw Error(0, $"'{name}' is not a query name; name the file in lower-case snake case, e.g. events_per_hour.sql");
            }

            var lines = text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
            var first = 0;
            var inTags = false;
            for (; first < lines.Length && lines[first].TrimStart().StartsWith("--", StringComparison.Ordinal); first++)
            {
                var content = lines[first].TrimStart()[2..];
                content = content.StartsWith(' ') ? content[1..] : content;
                var line = first + 1;
                if (content.TrimStart().StartsWith('@'))
                {
                    inTags = true;
                    FinishParameter();
                    ReadTag(content.Trim(), line);
                }
                else if (!inTags)
                {
                    _description.Add(content.TrimEnd());
                }
                else if (content.Trim().Length > 0)
                {
                    if (_pending is null)
                    {
                        throw Error(line, $"'{content.Trim()}' follows a tag that takes no continuation; start it with a tag (@param, @engines) or move it above the first tag {Help}");
                    }

                    _pendingDescription.Add(content.Trim());
                }
            }

            FinishParameter();
            if (first == 0)
            {
                throw Error(1, $"the file must start with a header comment: what the query answers, its @param lines and an @engines line {Help}");
            }

            var description = string.Join('\n', _description).Trim('\n', ' ');
            if (description.Length == 0)
            {
                throw Error(1, $"the header has no description; say above the first tag what the query answers {Help}");
            }

            if (_engines is null)
            {
                throw Error(first, $"the header has no @engines line; add e.g. '-- @engines athena duckdb' {Help}");
            }

            var body = string.Join('\n', lines[first..]);
            CheckPlaceholders(body, first);
            var sql = body.Trim();
            sql = sql.EndsWith(';') ? sql[..^1].TrimEnd() : sql;
            if (sql.Length == 0)
            {
                throw Error(first, "the file has a header but no SQL after it");
            }

            return new NamedQuery(name, description, [.. _parameters.Select(p => p.Parameter)], _engines, sql, path);
        }

        private void ReadTag(string content, int line)
        {
            var tag = content.Split(' ', 2)[0];
            switch (tag)
            {
                case "@param":
                    var match = ParamLine().Match(content);
                    if (!match.Success)
                    {
                        throw Error(line, $"malformed @param; write '@param name type required|default=value description', e.g. '@param limit integer(1..1000) default=20 How many rows to return.' {Help}");
                    }

                    var parameterName = match.Groups["name"].Value;
                    if (_parameters.Any(p => p.Parameter.Name == parameterName) || _pending?.Name == parameterName)
                    {
                        throw Error(line, $"parameter '{parameterName}' is declared twice; keep one @param line for it");
                    }

                    _pending = (parameterName, match.Groups["type"].Value, match.Groups["default"].Success ? Unquote(match.Groups["default"].Value) : null, line);
                    if (match.Groups["description"].Success && match.Groups["description"].Value.Trim().Length > 0)
                    {
                        _pendingDescription.Add(match.Groups["description"].Value.Trim());
                    }

                    break;
                case "@engines":
                    if (_engines is not null)
                    {
                        throw Error(line, "@engines is given twice; keep one line");
                    }

                    _engines = [];
                    foreach (var engine in content[tag.Length..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (!SqlDialects.TryParseHeaderName(engine, out var dialect))
                        {
                            throw Error(line, $"'{engine}' is not an engine; use {string.Join(" and/or ", Enum.GetValues<SqlDialect>().Select(d => d.HeaderName()))}");
                        }

                        if (!_engines.Contains(dialect))
                        {
                            _engines.Add(dialect);
                        }
                    }

                    if (_engines.Count == 0)
                    {
                        throw Error(line, "@engines lists no engine; write e.g. '@engines athena duckdb'");
                    }

                    break;
                default:
                    throw Error(line, $"unknown tag '{tag}'; the header knows @param and @engines {Help}");
            }
        }

        private void FinishParameter()
        {
            if (_pending is not { } pending)
            {
                return;
            }

            var description = string.Join(' ', _pendingDescription);
            _pendingDescription.Clear();
            _pending = null;
            if (description.Length == 0)
            {
                throw Error(pending.Line, $"parameter '{pending.Name}' has no description; say what it means after its type and default");
            }

            var parameter = QueryParameter.Create(pending.Name, pending.Type, pending.Default, description, out var problem)
                ?? throw Error(pending.Line, problem!);
            _parameters.Add((parameter, pending.Line));
        }

        private void CheckPlaceholders(string body, int bodyFirstLine)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match match in TimeWindow.Macro().Matches(body))
            {
                var line = LineOf(body, match.Index, bodyFirstLine);
                foreach (var bound in (string[])[TimeWindow.StartParameter, TimeWindow.EndParameter])
                {
                    if (!_parameters.Any(p => p.Parameter is { Kind: QueryParameterKind.Timestamp } named && named.Name == bound))
                    {
                        throw Error(line, $"{{{{window(…)}}}} needs a timestamp parameter '{bound}'; declare it with @param {bound} timestamp …");
                    }

                    used.Add(bound);
                }

                if (match.Groups["lookback"] is { Success: true } lookback)
                {
                    if (!_parameters.Any(p => p.Parameter is { Kind: QueryParameterKind.Integer, Minimum: >= 0 } named && named.Name == lookback.Value))
                    {
                        throw Error(line, $"{{{{window(…, lookback={lookback.Value})}}}} needs an integer parameter '{lookback.Value}' of at least 0 hours; declare it with @param {lookback.Value} integer(0..720) …");
                    }

                    used.Add(lookback.Value);
                }
            }

            body = TimeWindow.Macro().Replace(body, "");
            foreach (Match match in Placeholder().Matches(body))
            {
                var placeholder = match.Groups["name"].Value;
                if (!_parameters.Any(p => p.Parameter.Name == placeholder))
                {
                    throw Error(LineOf(body, match.Index, bodyFirstLine),
                        $"{{{{{placeholder}}}}} names no parameter; declare it with an @param line or fix the name (parameters: {string.Join(", ", _parameters.Select(p => p.Parameter.Name))})");
                }

                used.Add(placeholder);
            }

            var rest = Placeholder().Replace(body, "");
            var stray = rest.IndexOf("{{", StringComparison.Ordinal) is var open and >= 0 ? open : rest.IndexOf("}}", StringComparison.Ordinal);
            if (stray >= 0)
            {
                throw Error(LineOf(rest, stray, bodyFirstLine), "malformed placeholder; write {{name}} with a lower-case snake-case parameter name");
            }

            foreach (var (parameter, line) in _parameters)
            {
                if (!used.Contains(parameter.Name))
                {
                    throw Error(line, $"parameter '{parameter.Name}' is declared but the SQL never uses {{{{{parameter.Name}}}}}; use it or remove its @param line");
                }
            }
        }

        private static int LineOf(string body, int index, int bodyFirstLine) => bodyFirstLine + 1 + body.AsSpan(0, index).Count('\n');

        private static string Unquote(string value) =>
            value.Length >= 2 && value[0] == '\'' ? value[1..^1].Replace("''", "'", StringComparison.Ordinal) : value;

        private NamedQueryFormatException Error(int line, string problem) => new(_source, line, problem);
    }
}
