using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Processing.Tests.Support;

/// <summary>
/// The rules of the CloudWatch Embedded Metric Format specification, checked on one parsed log line, written from the
/// specification's text and JSON schema rather than from our writer. The cross-check runs AWS's own output through
/// it too, so the checker is proven to accept real EMF.
/// </summary>
internal static class EmfSpec
{
    // The schema's MetricUnit pattern.
    private static readonly HashSet<string> Units =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits",
        "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
        "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
        "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    ];

    /// <summary>Every way <paramref name="line"/> breaks the specification; empty when it is a valid EMF document.</summary>
    public static List<string> Violations(string line)
    {
        var problems = new List<string>();
        if (line.Contains('\n', StringComparison.Ordinal))
        {
            problems.Add("the document spans more than one line");
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(line)!.AsObject();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            problems.Add($"not a JSON object: {ex.Message}");
            return problems;
        }

        if (root["_aws"] is not JsonObject aws)
        {
            problems.Add("no _aws object");
            return problems;
        }

        if (aws["Timestamp"] is not JsonValue timestamp || !timestamp.TryGetValue<long>(out var ms) || ms < 0)
        {
            problems.Add("_aws.Timestamp is not a non-negative integer of milliseconds");
        }

        if (aws["CloudWatchMetrics"] is not JsonArray directives || directives.Count == 0)
        {
            problems.Add("_aws.CloudWatchMetrics is not a non-empty array");
            return problems;
        }

        foreach (var node in directives)
        {
            CheckDirective(root, node as JsonObject, problems);
        }

        return problems;
    }

    private static void CheckDirective(JsonObject root, JsonObject? directive, List<string> problems)
    {
        if (directive is null)
        {
            problems.Add("a MetricDirective is not an object");
            return;
        }

        foreach (var (member, _) in directive)
        {
            if (member is not ("Namespace" or "Dimensions" or "Metrics"))
            {
                problems.Add($"MetricDirective has the extra member {member}");
            }
        }

        if (!IsName(directive["Namespace"]))
        {
            problems.Add("Namespace is not a string of 1 to 255 characters");
        }

        if (directive["Dimensions"] is not JsonArray sets || sets.Count == 0)
        {
            problems.Add("Dimensions is not an array of at least one DimensionSet");
        }
        else
        {
            foreach (var set in sets)
            {
                if (set is not JsonArray names || names.Count > 30)
                {
                    problems.Add($"DimensionSet {set?.ToJsonString()} is not an array of at most 30 names");
                    continue;
                }

                foreach (var name in names)
                {
                    if (!IsName(name))
                    {
                        problems.Add($"dimension reference {name?.ToJsonString()} is not a string of 1 to 255 characters");
                    }
                    else if (root[(string)name!] is not JsonValue target || target.GetValueKind() != JsonValueKind.String)
                    {
                        problems.Add($"dimension target {name} is not a string member of the root");
                    }
                }
            }
        }

        if (directive["Metrics"] is not JsonArray metrics || metrics.Count > 100)
        {
            problems.Add("Metrics is not an array of at most 100 MetricDefinitions");
            return;
        }

        foreach (var node in metrics)
        {
            CheckMetric(root, node as JsonObject, problems);
        }
    }

    private static void CheckMetric(JsonObject root, JsonObject? definition, List<string> problems)
    {
        if (definition is null || !IsName(definition["Name"]))
        {
            problems.Add($"MetricDefinition {definition?.ToJsonString()} has no Name of 1 to 255 characters");
            return;
        }

        var name = (string)definition["Name"]!;
        foreach (var (member, value) in definition)
        {
            var valid = member switch
            {
                "Name" => true,
                "Unit" => value is JsonValue unit && unit.GetValueKind() == JsonValueKind.String && Units.Contains((string)unit!),
                "StorageResolution" => value is JsonValue resolution && resolution.TryGetValue<int>(out var seconds) && seconds is 1 or 60,
                _ => false,
            };
            if (!valid)
            {
                problems.Add($"metric {name}: member {member} = {value?.ToJsonString()} is not allowed");
            }
        }

        switch (root[name])
        {
            case JsonValue single when single.GetValueKind() == JsonValueKind.Number:
                break;
            case JsonArray values when values.Count is > 0 and <= 100 && values.All(v => v?.GetValueKind() == JsonValueKind.Number):
                break;
            default:
                problems.Add($"metric target {name} is not a number or an array of 1 to 100 numbers");
                break;
        }
    }

    private static bool IsName(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && ((string)value!).Length is >= 1 and <= 255;
}
