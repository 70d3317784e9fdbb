using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Processing.Metrics;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests.Metrics;

/// <summary>The EMF writer on its own: the specification's published example, the split limits, and refused input.</summary>
public sealed class EmfDocumentTests
{
    private const long Timestamp = 1_735_732_800_000;

    [Fact]
    public void The_specifications_example_is_written_as_published()
    {
        // data/emf/spec-example.json is the valid example printed in the CloudWatch EMF specification.
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "emf", "spec-example.json")));

        var lines = new EmfDocument("lambda-function-metrics", 1574109732004)
            .AddDimensionSet("functionVersion")
            .SetDimension("functionVersion", "$LATEST")
            .AddMetric("time", 100, EmfUnit.Milliseconds)
            .SetProperty("requestId", "989ffbf8-9ace-4817-a57c-e4dd734019ee")
            .ToLines();

        var line = Assert.Single(lines);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(line)), line);
        Assert.Empty(EmfSpec.Violations(line));
    }

    [Fact]
    public void A_document_is_one_line_with_the_metadata_first()
    {
        var line = Assert.Single(Some().SetProperty("note", "two\nlines").ToLines());

        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("{\"_aws\":{\"Timestamp\":1735732800000,\"CloudWatchMetrics\":[{\"Namespace\":\"Gateway\",", line, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteTo_writes_the_same_lines_each_ended_by_a_line_feed()
    {
        var document = Some();
        for (var i = 0; i < 130; i++)
        {
            document.AddMetric($"M{i}", i, EmfUnit.Count);
        }

        var buffer = new ArrayBufferWriter<byte>();
        var count = document.WriteTo(buffer);

        var lines = document.ToLines();
        Assert.Equal(2, count);
        Assert.Equal(string.Concat(lines.Select(l => l + "\n")), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    // metrics, values per metric → metrics in each line
    [InlineData(1, 1, new[] { 1 })]
    [InlineData(100, 1, new[] { 100 })]
    [InlineData(101, 1, new[] { 100, 1 })]
    [InlineData(201, 1, new[] { 100, 100, 1 })]
    // A metric appears at most once per line, so 101 values of two metrics take two lines of two metrics.
    [InlineData(2, 101, new[] { 2, 2 })]
    [InlineData(1, 300, new[] { 1, 1, 1 })]
    public void Past_100_metrics_or_100_values_the_output_is_split_into_valid_lines(int metrics, int values, int[] metricsPerLine)
    {
        var document = Some().SetProperty("requestId", "r-1");
        for (var m = 0; m < metrics; m++)
        {
            document.AddMetric($"M{m}", [.. Enumerable.Range(0, values).Select(v => (double)v)], EmfUnit.Count);
        }

        var lines = document.ToLines();

        Assert.Equal(metricsPerLine, lines.Select(l => JsonNode.Parse(l)!["_aws"]!["CloudWatchMetrics"]![0]!["Metrics"]!.AsArray().Count));
        foreach (var line in lines)
        {
            Assert.Empty(EmfSpec.Violations(line));
            var root = JsonNode.Parse(line)!;
            Assert.Equal("px-1", (string?)root["Pixel"]);
            Assert.Equal("r-1", (string?)root["requestId"]);
        }

        // Every value is written once, in order.
        for (var m = 0; m < metrics; m++)
        {
            var written = lines.Select(l => JsonNode.Parse(l)![$"M{m}"]).Where(n => n is not null)
                .SelectMany(n => n is JsonArray a ? a.Select(v => (double)v!) : [(double)n!]);
            Assert.Equal(Enumerable.Range(0, values).Select(v => (double)v), written);
        }
    }

    [Fact]
    public void A_single_value_is_a_number_and_several_are_an_array()
    {
        var root = JsonNode.Parse(Assert.Single(Some().AddMetric("One", 5).AddMetric("Two", [1, 2]).ToLines()))!;

        Assert.Equal(JsonValueKind.Number, root["One"]!.GetValueKind());
        Assert.Equal("[1,2]", root["Two"]!.ToJsonString());
    }

    [Fact]
    public void Adding_to_a_metric_again_appends_its_values()
    {
        var root = JsonNode.Parse(Assert.Single(Some().AddMetric("Events", 1, EmfUnit.Count).AddMetric("Events", [2, 3], EmfUnit.Count).ToLines()))!;

        Assert.Equal("[1,2,3]", root["Events"]!.ToJsonString());
        Assert.Single(root["_aws"]!["CloudWatchMetrics"]![0]!["Metrics"]!.AsArray());
    }

    [Fact]
    public void Unit_and_high_resolution_are_written_and_the_default_resolution_is_left_out()
    {
        var root = JsonNode.Parse(Assert.Single(Some()
            .AddMetric("Fast", 1, EmfUnit.CountPerSecond, EmfStorageResolution.High)
            .AddMetric("Slow", 1, EmfUnit.BytesPerSecond)
            .ToLines()))!;

        var definitions = root["_aws"]!["CloudWatchMetrics"]![0]!["Metrics"]!.AsArray();
        Assert.Equal("""{"Name":"Fast","Unit":"Count/Second","StorageResolution":1}""", definitions[0]!.ToJsonString());
        Assert.Equal("""{"Name":"Slow","Unit":"Bytes/Second"}""", definitions[1]!.ToJsonString());
    }

    [Fact]
    public void Without_a_dimension_set_the_metrics_are_published_without_dimensions()
    {
        // The specification's schema needs at least one DimensionSet; an empty one means no dimensions. (AWS's Node
        // library writes "Dimensions":[] here, which that schema refuses.)
        var line = Assert.Single(new EmfDocument("Gateway", Timestamp).AddMetric("Events", 1).ToLines());

        Assert.Equal("[[]]", JsonNode.Parse(line)!["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.ToJsonString());
        Assert.Empty(EmfSpec.Violations(line));
    }

    [Fact]
    public void Without_metrics_one_line_still_carries_the_properties()
    {
        var line = Assert.Single(Some().SetProperty("requestId", "r-1").ToLines());

        Assert.Empty(JsonNode.Parse(line)!["_aws"]!["CloudWatchMetrics"]![0]!["Metrics"]!.AsArray());
        Assert.Empty(EmfSpec.Violations(line));
    }

    [Fact]
    public void Setting_a_dimension_again_replaces_its_value()
    {
        var root = JsonNode.Parse(Assert.Single(Some().SetDimension("Pixel", "px-2").ToLines()))!;

        Assert.Equal("px-2", (string?)root["Pixel"]);
    }

    [Fact]
    public void The_timestamp_is_milliseconds_since_the_epoch()
    {
        var document = new EmfDocument("Gateway", new DateTimeOffset(2025, 1, 1, 12, 0, 0, 123, TimeSpan.FromHours(2)));

        Assert.Equal(1_735_725_600_123, document.TimestampMilliseconds);
        Assert.Equal(1_735_725_600_123, (long)JsonNode.Parse(document.ToLines()[0])!["_aws"]!["Timestamp"]!);
    }

    [Fact]
    public void Text_stays_readable_in_the_log()
    {
        var line = Assert.Single(Some().SetProperty("city", "Zürich <a&b>").ToLines());

        Assert.Contains("\"city\":\"Zürich <a&b>\"", line, StringComparison.Ordinal);
    }

    /// <summary>Names of the ways a document can be refused.</summary>
    public static TheoryData<string> RefusedCases => [.. Refused.Keys];

    [Theory]
    [MemberData(nameof(RefusedCases))]
    public void Input_that_breaks_the_specification_is_refused_with_the_reason(string name)
    {
        var (act, reason) = Refused[name];

        var ex = Assert.ThrowsAny<ArgumentException>(() => act());

        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_metric_leaves_the_document_as_it_was()
    {
        var document = Some().AddMetric("Events", 1);

        Assert.ThrowsAny<ArgumentException>(() => document.AddMetric("Events", [2, double.NaN]));
        Assert.ThrowsAny<ArgumentException>(() => document.AddMetric("Latency", double.PositiveInfinity));

        var root = JsonNode.Parse(Assert.Single(document.ToLines()))!;
        Assert.Equal(1, (double)root["Events"]!);
        Assert.Null(root["Latency"]);
    }

    [Fact]
    public void A_refused_dimension_set_leaves_the_document_as_it_was()
    {
        var document = Some().SetProperty("requestId", "r-1");

        Assert.ThrowsAny<ArgumentException>(() => document.AddDimensionSet("Country", "requestId"));

        // Country was not taken for a dimension, so the document has no dimension waiting for a value.
        var root = JsonNode.Parse(Assert.Single(document.ToLines()))!;
        Assert.Equal("[[\"Pixel\"]]", root["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.ToJsonString());
    }

    // Each case: the call that must throw, and words its message must contain.
    private static readonly Dictionary<string, (Action Act, string Reason)> Refused = new()
    {
        ["empty namespace"] = (() => _ = new EmfDocument("", Timestamp), "namespace"),
        ["blank namespace"] = (() => _ = new EmfDocument("   ", Timestamp), "namespace"),
        ["namespace of 256 characters"] = (() => _ = new EmfDocument(new string('n', 256), Timestamp), "namespace"),
        ["namespace with a character CloudWatch refuses"] = (() => _ = new EmfDocument("Gateway|prod", Timestamp), "namespace 'Gateway|prod'"),
        ["namespace reserved for AWS"] = (() => _ = new EmfDocument("AWS/Lambda", Timestamp), "AWS/"),
        ["negative timestamp"] = (() => _ = new EmfDocument("Gateway", -1), "timestampMilliseconds"),
        ["empty metric name"] = (() => Some().AddMetric("", 1), "metric name"),
        ["metric name of 256 characters"] = (() => Some().AddMetric(new string('m', 256), 1), "metric name"),
        ["metric name with a line break"] = (() => Some().AddMetric("a\nb", 1), "control characters"),
        ["NaN"] = (() => Some().AddMetric("Events", double.NaN), "NaN"),
        ["positive infinity"] = (() => Some().AddMetric("Events", [1, double.PositiveInfinity]), "Infinity"),
        ["negative infinity"] = (() => Some().AddMetric("Events", double.NegativeInfinity), "-Infinity"),
        ["beyond 2^360"] = (() => Some().AddMetric("Events", Math.Pow(2, 361)), "2^360"),
        ["no values"] = (() => Some().AddMetric("Events", []), "no value"),
        ["unknown unit"] = (() => Some().AddMetric("Events", 1, (EmfUnit)99), "unit"),
        ["resolution other than 1 or 60"] = (() => Some().AddMetric("Events", 1, EmfUnit.Count, (EmfStorageResolution)5), "1 or 60"),
        ["one metric, two units"] = (() => Some().AddMetric("Events", 1, EmfUnit.Count).AddMetric("Events", 2, EmfUnit.Percent), "Count"),
        ["one metric, two resolutions"] = (() => Some().AddMetric("Events", 1).AddMetric("Events", 2, EmfUnit.None, EmfStorageResolution.High), "60 s"),
        ["31 dimensions in a set"] = (() => Some().AddDimensionSet([.. Enumerable.Range(0, 31).Select(i => $"D{i}")]), "31 dimensions"),
        ["a dimension twice in a set"] = (() => Some().AddDimensionSet("Event", "Event"), "twice"),
        ["the same set twice"] = (() => Some().AddDimensionSet("Pixel", "Event").AddDimensionSet("Event", "Pixel"), "already"),
        ["empty dimension name"] = (() => Some().SetDimension("", "x"), "dimension name"),
        ["non-ASCII dimension name"] = (() => Some().SetDimension("País", "ES"), "ASCII"),
        ["dimension name starting with a colon"] = (() => Some().AddDimensionSet(":Pixel"), "':'"),
        ["empty dimension value"] = (() => Some().SetDimension("Country", ""), "Country"),
        ["blank dimension value"] = (() => Some().SetDimension("Country", "  "), "Country"),
        ["dimension value of 1025 characters"] = (() => Some().SetDimension("Country", new string('v', 1025)), "1024"),
        ["non-ASCII dimension value"] = (() => Some().SetDimension("City", "Zürich"), "ASCII"),
        ["dimension without a value"] = (() => Some().AddDimensionSet("Country").ToLines(), "'Country'"),
        ["dimension without a value, written to a buffer"] = (() => Some().AddDimensionSet("Country").WriteTo(new ArrayBufferWriter<byte>()), "'Country'"),
        ["metric named like a dimension"] = (() => Some().AddMetric("Pixel", 1), "already a dimension"),
        ["property named like a metric"] = (() => Some().AddMetric("Events", 1).SetProperty("Events", "x"), "already a metric"),
        ["dimension set naming a property"] = (() => Some().SetProperty("requestId", "r").AddDimensionSet("requestId"), "already a property"),
        ["metric named _aws"] = (() => Some().AddMetric("_aws", 1), "_aws"),
        ["property named _aws"] = (() => Some().SetProperty("_aws", "x"), "_aws"),
        ["NaN property"] = (() => Some().SetProperty("ratio", double.NaN), "finite"),
        ["empty property name"] = (() => Some().SetProperty("", 1L), "property name"),
    };

    private static EmfDocument Some() => new EmfDocument("Gateway", Timestamp).AddDimensionSet("Pixel").SetDimension("Pixel", "px-1");
}
