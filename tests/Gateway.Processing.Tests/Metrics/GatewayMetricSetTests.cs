using System.Text.Json.Nodes;
using Gateway.Processing.Metrics;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests.Metrics;

/// <summary>One invocation's metrics as EMF lines: the catalog's dimension sets, the bounds on breakdown values, and the lines against aws-embedded-metrics.</summary>
public sealed class GatewayMetricSetTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void The_function_level_line_has_every_metric_of_the_handler_zeros_included_under_the_function_name()
    {
        var set = new GatewayMetricSet(GatewayMetrics.Enrich, "gw-enrich", At).Add(GatewayMetrics.EnrichEvents, 3).Add(GatewayMetrics.EnrichEvents, 2);

        var line = Assert.Single(set.ToLines());

        Assert.Empty(EmfSpec.Violations(line));
        var root = JsonNode.Parse(line)!.AsObject();
        var directive = root["_aws"]!["CloudWatchMetrics"]![0]!;
        Assert.Equal(GatewayMetrics.Namespace, (string?)directive["Namespace"]);
        Assert.Equal("""[["FunctionName"]]""", directive["Dimensions"]!.ToJsonString());
        Assert.Equal(
            GatewayMetrics.Of(GatewayMetrics.Enrich).Where(m => m.Breakdown is null).Select(m => m.Name),
            directive["Metrics"]!.AsArray().Select(m => (string)m!["Name"]!));
        Assert.Equal(5, (double)root["Events"]!);
        Assert.Equal(0, (double)root["Bots"]!);
        Assert.Equal("gw-enrich", (string?)root["FunctionName"]);
        Assert.Equal(At.ToUnixTimeMilliseconds(), (long)root["_aws"]!["Timestamp"]!);
    }

    [Fact]
    public void Each_breakdown_value_gets_its_own_line_with_the_function_and_the_breakdown_as_its_one_dimension_set()
    {
        var set = new GatewayMetricSet(GatewayMetrics.Forward, "gw-forward", At, destinations: ["meta", "hook"])
            .Add(GatewayMetrics.ForwardForwardedByDestination, "meta", 4)
            .Add(GatewayMetrics.ForwardDeadLetteredByDestination, "meta", 1)
            .Add(GatewayMetrics.ForwardFailedByDestination, "hook", 2);

        var lines = set.ToLines();

        Assert.Equal(3, lines.Count);
        var hook = JsonNode.Parse(lines[1])!;
        var meta = JsonNode.Parse(lines[2])!;
        Assert.Equal("""[["FunctionName","Destination"]]""", meta["_aws"]!["CloudWatchMetrics"]![0]!["Dimensions"]!.ToJsonString());
        Assert.Equal(("meta", 4d, 1d), ((string)meta["Destination"]!, (double)meta["Forwarded"]!, (double)meta["DeadLettered"]!));
        Assert.Equal(("hook", 2d), ((string)hook["Destination"]!, (double)hook["Failed"]!));
        Assert.Null(hook["Forwarded"]);
    }

    [Fact]
    public void Values_beyond_the_bounds_count_under_other()
    {
        var pixels = Enumerable.Range(1, GatewayMetrics.MaxPixels + 3).Select(i => $"px-{i}").ToList();
        var set = new GatewayMetricSet(GatewayMetrics.Enrich, "gw-enrich", At, pixels);
        var events = GatewayMetrics.EnrichEventsByPixel;

        Assert.Equal("px-1", set.Bound(events, "px-1"));
        Assert.Equal($"px-{GatewayMetrics.MaxPixels}", set.Bound(events, $"px-{GatewayMetrics.MaxPixels}"));
        // Configured, but past the first MaxPixels.
        Assert.Equal(GatewayMetrics.Other, set.Bound(events, $"px-{GatewayMetrics.MaxPixels + 1}"));
        // Made up by whoever calls the pixel, not ASCII, empty.
        Assert.Equal(GatewayMetrics.Other, set.Bound(events, "px-evil"));
        Assert.Equal(GatewayMetrics.Other, set.Bound(events, "px-ü"));
        Assert.Equal(GatewayMetrics.Other, set.Bound(events, ""));
        Assert.Equal(GatewayMetrics.Other, set.Bound(events, null));
        Assert.Equal("email", set.Bound(GatewayMetrics.EnrichEventsByChannel, "email"));
        Assert.Equal(GatewayMetrics.Other, set.Bound(GatewayMetrics.EnrichEventsByChannel, "fax"));
        Assert.Equal("field_count", set.Bound(GatewayMetrics.EnrichBadRowsByReason, "field_count"));
        Assert.Equal(GatewayMetrics.Other, set.Bound(GatewayMetrics.EnrichBadRowsByReason, "made_up"));

        foreach (var i in Enumerable.Range(0, 500))
        {
            set.Add(events, $"px-{i}", 1);
        }

        // 500 pixel ids: the configured ten and (other), never more.
        Assert.Equal(1 + GatewayMetrics.MaxPixels + 1, set.ToLines().Count);
    }

    [Fact]
    public void A_metric_of_another_handler_or_without_its_breakdown_value_is_refused()
    {
        var set = new GatewayMetricSet(GatewayMetrics.Aggregate, "gw-aggregate", At);

        Assert.Throws<ArgumentException>(() => set.Add(GatewayMetrics.EnrichEvents, 1));
        Assert.Throws<ArgumentException>(() => new GatewayMetricSet(GatewayMetrics.Enrich, "gw", At).Add(GatewayMetrics.EnrichEventsByPixel, 1));
        Assert.Throws<ArgumentException>(() => new GatewayMetricSet(GatewayMetrics.Enrich, "gw", At).Add(GatewayMetrics.EnrichEvents, "px1", 1));
        Assert.Throws<ArgumentException>(() => new GatewayMetricSet("health", "gw", At));
    }

    [Fact]
    public void A_function_name_that_is_no_dimension_value_falls_back_to_the_handler()
    {
        Assert.Equal(GatewayMetrics.Sink, new GatewayMetricSet(GatewayMetrics.Sink, "", At).FunctionName);
        Assert.Equal(GatewayMetrics.Sink, new GatewayMetricSet(GatewayMetrics.Sink, "sïnk", At).FunctionName);
    }

    [Fact]
    public void The_worst_case_is_107_custom_metrics_or_about_32_dollars_a_month()
    {
        // The number the XML docs of GatewayMetrics and the README section state.
        Assert.Equal(107, GatewayMetrics.WorstCaseCustomMetrics());
        Assert.Equal(32.10m, GatewayMetrics.MonthlyUsd(GatewayMetrics.WorstCaseCustomMetrics()));
        Assert.Equal(24, GatewayMetrics.All.Count(m => m.Breakdown is null));
        // Worked out by hand per handler: function-level metrics, then each breakdown's values plus (other).
        Assert.Equal(5, GatewayMetrics.WorstCaseCustomMetrics([GatewayMetrics.Aggregate]));
        Assert.Equal(8 + (3 + 1) + (10 + 1) + (2 * (10 + 1)), GatewayMetrics.WorstCaseCustomMetrics([GatewayMetrics.Enrich]));
        Assert.Equal(3, GatewayMetrics.WorstCaseCustomMetrics([GatewayMetrics.Sink]));
        Assert.Equal(8 + (4 * (5 + 1)) + (10 + 1) + (10 + 1), GatewayMetrics.WorstCaseCustomMetrics([GatewayMetrics.Forward]));
    }

    [Fact]
    public void The_catalog_names_each_metric_once_per_handler_and_dimension_set()
    {
        Assert.Equal(GatewayMetrics.All.Count, GatewayMetrics.All.DistinctBy(m => (m.Handler, m.Name, m.Breakdown)).Count());
        Assert.All(GatewayMetrics.All, m => Assert.Contains(m.Handler, GatewayMetrics.Handlers));
        Assert.All(GatewayMetrics.All.Where(m => m.Breakdown is not null), m => Assert.Contains(m.Breakdown!, GatewayMetrics.Breakdowns));
        Assert.Contains("missing_pixel_id", GatewayMetrics.BadRowReasons);
        Assert.Contains("field_count", GatewayMetrics.BadRowReasons);
    }

    [Fact]
    public void The_lines_mean_what_aws_embedded_metrics_writes_for_the_same_metrics()
    {
        var set = new GatewayMetricSet(GatewayMetrics.Aggregate, "gw-aggregate", At)
            .Add(GatewayMetrics.AggregateRecords, 120)
            .Add(GatewayMetrics.AggregateAggregatedRecords, 11)
            .Add(GatewayMetrics.AggregateAggregatedBytes, 52_314)
            .SetProperty("RequestId", "req-1");
        var breakdown = new GatewayMetricSet(GatewayMetrics.Enrich, "gw-enrich", At, ["px1"]).Add(GatewayMetrics.EnrichEventsByPixel, "px1", 7);
        var expected = new[]
        {
            new EmfCase("aggregate", "Gateway", At.ToUnixTimeMilliseconds(), [["FunctionName"]], [("FunctionName", "gw-aggregate")],
                [
                    new("Records", EmfUnit.Count, EmfStorageResolution.Standard, [120]),
                    new("AggregatedRecords", EmfUnit.Count, EmfStorageResolution.Standard, [11]),
                    new("AggregatedBytes", EmfUnit.Bytes, EmfStorageResolution.Standard, [52_314]),
                    new("RetriedRecords", EmfUnit.Count, EmfStorageResolution.Standard, [0]),
                    new("ThrottledPuts", EmfUnit.Count, EmfStorageResolution.Standard, [0]),
                ],
                new JsonObject { ["Handler"] = "aggregate", ["RequestId"] = "req-1" }),
            new EmfCase("enrich pixel", "Gateway", At.ToUnixTimeMilliseconds(), [["FunctionName", "Pixel"]], [("FunctionName", "gw-enrich"), ("Pixel", "px1")],
                [new("Events", EmfUnit.Count, EmfStorageResolution.Standard, [7])]),
        };

        var theirs = NodeEmf.Emit(expected);

        EmfCompare.AssertSameMeaning(NodeEmf.Lines(theirs[0], expected[0]), set.ToLines(), "aggregate");
        EmfCompare.AssertSameMeaning(NodeEmf.Lines(theirs[1], expected[1]), [breakdown.ToLines()[1]], "enrich pixel");
    }
}
