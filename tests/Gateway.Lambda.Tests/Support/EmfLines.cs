using System.Text.Json.Nodes;
using Gateway.Processing.Metrics;
using Gateway.Processing.Tests.Support;

namespace Gateway.Lambda.Tests.Support;

/// <summary>One value CloudWatch would extract from an EMF line: a metric under one of its dimension sets.</summary>
internal sealed record EmittedMetric(string Namespace, string Name, string Unit, IReadOnlyDictionary<string, string> Dimensions, double Value)
{
    /// <summary>The dimension names, sorted: what tells CloudWatch metrics of one name apart besides the values.</summary>
    public string DimensionSet => string.Join(",", Dimensions.Keys.Order(StringComparer.Ordinal));

    public string Function => Dimensions.GetValueOrDefault(GatewayMetrics.FunctionName, "");
}

/// <summary>Reads a handler's log the way CloudWatch Logs reads EMF: the lines that are JSON documents with an <c>_aws</c> member.</summary>
internal static class EmfLines
{
    /// <summary>The EMF lines of <paramref name="log"/>, each checked against the specification.</summary>
    public static List<string> Of(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith('{') && l.Contains("\"_aws\"", StringComparison.Ordinal))
            .ToList();
        foreach (var line in lines)
        {
            Assert.Empty(EmfSpec.Violations(line));
        }

        return lines;
    }

    /// <summary>Every metric value the lines publish, once per dimension set of its directive.</summary>
    public static List<EmittedMetric> Metrics(IEnumerable<string> lines)
    {
        var metrics = new List<EmittedMetric>();
        foreach (var line in lines)
        {
            var root = JsonNode.Parse(line)!.AsObject();
            foreach (var directive in root["_aws"]!["CloudWatchMetrics"]!.AsArray())
            {
                var ns = (string)directive!["Namespace"]!;
                foreach (var set in directive["Dimensions"]!.AsArray())
                {
                    var dimensions = set!.AsArray().Select(n => (string)n!).ToDictionary(n => n, n => (string)root[n]!, StringComparer.Ordinal);
                    foreach (var definition in directive["Metrics"]!.AsArray())
                    {
                        var name = (string)definition!["Name"]!;
                        var values = root[name] is JsonArray array ? array.Select(v => (double)v!) : [(double)root[name]!];
                        foreach (var value in values)
                        {
                            metrics.Add(new EmittedMetric(ns, name, (string?)definition["Unit"] ?? "None", dimensions, value));
                        }
                    }
                }
            }
        }

        return metrics;
    }

    /// <summary>
    /// The total of Gateway metric <paramref name="name"/> published under exactly FunctionName and <paramref name="dimensions"/>
    /// (any function); null when no line publishes it.
    /// </summary>
    public static double? Value(this IEnumerable<EmittedMetric> metrics, string name, params (string Name, string Value)[] dimensions)
    {
        var set = string.Join(",", dimensions.Select(d => d.Name).Append(GatewayMetrics.FunctionName).Order(StringComparer.Ordinal));
        var matching = metrics
            .Where(m => m.Namespace == GatewayMetrics.Namespace && m.Name == name && m.DimensionSet == set)
            .Where(m => dimensions.All(d => m.Dimensions[d.Name] == d.Value))
            .ToList();
        return matching.Count == 0 ? null : matching.Sum(m => m.Value);
    }

    /// <summary>The values of <paramref name="breakdown"/> that metric <paramref name="name"/> was published under.</summary>
    public static List<string> ValuesOf(this IEnumerable<EmittedMetric> metrics, string name, string breakdown) =>
        [.. metrics.Where(m => m.Namespace == GatewayMetrics.Namespace && m.Name == name && m.Dimensions.Count == 2 && m.Dimensions.ContainsKey(breakdown))
            .Select(m => m.Dimensions[breakdown]).Distinct().Order(StringComparer.Ordinal)];
}
