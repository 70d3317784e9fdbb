using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Processing.Metrics;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests.Metrics;

/// <summary>
/// Our EMF lines against the ones AWS's own library writes (npm aws-embedded-metrics, its MetricsContext and
/// LogSerializer, through tools/emf/emit.js) for the same metrics: the same number of lines, and the same JSON in
/// each, ignoring key order and the order of metric definitions.
/// </summary>
public sealed class AwsEmbeddedMetricsCrossCheckTests
{
    private const long Timestamp = 1_735_732_800_123;

    private static readonly (string, string)[] PixelAndEvent = [("Pixel", "px-1"), ("Event", "page_view")];

    private static readonly EmfCase[] Cases =
    [
        // The smallest useful document: one counter under one dimension.
        new("one metric", "Gateway", Timestamp, [["Pixel"]], [("Pixel", "px-1")], [Metric("Events", EmfUnit.Count, 1)]),

        // Every metric published under each of three sets, one of them with three dimensions.
        new(
            "several dimension sets",
            "Gateway/Enrich",
            Timestamp,
            [["Pixel", "Event"], ["Pixel"], ["Channel", "Country", "Event"]],
            [.. PixelAndEvent, ("Channel", "email"), ("Country", "DE")],
            [Metric("Events", EmfUnit.Count, 3), Metric("BadRows", EmfUnit.Count, 0), Metric("Duration", EmfUnit.Milliseconds, 12.5)]),

        // An empty set publishes without dimensions, beside a set with one.
        new("empty dimension set", "Gateway", Timestamp, [[], ["Pixel"]], [("Pixel", "px-1")], [Metric("Events", EmfUnit.Count, 7)]),

        // CloudWatch's maximum of 30 dimensions in one set.
        new(
            "thirty dimensions",
            "Gateway",
            Timestamp,
            [[.. Enumerable.Range(1, 30).Select(i => $"D{i:00}")]],
            [.. Enumerable.Range(1, 30).Select(i => ($"D{i:00}", $"value-{i}"))],
            [Metric("Events", EmfUnit.Count, 1)]),

        // Exactly the 100 metrics one directive may hold: still one line.
        new("100 metrics", "Gateway", Timestamp, [["Pixel"]], [("Pixel", "px-1")], Many(100, 1)),

        // 150 metrics: two lines of 100 and 50, each a complete document.
        new("150 metrics split", "Gateway", Timestamp, [["Pixel", "Event"]], PixelAndEvent, Many(150, 1)),

        // 250 metrics: three lines.
        new("250 metrics split", "Gateway", Timestamp, [["Pixel"], []], [("Pixel", "px-1")], Many(250, 1)),

        // Several values of one metric as an array.
        new("array of values", "Gateway", Timestamp, [["Pixel"]], [("Pixel", "px-1")], [Metric("Duration", EmfUnit.Milliseconds, 3, 1, 4, 1, 5)]),

        // Exactly 100 values: one array.
        new("100 values", "Gateway", Timestamp, [["Pixel"]], [("Pixel", "px-1")], [Values("Duration", 100)]),

        // 101 values: an array of 100, then the last value alone on a second line, as a plain number.
        new("101 values split", "Gateway", Timestamp, [["Pixel"]], [("Pixel", "px-1")], [Values("Duration", 101)]),

        // 250 values: 100, 100, 50 over three lines, in order.
        new("250 values split", "Gateway", Timestamp, [["Pixel"]], [("Pixel", "px-1")], [Values("Duration", 250), Metric("Events", EmfUnit.Count, 1)]),

        // Both limits at once: 120 metrics, three of them with 150 values.
        new(
            "many metrics with many values",
            "Gateway",
            Timestamp,
            [["Pixel"]],
            [("Pixel", "px-1")],
            [Values("LatencyA", 150), .. Many(117, 2), Values("LatencyB", 150), Values("LatencyC", 150)]),

        // One-second resolution is written as StorageResolution 1; the 60-second default is left out.
        new(
            "storage resolution",
            "Gateway",
            Timestamp,
            [["Pixel"]],
            [("Pixel", "px-1")],
            [
                new("FastEvents", EmfUnit.Count, EmfStorageResolution.High, [1, 2]),
                new("SlowEvents", EmfUnit.Count, EmfStorageResolution.Standard, [3]),
                new("HighLatency", EmfUnit.Milliseconds, EmfStorageResolution.High, [9.75]),
            ]),

        // Properties of every JSON kind: searchable in the log, not metrics.
        new(
            "properties",
            "Gateway",
            Timestamp,
            [["Pixel"]],
            [("Pixel", "px-1")],
            [Metric("Events", EmfUnit.Count, 2)],
            new JsonObject
            {
                ["requestId"] = "8f0c2a4e-1b7d-4c3e-9a55-2f6d7e8b9c01",
                ["functionVersion"] = "$LATEST",
                ["shard"] = 3,
                ["ratio"] = 0.25,
                ["coldStart"] = true,
                ["trace"] = null,
                ["batch"] = new JsonObject { ["records"] = 500, ["sources"] = new JsonArray("kinesis", "s3") },
                ["note"] = "ünïcødé, \"quoted\", tab\tand\nnewline",
            }),

        // Every CloudWatch unit by the name CloudWatch spells it (Bytes/Second, Count/Second, …).
        new(
            "every unit",
            "Gateway",
            Timestamp,
            [["Pixel"]],
            [("Pixel", "px-1")],
            [.. Enum.GetValues<EmfUnit>().Select((unit, i) => Metric($"In{unit}", unit, i + 1))]),

        // Fractions, large and small magnitudes, and the largest integer JavaScript holds exactly (the library refuses
        // larger magnitudes; CloudWatch takes up to 2^360, and so do we).
        new(
            "number formats",
            "Gateway",
            Timestamp,
            [["Pixel"]],
            [("Pixel", "px-1")],
            [
                Metric("Fraction", EmfUnit.None, 0.1, -2.5, 1.0 / 3),
                Metric("Large", EmfUnit.None, 8.5e15, 123456789012345.6, -4.2e12),
                Metric("Small", EmfUnit.None, 1.5e-7, 5e-324),
                Metric("SafeInteger", EmfUnit.Count, 9_007_199_254_740_991),
            ]),

        // Names and values with characters JSON escapes or a namespace allows.
        new(
            "characters",
            "Gateway.Edge/prod #1:eu-west_1",
            Timestamp,
            [["Function Version", "Path"]],
            [("Function Version", "$LATEST"), ("Path", "/p.gif?a=1&b=<2>")],
            [Metric("Latency p95 (ms)", EmfUnit.Milliseconds, 42), Metric("Zählung \"ü\"", EmfUnit.Count, 1)]),
    ];

    private static readonly Lazy<List<(List<string>? Lines, string? Error)>> Theirs = new(() => NodeEmf.Emit(Cases));

    /// <summary>The names of the fixed cases.</summary>
    public static TheoryData<string> CaseNames => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Our_lines_mean_what_aws_embedded_metrics_writes(string name)
    {
        var index = Array.FindIndex(Cases, c => c.Name == name);

        var ours = Cases[index].Build().ToLines();

        EmfCompare.AssertSameMeaning(NodeEmf.Lines(Theirs.Value[index], Cases[index]), ours, name);
    }

    [Fact]
    public void Splits_produce_as_many_lines_as_aws_embedded_metrics_and_as_the_limits_require()
    {
        // Guards the expectations above against both sides agreeing on something wrong.
        var lines = Cases.ToDictionary(c => c.Name, c => c.Build().ToLines().Count);

        Assert.Equal(1, lines["100 metrics"]);
        Assert.Equal(2, lines["150 metrics split"]);
        Assert.Equal(3, lines["250 metrics split"]);
        Assert.Equal(1, lines["100 values"]);
        Assert.Equal(2, lines["101 values split"]);
        Assert.Equal(3, lines["250 values split"]);
        Assert.Equal(2, lines["many metrics with many values"]);
    }

    [Fact]
    public void Random_documents_mean_what_aws_embedded_metrics_writes()
    {
        var seed = Environment.GetEnvironmentVariable("EMF_TEST_SEED") is { } pinned
            ? int.Parse(pinned, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var random = new Random(seed);
        var cases = Enumerable.Range(0, 60).Select(i => RandomCase(random, i)).ToList();

        var theirs = NodeEmf.Emit(cases);

        for (var i = 0; i < cases.Count; i++)
        {
            EmfCompare.AssertSameMeaning(NodeEmf.Lines(theirs[i], cases[i]), cases[i].Build().ToLines(), $"random case {i} (EMF_TEST_SEED={seed})");
        }
    }

    private static EmfCase RandomCase(Random random, int n)
    {
        var units = Enum.GetValues<EmfUnit>();
        var dimensionNames = Enumerable.Range(0, random.Next(0, 6)).Select(i => $"Dim{i}").ToArray();
        // At least one set: with none, AWS writes "Dimensions":[] and we write [[]] on purpose (EmfDocumentTests).
        var sets = Enumerable.Range(0, random.Next(1, 4))
            .Select(i => dimensionNames.Where(_ => random.Next(2) == 0).Take(EmfMetrics.MaxDimensionsPerSet).ToArray())
            .DistinctBy(set => string.Join("\0", set.Order(StringComparer.Ordinal)))
            .ToArray();
        var used = sets.SelectMany(set => set).Distinct().Select(name => (name, $"v-{random.Next(1000)}")).ToArray();

        // Mostly few metrics with few values, sometimes past either limit.
        var metricCount = random.Next(4) == 0 ? random.Next(90, 260) : random.Next(1, 12);
        var metrics = Enumerable.Range(0, metricCount).Select(i =>
        {
            var valueCount = random.Next(6) == 0 ? random.Next(90, 320) : random.Next(1, 5);
            var values = Enumerable.Range(0, valueCount)
                .Select(_ => random.Next(3) == 0 ? Math.Round((random.NextDouble() - 0.5) * 1e6, random.Next(0, 8)) : random.Next(0, 10_000))
                .ToArray();
            var resolution = random.Next(4) == 0 ? EmfStorageResolution.High : EmfStorageResolution.Standard;
            return new EmfCaseMetric($"Metric{i}", units[random.Next(units.Length)], resolution, values);
        }).ToArray();
        var properties = random.Next(2) == 0 ? null : new JsonObject { ["requestId"] = $"req-{n}", ["attempt"] = random.Next(5) };
        return new EmfCase($"random {n}", "Gateway", Timestamp + random.Next(1_000_000), sets, used, metrics, properties);
    }

    private static EmfCaseMetric Metric(string name, EmfUnit unit, params double[] values) => new(name, unit, EmfStorageResolution.Standard, values);

    private static EmfCaseMetric Values(string name, int count) =>
        new(name, EmfUnit.Milliseconds, EmfStorageResolution.Standard, [.. Enumerable.Range(0, count).Select(i => i * 1.5)]);

    private static EmfCaseMetric[] Many(int count, double value) =>
        [.. Enumerable.Range(0, count).Select(i => Metric($"Counter{i:000}", EmfUnit.Count, value + i))];
}
