using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Dashboards.CloudWatch.Internal;
using Gateway.Processing.Metrics;

namespace Gateway.Dashboards.CloudWatch;

/// <summary>
/// The CloudWatch dashboard body (the <c>DashboardBody</c> JSON of "Dashboard Body Structure and Syntax") for one
/// deployment: the handlers' Gateway metrics (<see cref="GatewayMetrics"/>) beside the health of the Lambda functions,
/// the Kinesis streams and the Firehose delivery stream. The CDK app passes the result to the dashboard resource.
/// </summary>
/// <remarks>
/// Metrics are written as full arrays (<c>[namespace, name, dimension, value, …, {options}]</c>) without the <c>"."</c>
/// shorthand; breakdowns whose values come from the configuration (pixels, destinations, reasons) are
/// <c>SEARCH('{Gateway,FunctionName,X} MetricName="…" FunctionName="…"', 'Sum', 60)</c> expressions, so a newly
/// configured pixel appears without a redeployment. Widgets of a handler or stream that is not deployed are left out.
/// </remarks>
public static class DashboardBody
{
    /// <summary>The period of every graph, in seconds: the resolution of the EMF metrics.</summary>
    public const int Period = 60;

    // The body goes to CloudFormation, never into HTML: CDK tokens such as ${Token[TOKEN.12]} must stay as they are.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The dashboard body JSON for <paramref name="resources"/>.</summary>
    /// <exception cref="ArgumentException">A required name in <paramref name="resources"/> is empty.</exception>
    public static string Create(GatewayResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        resources.Validate();
        var body = new JsonObject
        {
            ["start"] = "-PT3H",
            ["periodOverride"] = "inherit",
            ["widgets"] = Widgets(resources),
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            body.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JsonArray Widgets(GatewayResources r)
    {
        var grid = new DashboardGrid();
        grid.Add("text", DashboardGrid.Columns, 2, new JsonObject
        {
            ["markdown"] = "# Gateway\nEvents, bots, email opens, conversions and forward outcomes from the handlers' EMF metrics "
                + $"(namespace `{GatewayMetrics.Namespace}`, per minute), with the health of the functions, streams and delivery stream. "
                + $"Pixels and destinations beyond the configured ones count as `{GatewayMetrics.Other}`.",
        });
        if (r.AlarmArns.Count > 0)
        {
            grid.Add("alarm", DashboardGrid.Columns, 3, new JsonObject
            {
                ["title"] = "Alarms",
                ["alarms"] = new JsonArray([.. r.AlarmArns.Select(a => (JsonNode)a)]),
            });
        }

        grid.NewRow();
        if (r.EnrichFunction is { } enrich)
        {
            Visitors(grid, r, enrich);
        }

        grid.NewRow();
        Pipeline(grid, r);
        grid.NewRow();
        if (r.ForwardFunction is { } forward)
        {
            Forwarding(grid, r.Region, forward);
        }

        grid.NewRow();
        Health(grid, r);
        return grid.Widgets;
    }

    /// <summary>The panels of the local dashboard that make sense per minute: events, channels, bots, opens, conversions, pixels, bad rows.</summary>
    private static void Visitors(DashboardGrid grid, GatewayResources r, string enrich)
    {
        grid.Add("metric", 12, 6, Graph(r.Region, "Events per minute", [
            Gateway(GatewayMetrics.EnrichEvents, enrich, "Events stored"),
            Gateway(GatewayMetrics.EnrichDuplicates, enrich, "Repeated event ids"),
            Gateway(GatewayMetrics.AggregateRecords, r.AggregateFunction, "Hits on the raw stream"),
        ]));
        grid.Add("metric", 12, 6, Graph(r.Region, "Events by channel", [
            .. GatewayMetrics.Channels.Select(c => Gateway(GatewayMetrics.EnrichEventsByChannel, enrich, c, label: c)),
        ], stacked: true));
        grid.Add("metric", 8, 6, Graph(r.Region, "Bots", [
            Gateway(GatewayMetrics.EnrichEvents, enrich, "All events"),
            Gateway(GatewayMetrics.EnrichBots, enrich, "Bots"),
        ]));
        grid.Add("metric", 8, 6, Graph(r.Region, "Email opens: people and machines", [
            Gateway(GatewayMetrics.EnrichHumanOpens, enrich, "People"),
            Gateway(GatewayMetrics.EnrichMachineOpens, enrich, "Privacy proxies and scanners"),
        ], stacked: true));
        grid.Add("metric", 8, 6, Graph(r.Region, "Conversions (bots excluded)", [
            Gateway(GatewayMetrics.EnrichConversions, enrich, "All pixels"),
            Search(GatewayMetrics.EnrichConversionsByPixel, enrich, "pixels"),
        ]));
        grid.Add("metric", 12, 6, Graph(r.Region, "Events by pixel (configured pixels)", [
            Search(GatewayMetrics.EnrichEventsByPixel, enrich, "pixels"),
        ], stacked: true));
        grid.Add("metric", 6, 6, Graph(r.Region, "Bad-row rate (%)", [
            Gateway(GatewayMetrics.EnrichBadRows, enrich, "Bad rows", id: "bad", visible: false),
            Gateway(GatewayMetrics.EnrichRecords, enrich, "Records", id: "records", visible: false),
            Expression("100 * bad / records", "Bad rows per 100 records", "rate"),
        ]));
        grid.Add("metric", 6, 6, Graph(r.Region, "Bad rows by reason", [
            Search(GatewayMetrics.EnrichBadRowsByReason, enrich, "reasons"),
        ], stacked: true));
    }

    private static void Pipeline(DashboardGrid grid, GatewayResources r)
    {
        var aggregate = r.AggregateFunction;
        grid.Add("metric", 12, 6, Graph(r.Region, "Aggregation", [
            Gateway(GatewayMetrics.AggregateRecords, aggregate, "Raw records in"),
            Gateway(GatewayMetrics.AggregateAggregatedRecords, aggregate, "Aggregated records out"),
            Gateway(GatewayMetrics.AggregateRetriedRecords, aggregate, "Raw records retried"),
            Gateway(GatewayMetrics.AggregateThrottledPuts, aggregate, "Puts throttled"),
            Gateway(GatewayMetrics.AggregateAggregatedBytes, aggregate, "Bytes out", yAxis: "right"),
        ], right: "Bytes"));
        if (r.SinkFunction is { } sink)
        {
            grid.Add("metric", 12, 6, Graph(r.Region, "Direct sink", [
                Gateway(GatewayMetrics.SinkRows, sink, "Rows"),
                Gateway(GatewayMetrics.SinkFiles, sink, "Parquet objects"),
                Gateway(GatewayMetrics.SinkBytes, sink, "Bytes", yAxis: "right"),
            ], right: "Bytes"));
        }
    }

    private static void Forwarding(DashboardGrid grid, string region, string forward)
    {
        grid.Add("metric", 8, 6, Graph(region, "Forward input", [
            Gateway(GatewayMetrics.ForwardRecords, forward, "Aggregated records"),
            Gateway(GatewayMetrics.ForwardEvents, forward, "Events"),
            Gateway(GatewayMetrics.ForwardRepeats, forward, "Repeats skipped"),
        ]));
        grid.Add("metric", 8, 6, Graph(region, "Forward outcomes", [
            Gateway(GatewayMetrics.ForwardForwarded, forward, "Forwarded"),
            Gateway(GatewayMetrics.ForwardFailed, forward, "Failed (retried)"),
            Gateway(GatewayMetrics.ForwardDeadLettered, forward, "Dead-lettered"),
            Gateway(GatewayMetrics.ForwardSpilled, forward, "Spilled"),
            Gateway(GatewayMetrics.ForwardDropped, forward, "Dropped"),
        ]));
        grid.Add("metric", 8, 6, Graph(region, "Forward drops by reason", [
            Search(GatewayMetrics.ForwardDroppedByReason, forward, "reasons"),
        ], stacked: true));
        grid.Add("metric", 12, 6, Graph(region, "Forward outcomes by destination", [
            Search(GatewayMetrics.ForwardForwardedByDestination, forward, "forwarded"),
            Search(GatewayMetrics.ForwardFailedByDestination, forward, "failed"),
            Search(GatewayMetrics.ForwardDeadLetteredByDestination, forward, "deadlettered"),
            Search(GatewayMetrics.ForwardSpilledByDestination, forward, "spilled"),
        ]));
        grid.Add("metric", 12, 6, Graph(region, "Forwarded by pixel (configured pixels)", [
            Search(GatewayMetrics.ForwardForwardedByPixel, forward, "pixels"),
        ], stacked: true));
    }

    private static void Health(DashboardGrid grid, GatewayResources r)
    {
        const string lambda = "AWS/Lambda";
        const string kinesis = "AWS/Kinesis";
        const string firehose = "AWS/Firehose";
        grid.Add("metric", 8, 6, Graph(r.Region, "Lambda errors", [.. r.Functions.Select(f => Aws(lambda, "Errors", "FunctionName", f.Function, f.Handler))]));
        grid.Add("metric", 8, 6, Graph(r.Region, "Lambda duration (p99, ms)", [.. r.Functions.Select(f => Aws(lambda, "Duration", "FunctionName", f.Function, f.Handler))], stat: "p99"));
        grid.Add("metric", 8, 6, Graph(r.Region, "Lambda throttles", [.. r.Functions.Select(f => Aws(lambda, "Throttles", "FunctionName", f.Function, f.Handler))]));
        grid.Add("metric", 8, 6, Graph(r.Region, "Iterator age of the stream consumers (ms)", [
            .. r.StreamConsumers.Select(f => Aws(lambda, "IteratorAge", "FunctionName", f.Function, f.Handler)),
        ], stat: "Maximum"));
        grid.Add("metric", 8, 6, Graph(r.Region, "Kinesis incoming records", [
            Aws(kinesis, "IncomingRecords", "StreamName", r.RawStream, "raw"),
            Aws(kinesis, "IncomingRecords", "StreamName", r.AggregatedStream, "aggregated"),
        ]));
        grid.Add("metric", 8, 6, Graph(r.Region, "Kinesis reads", [
            Aws(kinesis, "GetRecords.Records", "StreamName", r.RawStream, "raw: records read"),
            Aws(kinesis, "GetRecords.Records", "StreamName", r.AggregatedStream, "aggregated: records read"),
            Aws(kinesis, "GetRecords.IteratorAgeMilliseconds", "StreamName", r.RawStream, "raw: iterator age (ms)", stat: "Maximum", yAxis: "right"),
            Aws(kinesis, "GetRecords.IteratorAgeMilliseconds", "StreamName", r.AggregatedStream, "aggregated: iterator age (ms)", stat: "Maximum", yAxis: "right"),
        ], right: "ms"));
        if (r.DeliveryStream is { } delivery)
        {
            grid.NewRow();
            // DeliveryToS3.Success is successful S3 puts over all puts: its average is the success ratio.
            grid.Add("metric", 8, 6, Graph(r.Region, "Firehose delivery to S3 (success ratio)", [
                Aws(firehose, "DeliveryToS3.Success", "DeliveryStreamName", delivery, "success", stat: "Average"),
            ], stat: "Average", period: 300, left: new JsonObject { ["min"] = 0, ["max"] = 1 }));
            grid.Add("metric", 8, 6, Graph(r.Region, "Firehose data freshness (s)", [
                Aws(firehose, "DeliveryToS3.DataFreshness", "DeliveryStreamName", delivery, "oldest record not delivered", stat: "Maximum"),
            ], stat: "Maximum", period: 300));
            grid.Add("metric", 8, 6, Graph(r.Region, "Firehose records", [
                Aws(firehose, "DataReadFromKinesisStream.Records", "DeliveryStreamName", delivery, "read from the raw stream"),
                Aws(firehose, "DeliveryToS3.Records", "DeliveryStreamName", delivery, "delivered to S3"),
            ], period: 300));
        }
    }

    private static JsonObject Graph(string region, string title, JsonArray metrics, string stat = "Sum", int period = Period, bool stacked = false, string? right = null, JsonObject? left = null)
    {
        var yAxis = new JsonObject { ["left"] = left ?? new JsonObject { ["min"] = 0 } };
        if (right is not null)
        {
            yAxis["right"] = new JsonObject { ["min"] = 0, ["label"] = right };
        }

        return new JsonObject
        {
            ["view"] = "timeSeries",
            ["stacked"] = stacked,
            ["region"] = region,
            ["title"] = title,
            ["stat"] = stat,
            ["period"] = period,
            ["metrics"] = metrics,
            ["yAxis"] = yAxis,
        };
    }

    /// <summary>A function-level Gateway metric of <paramref name="function"/>.</summary>
    private static JsonArray Gateway(GatewayMetric metric, string function, string label, string? id = null, bool visible = true, string? yAxis = null) =>
        Gateway(metric, function, null, label, id, visible, yAxis);

    /// <summary>A Gateway metric of <paramref name="function"/>; for a breakdown metric, its series of <paramref name="value"/>.</summary>
    private static JsonArray Gateway(GatewayMetric metric, string function, string? value, string label, string? id = null, bool visible = true, string? yAxis = null)
    {
        if ((metric.Breakdown is null) != (value is null))
        {
            throw new ArgumentException($"{metric}: a breakdown metric needs its value, a function-level one none", nameof(value));
        }

        var array = new JsonArray(GatewayMetrics.Namespace, metric.Name, GatewayMetrics.FunctionName, function);
        if (metric.Breakdown is not null)
        {
            array.Add((JsonNode)metric.Breakdown);
            array.Add((JsonNode?)value);
        }

        array.Add((JsonNode)Options(label, id, visible, null, yAxis));
        return array;
    }

    private static JsonArray Aws(string @namespace, string name, string dimension, string value, string label, string? stat = null, string? yAxis = null) =>
        new(@namespace, name, dimension, value, Options(label, null, true, stat, yAxis));

    /// <summary>
    /// Every series of a breakdown metric of <paramref name="function"/>: a search over the metric's exact dimension set,
    /// so each pixel, destination or reason that was published becomes one line.
    /// </summary>
    private static JsonArray Search(GatewayMetric metric, string function, string id)
    {
        var expression = $"SEARCH('{{{GatewayMetrics.Namespace},{GatewayMetrics.FunctionName},{metric.Breakdown}}} MetricName=\"{metric.Name}\" {GatewayMetrics.FunctionName}=\"{function}\"', 'Sum', {Period})";
        // A dynamic label: each series is named after its breakdown value.
        return Expression(expression, $"{metric.Name} ${{PROP('Dim.{metric.Breakdown}')}}", id);
    }

    private static JsonArray Expression(string expression, string label, string id) =>
        [new JsonObject { ["expression"] = expression, ["label"] = label, ["id"] = id }];

    private static JsonObject Options(string label, string? id, bool visible, string? stat, string? yAxis)
    {
        var options = new JsonObject { ["label"] = label };
        if (id is not null)
        {
            options["id"] = id;
        }

        if (!visible)
        {
            options["visible"] = false;
        }

        if (stat is not null)
        {
            options["stat"] = stat;
        }

        if (yAxis is not null)
        {
            options["yAxis"] = yAxis;
        }

        return options;
    }
}
