using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Dashboards.CloudWatch;
using Gateway.Dashboards.Rollups;
using Gateway.Dashboards.Tests.CloudWatch.Support;
using Gateway.Processing.Metrics;

namespace Gateway.Dashboards.Tests.CloudWatch;

/// <summary>The CloudWatch dashboard body against the documented "Dashboard Body Structure and Syntax".</summary>
public sealed partial class DashboardBodyTests
{
    private static readonly GatewayResources Full = new()
    {
        Region = "eu-west-1",
        AggregateFunction = "gw-aggregate",
        EnrichFunction = "gw-enrich",
        SinkFunction = "gw-sink",
        ForwardFunction = "gw-forward",
        RawStream = "gw-raw",
        AggregatedStream = "gw-aggregated",
        DeliveryStream = "gw-events",
        AlarmArns = ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:gw-enrich-bad-row-rate", "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:gw-forward-failures"],
    };

    private static readonly GatewayResources Minimal = new()
    {
        Region = "us-east-1",
        AggregateFunction = "gw-aggregate",
        RawStream = "gw-raw",
        AggregatedStream = "gw-aggregated",
    };

    // Statistics a metric widget accepts: the plain ones and percentiles.
    private static readonly HashSet<string> PlainStatistics = ["Sum", "Average", "Maximum", "Minimum", "SampleCount"];

    public static TheoryData<string> Deployments => ["full", "minimal", "firehose only", "sink only"];

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Widgets_fit_the_24_column_grid_without_overlapping(string deployment)
    {
        var widgets = Widgets(Resources(deployment));

        var boxes = new List<(int X, int Y, int W, int H)>();
        foreach (var widget in widgets)
        {
            var (x, y, w, h) = ((int)widget["x"]!, (int)widget["y"]!, (int)widget["width"]!, (int)widget["height"]!);
            Assert.InRange(w, 1, 24);
            Assert.InRange(h, 1, 1000);
            Assert.InRange(x, 0, 24 - w);
            Assert.True(y >= 0);
            Assert.DoesNotContain(boxes, b => x < b.X + b.W && b.X < x + w && y < b.Y + b.H && b.Y < y + h);
            boxes.Add((x, y, w, h));
        }

        Assert.InRange(widgets.Count, 5, 500);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Every_widget_has_a_documented_type_and_its_required_properties(string deployment)
    {
        var resources = Resources(deployment);

        foreach (var widget in Widgets(resources))
        {
            var properties = widget["properties"]!.AsObject();
            switch ((string)widget["type"]!)
            {
                case "text":
                    Assert.False(string.IsNullOrWhiteSpace((string?)properties["markdown"]));
                    break;
                case "alarm":
                    Assert.Equal(resources.AlarmArns, properties["alarms"]!.AsArray().Select(a => (string)a!));
                    break;
                case "metric":
                    CheckMetricWidget(properties, resources.Region);
                    break;
                default:
                    Assert.Fail($"widget type {widget["type"]}");
                    break;
            }
        }
    }

    [Fact]
    public void Metric_arrays_are_namespace_name_and_dimension_pairs_with_an_optional_options_object_last()
    {
        var arrays = Widgets(Full).Where(w => (string)w["type"]! == "metric")
            .SelectMany(w => w["properties"]!["metrics"]!.AsArray().Select(m => m!.AsArray()))
            .Where(m => m[0] is JsonValue)
            .ToList();

        Assert.NotEmpty(arrays);
        foreach (var array in arrays)
        {
            var strings = array.TakeWhile(e => e is JsonValue).ToList();
            Assert.All(strings, s => Assert.Equal(JsonValueKind.String, s!.GetValueKind()));
            // Namespace, name, then name/value pairs; no "." shorthand.
            Assert.True(strings.Count >= 2 && strings.Count % 2 == 0, array.ToJsonString());
            Assert.DoesNotContain(strings, s => (string)s! == ".");
            Assert.True(array.Count - strings.Count <= 1 && array[^1] is JsonObject or JsonValue, array.ToJsonString());
            if (array[^1] is JsonObject options)
            {
                Assert.All(options, o => Assert.Contains(o.Key, (string[])["id", "label", "stat", "visible", "yAxis", "color", "period", "region"]));
            }
        }
    }

    [Fact]
    public void Expressions_name_only_ids_of_their_widget_and_searches_name_an_exact_schema()
    {
        foreach (var widget in Widgets(Full).Where(w => (string)w["type"]! == "metric"))
        {
            var items = widget["properties"]!["metrics"]!.AsArray().Select(m => m!.AsArray()).ToList();
            var ids = items.Select(i => i[^1] is JsonObject o ? (string?)o["id"] : null).Where(id => id is not null).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.Matches("^[a-z][a-zA-Z0-9_]*$", id));
            foreach (var expression in items.Where(i => i[0] is JsonObject).Select(i => Assert.Single(i)!.AsObject()))
            {
                var text = (string)expression["expression"]!;
                if (text.StartsWith("SEARCH(", StringComparison.Ordinal))
                {
                    Assert.Matches("""^SEARCH\('\{Gateway,FunctionName,(Pixel|Reason|Destination|Channel)\} MetricName="\w+" FunctionName="[^"]+"', 'Sum', 60\)$""", text);
                    continue;
                }

                foreach (Match name in Identifier().Matches(text))
                {
                    Assert.Contains(name.Value, ids);
                }
            }
        }
    }

    [Fact]
    public void The_bad_row_rate_is_metric_math_over_hidden_bad_rows_and_records_of_the_enrich_function()
    {
        var widget = Widgets(Full).Single(w => (string?)w["properties"]!["title"] == "Bad-row rate (%)");

        var metrics = widget["properties"]!["metrics"]!.AsArray();
        Assert.Equal("""["Gateway","BadRows","FunctionName","gw-enrich",{"label":"Bad rows","id":"bad","visible":false}]""", metrics[0]!.ToJsonString());
        Assert.Equal("""["Gateway","Records","FunctionName","gw-enrich",{"label":"Records","id":"records","visible":false}]""", metrics[1]!.ToJsonString());
        Assert.Equal("100 * bad / records", (string)metrics[2]![0]!["expression"]!);
    }

    [Fact]
    public void Every_gateway_reference_is_a_metric_of_the_catalog_published_by_that_function_s_handler()
    {
        var handlerOf = Full.Functions.ToDictionary(f => f.Function, f => f.Handler);

        var references = DashboardReferences.Of(DashboardBody.Create(Full)).Where(r => r.Namespace == GatewayMetrics.Namespace).ToList();

        Assert.All(references, reference => Assert.Single(GatewayMetrics.All, m =>
            m.Handler == handlerOf[reference.Dimensions[GatewayMetrics.FunctionName]] && m.Name == reference.Name
            && string.Join(",", m.Dimensions.Order(StringComparer.Ordinal)) == reference.DimensionSet));
        // Every metric of the catalog appears on the dashboard.
        Assert.All(GatewayMetrics.All, metric => Assert.Contains(references, r =>
            r.Name == metric.Name && handlerOf[r.Dimensions[GatewayMetrics.FunctionName]] == metric.Handler
            && r.DimensionSet == string.Join(",", metric.Dimensions.Order(StringComparer.Ordinal))));
    }

    [Fact]
    public void Aws_metrics_are_the_documented_names_with_their_service_s_dimension()
    {
        var known = new Dictionary<string, (string Dimension, string[] Names)>
        {
            ["AWS/Lambda"] = ("FunctionName", ["Errors", "Duration", "Throttles", "IteratorAge"]),
            ["AWS/Kinesis"] = ("StreamName", ["IncomingRecords", "GetRecords.Records", "GetRecords.IteratorAgeMilliseconds"]),
            ["AWS/Firehose"] = ("DeliveryStreamName", ["DeliveryToS3.Success", "DeliveryToS3.DataFreshness", "DeliveryToS3.Records", "DataReadFromKinesisStream.Records"]),
        };

        var references = DashboardReferences.Of(DashboardBody.Create(Full)).Where(r => r.Namespace != GatewayMetrics.Namespace).ToList();

        Assert.Equal(known.Keys.Order(StringComparer.Ordinal), references.Select(r => r.Namespace).Distinct().Order(StringComparer.Ordinal));
        Assert.All(references, r =>
        {
            Assert.Contains(r.Name, known[r.Namespace].Names);
            Assert.Equal(known[r.Namespace].Dimension, Assert.Single(r.Dimensions).Key);
        });
        // Iterator age for the functions fed by an event source mapping; enrich is fed by Firehose.
        Assert.Equal(["gw-aggregate", "gw-forward", "gw-sink"], references.Where(r => r.Name == "IteratorAge").Select(r => r.Dimensions["FunctionName"]).Order(StringComparer.Ordinal));
        Assert.Equal(["gw-aggregate", "gw-enrich", "gw-forward", "gw-sink"], references.Where(r => r.Name == "Errors").Select(r => r.Dimensions["FunctionName"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Resources_that_are_not_deployed_leave_their_widgets_out()
    {
        var body = DashboardBody.Create(Minimal);

        var references = DashboardReferences.Of(body);
        Assert.DoesNotContain(references, r => r.Namespace == "AWS/Firehose");
        Assert.All(references.Where(r => r.Dimensions.ContainsKey(GatewayMetrics.FunctionName)), r => Assert.Equal("gw-aggregate", r.Dimensions[GatewayMetrics.FunctionName]));
        Assert.DoesNotContain(Widgets(Minimal), w => (string)w["type"]! == "alarm");
        Assert.Contains(references, r => r.Namespace == GatewayMetrics.Namespace && r.Name == "AggregatedRecords");
    }

    [Fact]
    public void Cdk_tokens_pass_through_verbatim()
    {
        const string region = "${Token[AWS.Region.7]}";
        const string function = "${Token[TOKEN.311]}";
        var resources = Minimal with { Region = region, AggregateFunction = function, RawStream = "${Token[TOKEN.312]}" };

        var body = DashboardBody.Create(resources);

        Assert.Contains($"\"region\":\"{region}\"", body, StringComparison.Ordinal);
        Assert.Contains($"\"FunctionName\",\"{function}\"", body, StringComparison.Ordinal);
        Assert.Contains("\"StreamName\",\"${Token[TOKEN.312]}\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Region")]
    [InlineData("AggregateFunction")]
    [InlineData("RawStream")]
    [InlineData("EnrichFunction")]
    public void An_empty_name_is_refused_with_the_property_named(string property)
    {
        var resources = property switch
        {
            "Region" => Full with { Region = " " },
            "AggregateFunction" => Full with { AggregateFunction = "" },
            "RawStream" => Full with { RawStream = "" },
            _ => Full with { EnrichFunction = "" },
        };

        var error = Assert.Throws<ArgumentException>(() => DashboardBody.Create(resources));

        Assert.Contains($"GatewayResources.{property}", error.Message, StringComparison.Ordinal);
    }

    private static void CheckMetricWidget(JsonObject properties, string region)
    {
        Assert.Equal(region, (string?)properties["region"]);
        Assert.Equal("timeSeries", (string?)properties["view"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)properties["title"]));
        var stat = (string)properties["stat"]!;
        Assert.True(PlainStatistics.Contains(stat) || Regex.IsMatch(stat, "^p\\d{1,2}(\\.\\d+)?$"), stat);
        Assert.Equal(0, (int)properties["period"]! % 60);
        Assert.InRange(properties["metrics"]!.AsArray().Count, 1, 100);
        foreach (var axis in properties["yAxis"]!.AsObject())
        {
            Assert.Contains(axis.Key, (string[])["left", "right"]);
        }

        foreach (var item in properties["metrics"]!.AsArray())
        {
            if (item!.AsArray()[^1] is JsonObject { } options && options["stat"] is { } own)
            {
                Assert.True(PlainStatistics.Contains((string)own!) || ((string)own!).StartsWith('p'), (string)own!);
            }
        }
    }

    private static GatewayResources Resources(string deployment) => deployment switch
    {
        "full" => Full,
        "minimal" => Minimal,
        "firehose only" => Full with { SinkFunction = null, ForwardFunction = null, AlarmArns = [] },
        _ => Full with { EnrichFunction = null, DeliveryStream = null },
    };

    private static List<JsonObject> Widgets(GatewayResources resources)
    {
        var root = JsonNode.Parse(DashboardBody.Create(resources))!.AsObject();
        Assert.Equal("-PT3H", (string?)root["start"]);
        return [.. root["widgets"]!.AsArray().Select(w => w!.AsObject())];
    }

    // Ids in a metric-math expression: lower-case first letter (upper-case words are functions such as FILL).
    [GeneratedRegex("\\b[a-z][a-zA-Z0-9_]*\\b")]
    private static partial Regex Identifier();
}
