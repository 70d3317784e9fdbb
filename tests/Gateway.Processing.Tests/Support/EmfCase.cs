using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Processing.Metrics;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Support;

/// <summary>One metric of an <see cref="EmfCase"/>: its values in the order they are added.</summary>
internal sealed record EmfCaseMetric(string Name, EmfUnit Unit, EmfStorageResolution Resolution, double[] Values);

/// <summary>
/// Metrics described once and built twice: into our <see cref="EmfDocument"/>, and as a request for tools/emf/emit.js,
/// which builds them with AWS's aws-embedded-metrics.
/// </summary>
internal sealed record EmfCase(
    string Name,
    string Namespace,
    long Timestamp,
    string[][] DimensionSets,
    (string Name, string Value)[] Dimensions,
    EmfCaseMetric[] Metrics,
    JsonObject? Properties = null)
{
    public EmfDocument Build()
    {
        var document = new EmfDocument(Namespace, Timestamp);
        foreach (var set in DimensionSets)
        {
            document.AddDimensionSet(set);
        }

        foreach (var (name, value) in Dimensions)
        {
            document.SetDimension(name, value);
        }

        foreach (var metric in Metrics)
        {
            // One value at a time for odd-sized metrics, all at once otherwise: both ways of adding are exercised.
            if (metric.Values.Length % 2 == 1)
            {
                foreach (var value in metric.Values)
                {
                    document.AddMetric(metric.Name, value, metric.Unit, metric.Resolution);
                }
            }
            else
            {
                document.AddMetric(metric.Name, metric.Values, metric.Unit, metric.Resolution);
            }
        }

        foreach (var (name, node) in Properties ?? [])
        {
            // Each overload of SetProperty by the kind of value; objects and arrays go through JsonElement.
            using var parsed = JsonDocument.Parse(node?.ToJsonString() ?? "null");
            var element = parsed.RootElement;
            _ = element.ValueKind switch
            {
                JsonValueKind.String => document.SetProperty(name, element.GetString()!),
                JsonValueKind.Number when element.TryGetInt64(out var integer) => document.SetProperty(name, integer),
                JsonValueKind.Number => document.SetProperty(name, element.GetDouble()),
                JsonValueKind.True or JsonValueKind.False => document.SetProperty(name, element.GetBoolean()),
                _ => document.SetProperty(name, element),
            };
        }

        return document;
    }

    public string ToRequest() => new JsonObject
    {
        ["namespace"] = Namespace,
        ["timestamp"] = Timestamp,
        ["dimensionSets"] = new JsonArray([.. DimensionSets.Select(set => (JsonNode)new JsonArray([.. set.Select(n => (JsonNode)JsonValue.Create(n))]))]),
        ["dimensions"] = new JsonObject(Dimensions.Select(d => KeyValuePair.Create(d.Name, (JsonNode?)JsonValue.Create(d.Value)))),
        ["metrics"] = new JsonArray([.. Metrics.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m.Name,
            ["unit"] = EmfMetrics.UnitName(m.Unit),
            ["storageResolution"] = (int)m.Resolution,
            ["values"] = new JsonArray([.. m.Values.Select(v => (JsonNode)JsonValue.Create(v))]),
        })]),
        ["properties"] = Properties?.DeepClone(),
    }.ToJsonString();

    public override string ToString() => Name;
}

/// <summary>Runs tools/emf/emit.js (AWS's aws-embedded-metrics serializer) on <see cref="EmfCase"/> requests.</summary>
internal static class NodeEmf
{
    /// <summary>AWS's reply to each case, in order: its lines, or why the library refused the case.</summary>
    public static List<(List<string>? Lines, string? Error)> Emit(IReadOnlyList<EmfCase> cases)
    {
        var replies = NodeScript.Run(
            "aws-embedded-metrics", Path.Combine(RepositoryRoot.Path, "tools", "emf", "emit.js"), [], [.. cases.Select(c => c.ToRequest())]);
        return [.. replies.Select(reply => (bool)reply["ok"]!
            ? (reply["lines"]!.AsArray().Select(line => (string)line!).ToList(), (string?)null)
            : (null, (string?)reply["error"]))];
    }

    /// <summary>AWS's lines for <paramref name="emfCase"/>; a case the library refused fails the test with its reason.</summary>
    public static List<string> Lines((List<string>? Lines, string? Error) reply, EmfCase emfCase) =>
        reply.Lines ?? throw new Xunit.Sdk.XunitException($"aws-embedded-metrics refused case {emfCase}: {reply.Error}");
}

/// <summary>
/// Compares EMF output by meaning: key order is ignored, and so is the order of MetricDefinitions in a directive.
/// When metrics tie for a place in a split, AWS's heap and our sort may put different ones in the first document, so
/// split output is compared document by document on everything but which metrics it holds, then metric by metric
/// across documents.
/// </summary>
internal static class EmfCompare
{
    public static void AssertSameMeaning(IReadOnlyList<string> theirs, IReadOnlyList<string> ours, string context)
    {
        Assert.True(theirs.Count == ours.Count, $"{context}: aws-embedded-metrics wrote {theirs.Count} line(s), we wrote {ours.Count}");
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.True(EmfSpec.Violations(theirs[i]) is [], $"{context}: the checker refuses AWS's line {i}: {string.Join("; ", EmfSpec.Violations(theirs[i]))}");
            Assert.True(EmfSpec.Violations(ours[i]) is [], $"{context}: line {i} breaks the specification: {string.Join("; ", EmfSpec.Violations(ours[i]))}");
        }

        var theirDocuments = theirs.Select(Take).ToList();
        var ourDocuments = ours.Select(Take).ToList();
        for (var i = 0; i < ours.Count; i++)
        {
            var (theirFrame, theirMetrics) = theirDocuments[i];
            var (ourFrame, ourMetrics) = ourDocuments[i];
            Assert.True(JsonNode.DeepEquals(theirFrame, ourFrame), $"{context}, line {i}: everything but the metrics differs\n theirs: {theirFrame.ToJsonString()}\n ours:   {ourFrame.ToJsonString()}");
            Assert.True(
                Shape(theirMetrics) == Shape(ourMetrics),
                $"{context}, line {i}: metrics per line differ\n theirs: {Shape(theirMetrics)}\n ours:   {Shape(ourMetrics)}");
            if (ours.Count == 1)
            {
                AssertSameMetrics(theirMetrics, ourMetrics, $"{context}, line {i}");
            }
        }

        AssertSameMetrics(Merge(theirDocuments), Merge(ourDocuments), $"{context}, all lines");
    }

    private static void AssertSameMetrics(Dictionary<string, JsonArray> theirs, Dictionary<string, JsonArray> ours, string context)
    {
        Assert.True(
            theirs.Keys.Order(StringComparer.Ordinal).SequenceEqual(ours.Keys.Order(StringComparer.Ordinal)),
            $"{context}: different metrics\n theirs: {string.Join(",", theirs.Keys.Order(StringComparer.Ordinal))}\n ours:   {string.Join(",", ours.Keys.Order(StringComparer.Ordinal))}");
        foreach (var (name, theirPieces) in theirs)
        {
            Assert.True(JsonNode.DeepEquals(theirPieces, ours[name]), $"{context}: metric {name} differs\n theirs: {theirPieces.ToJsonString()}\n ours:   {ours[name].ToJsonString()}");
        }
    }

    // Per document: the object without MetricDefinitions and metric members, and per metric [definition, value].
    private static (JsonObject Frame, Dictionary<string, JsonArray> Metrics) Take(string line)
    {
        var frame = JsonNode.Parse(line)!.AsObject();
        var directive = frame["_aws"]!["CloudWatchMetrics"]![0]!.AsObject();
        var definitions = directive["Metrics"]!.AsArray();
        directive.Remove("Metrics");
        var metrics = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var name = (string)definition!["Name"]!;
            var value = frame[name];
            frame.Remove(name);
            metrics.Add(name, new JsonArray(definition.DeepClone(), value?.DeepClone()));
        }

        return (frame, metrics);
    }

    // Per metric, across documents in order: [definition, first value or values, definition, next values, …].
    private static Dictionary<string, JsonArray> Merge(List<(JsonObject Frame, Dictionary<string, JsonArray> Metrics)> documents)
    {
        var merged = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var (_, metrics) in documents)
        {
            foreach (var (name, piece) in metrics)
            {
                if (!merged.TryGetValue(name, out var pieces))
                {
                    merged[name] = pieces = [];
                }

                foreach (var part in piece)
                {
                    pieces.Add(part?.DeepClone());
                }
            }
        }

        return merged;
    }

    // How many metrics a document holds and how many values each, largest first: the same whichever tied metrics it holds.
    private static string Shape(Dictionary<string, JsonArray> metrics) =>
        string.Join(",", metrics.Values.Select(p => p[1] is JsonArray values ? values.Count : 1).OrderDescending().Select(n => n.ToString(CultureInfo.InvariantCulture)));
}
