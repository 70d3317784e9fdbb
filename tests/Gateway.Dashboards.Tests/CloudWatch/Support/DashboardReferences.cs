using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Dashboards.Tests.CloudWatch.Support;

/// <summary>
/// A metric a dashboard widget refers to: from a metric array (<see cref="Search"/> false, every dimension with its
/// value) or from a SEARCH expression (<see cref="Search"/> true; dimensions named in the schema but without a filter
/// have the value <c>*</c>).
/// </summary>
internal sealed record MetricReference(string Widget, string Namespace, string Name, IReadOnlyDictionary<string, string> Dimensions, bool Search)
{
    public string DimensionSet => string.Join(",", Dimensions.Keys.Order(StringComparer.Ordinal));
}

/// <summary>Reads the metric references of a dashboard body, as the "Dashboard Body Structure and Syntax" page describes the metrics array.</summary>
internal static partial class DashboardReferences
{
    /// <summary>Every metric referred to by the body's metric widgets.</summary>
    public static List<MetricReference> Of(string body)
    {
        var references = new List<MetricReference>();
        foreach (var widget in JsonNode.Parse(body)!["widgets"]!.AsArray())
        {
            if ((string?)widget!["type"] != "metric")
            {
                continue;
            }

            var title = (string?)widget["properties"]!["title"] ?? "";
            foreach (var item in widget["properties"]!["metrics"]!.AsArray())
            {
                var entries = item!.AsArray();
                if (entries[0] is JsonObject expression)
                {
                    foreach (Match match in SearchPattern().Matches((string)expression["expression"]!))
                    {
                        references.Add(FromSearch(title, match));
                    }

                    continue;
                }

                var strings = entries.TakeWhile(e => e is JsonValue).Select(e => (string)e!).ToList();
                var dimensions = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 2; i + 1 < strings.Count; i += 2)
                {
                    dimensions[strings[i]] = strings[i + 1];
                }

                references.Add(new MetricReference(title, strings[0], strings[1], dimensions, Search: false));
            }
        }

        return references;
    }

    private static MetricReference FromSearch(string widget, Match match)
    {
        var schema = match.Groups["schema"].Value.Split(',');
        var dimensions = schema.Skip(1).ToDictionary(d => d, _ => "*", StringComparer.Ordinal);
        foreach (Match filter in FilterPattern().Matches(match.Groups["filters"].Value))
        {
            dimensions[filter.Groups["key"].Value] = filter.Groups["value"].Value;
        }

        return new MetricReference(widget, schema[0], match.Groups["name"].Value, dimensions, Search: true);
    }

    [GeneratedRegex("""SEARCH\('\{(?<schema>[^}]*)\} MetricName="(?<name>[^"]*)"(?<filters>[^']*)', '(?<stat>\w+)', (?<period>\d+)\)""")]
    private static partial Regex SearchPattern();

    [GeneratedRegex("(?<key>\\w+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex FilterPattern();
}
