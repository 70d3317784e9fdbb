using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Aws;
using Gateway.Dashboards.CloudWatch;
using Gateway.Dashboards.Tests.CloudWatch.Support;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing;
using Gateway.Processing.Forwarding;
using Gateway.Processing.Metrics;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>
/// The dashboard and the alarms against what the handlers really write: every Gateway metric they name must come out of
/// some handler's EMF line with exactly that namespace, name, dimension set and function name. The emitted metrics are
/// read from the log lines of real invocations (<see cref="HandlerRuns"/>), not from the shared constant list.
/// </summary>
public sealed class EmfCrossCheckTests(EmfCrossCheckTests.HandlerRuns runs) : IClassFixture<EmfCrossCheckTests.HandlerRuns>
{
    private const string Region = "eu-west-1";
    private const string AggregateFunction = "gw-aggregate";
    private const string EnrichFunction = "gw-enrich";
    private const string ForwardFunction = "gw-forward";

    private static readonly GatewayResources Resources = new()
    {
        Region = Region,
        AggregateFunction = AggregateFunction,
        EnrichFunction = EnrichFunction,
        ForwardFunction = ForwardFunction,
        RawStream = "gw-raw",
        AggregatedStream = "gw-aggregated",
        DeliveryStream = "gw-events",
        AlarmArns = ["arn:aws:cloudwatch:eu-west-1:123456789012:alarm:gw-forward-failures"],
    };

    [Fact]
    public void Every_gateway_metric_the_dashboard_names_is_emitted_with_that_dimension_set_and_function()
    {
        var references = DashboardReferences.Of(DashboardBody.Create(Resources)).Where(r => r.Namespace == GatewayMetrics.Namespace).ToList();

        // Arrays for function-level metrics and channels; searches for pixels, reasons and destinations.
        Assert.True(references.Count(r => !r.Search) >= 20, $"{references.Count(r => !r.Search)} metric arrays");
        Assert.True(references.Count(r => r.Search) >= 8, $"{references.Count(r => r.Search)} searches");
        Assert.All(references, reference => Assert.True(
            runs.Emitted.Any(m => Matches(m, reference.Name, reference.Dimensions)),
            $"'{reference.Widget}' names {reference.Name} [{string.Join(", ", reference.Dimensions.Select(d => $"{d.Key}={d.Value}"))}], which no handler emitted"));
    }

    [Fact]
    public void Every_gateway_metric_an_alarm_reads_is_emitted_with_exactly_its_dimensions()
    {
        var metrics = AlarmDefinitions.Create(Resources).SelectMany(a => a.Metrics).Where(m => m.Namespace == GatewayMetrics.Namespace).ToList();

        Assert.Equal(4, metrics.Count);
        Assert.All(metrics, metric => Assert.True(
            runs.Emitted.Any(m => Matches(m, metric.MetricName, metric.Dimensions.ToDictionary(d => d.Key, d => d.Value))),
            $"the alarm metric {metric.MetricName} [{string.Join(", ", metric.Dimensions)}] is emitted by no handler"));
    }

    [Fact]
    public void Every_metric_of_the_catalog_but_the_sink_s_is_emitted_by_its_handler_with_its_unit()
    {
        var functions = new Dictionary<string, string>
        {
            [GatewayMetrics.Aggregate] = AggregateFunction,
            [GatewayMetrics.Enrich] = EnrichFunction,
            [GatewayMetrics.Forward] = ForwardFunction,
        };

        // No sink handler is built into the bootstrap yet (HandlerNames.Sink): its metrics are checked against the catalog only.
        Assert.All(GatewayMetrics.All.Where(m => m.Handler != GatewayMetrics.Sink), metric => Assert.Contains(runs.Emitted, m =>
            m.Namespace == GatewayMetrics.Namespace && m.Name == metric.Name && m.Function == functions[metric.Handler]
            && m.DimensionSet == string.Join(",", metric.Dimensions.Order(StringComparer.Ordinal))
            && m.Unit == EmfMetrics.UnitName(metric.Unit)));
    }

    [Fact]
    public void Every_emitted_metric_is_in_the_catalog_and_every_breakdown_value_is_bounded()
    {
        var handlerOf = new Dictionary<string, string>
        {
            [AggregateFunction] = GatewayMetrics.Aggregate,
            [EnrichFunction] = GatewayMetrics.Enrich,
            [ForwardFunction] = GatewayMetrics.Forward,
        };

        Assert.All(runs.Emitted, emitted =>
        {
            var metric = Assert.Single(GatewayMetrics.All, m => m.Handler == handlerOf[emitted.Function] && m.Name == emitted.Name
                && string.Join(",", m.Dimensions.Order(StringComparer.Ordinal)) == emitted.DimensionSet);
            if (metric.Breakdown is { } breakdown)
            {
                var value = emitted.Dimensions[breakdown];
                var allowed = metric.Values ?? (breakdown == GatewayMetrics.Pixel ? ["px1", ForwardRig.MetaPixel, ForwardRig.HookPixel] : ["meta", "hook"]);
                Assert.True(value == GatewayMetrics.Other || allowed.Contains(value), $"{metric} emitted with {breakdown}={value}");
            }
        });
    }

    [Fact]
    public void The_sink_widgets_name_only_the_sink_metrics_of_the_catalog()
    {
        var references = DashboardReferences.Of(DashboardBody.Create(Resources with { SinkFunction = "gw-sink" }))
            .Where(r => r.Namespace == GatewayMetrics.Namespace && r.Dimensions[GatewayMetrics.FunctionName] == "gw-sink")
            .ToList();

        Assert.Equal(
            GatewayMetrics.Of(GatewayMetrics.Sink).Select(m => m.Name).Order(StringComparer.Ordinal),
            references.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(references, r => Assert.Equal(GatewayMetrics.FunctionName, r.DimensionSet));
    }

    private static bool Matches(EmittedMetric emitted, string name, IReadOnlyDictionary<string, string> dimensions) =>
        emitted.Namespace == GatewayMetrics.Namespace
        && emitted.Name == name
        && emitted.DimensionSet == string.Join(",", dimensions.Keys.Order(StringComparer.Ordinal))
        && dimensions.All(d => d.Value == "*" || emitted.Dimensions[d.Key] == d.Value);

    private static string Arn(string function) => $"arn:aws:lambda:{Region}:123456789012:function:{function}";

    /// <summary>
    /// The metrics of real invocations of the three handlers, as the functions of <see cref="Resources"/>: a batch through
    /// aggregate; a mixed batch (every channel, email opens of both kinds, conversions, bad rows) through enrich with a
    /// configured pixel; and forward batches that are accepted, left for retry, spilled, dead-lettered and dropped.
    /// </summary>
    public sealed class HandlerRuns : IAsyncLifetime
    {
        internal List<EmittedMetric> Emitted { get; } = [];

        public async Task InitializeAsync()
        {
            await AggregateAsync();
            await EnrichAsync();
            await ForwardAsync();
        }

        public Task DisposeAsync() => Task.CompletedTask;

        private async Task AggregateAsync()
        {
            using var client = new KinesisClient(new KinesisClientOptions { Region = Region, ServiceUrl = new Uri("http://127.0.0.1:1/") }, new HttpClient(new AcceptingKinesis()), new StaticCredentialsProvider(new AwsCredentials("k", "s")));
            using var handler = new AggregateHandler(client, "gw-aggregated", TimeProvider.System);
            await InvokeAsync(handler, Encoding.UTF8.GetBytes(Some.KinesisEventJson("a", "b", "c")), AggregateFunction);
        }

        private async Task EnrichAsync()
        {
            var time = new FakeTimeProvider(Some.Now);
            var environment = new FakeEnvironment(
                (EnrichHandler.SecretVariable, Enrichers.SecretBase64),
                (ForwardHandler.ConfigVariable, """{"pixels":[{"id":"px1","destinations":[]}]}"""));
            var handler = EnrichHandler.Create(new LambdaInitContext(HandlerNames.Enrich, environment, time, new LambdaLogger(TextWriter.Null, time)));
            const string chrome = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36";
            var lines = new[]
            {
                Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px1&e=purchase&eid=x1"), (RealtimeLogField.UserAgent, chrome), (RealtimeLogField.Asn, "3320")),
                Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px1&e=open&ch=email&eid=x2"), (RealtimeLogField.UserAgent, chrome), (RealtimeLogField.Asn, "3320")),
                Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px1&e=open&ch=email&eid=x3"), (RealtimeLogField.UserAgent, "Mozilla/5.0%20(via%20ggpht.com%20GoogleImageProxy)")),
                Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px9&e=order&ch=server&eid=x4")),
                Some.RealtimeLogLine((RealtimeLogField.UriQuery, "e=pageview&eid=x5")),
                Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px1&e=purchase&eid=x1"), (RealtimeLogField.UserAgent, chrome), (RealtimeLogField.Asn, "3320")),
            };
            await InvokeAsync(handler, Some.FirehoseEventJson(lines), EnrichFunction);
        }

        private async Task ForwardAsync()
        {
            var arn = Arn(ForwardFunction);
            await using var rig = await ForwardRig.StartAsync();
            var start = ForwardRig.Start;

            // Accepted, dropped by rule and as stale, and an unconfigured pixel.
            await using (var handler = rig.Handler())
            {
                var lines = new[] { ForwardRig.Line("ok-1", start), ForwardRig.Line("blk-1", start, host: "staging.example.com"), ForwardRig.Line("old-1", start.AddDays(-8)), ForwardRig.Line("unk-1", start, pixel: "999") };
                Collect((await rig.InvokeAsync(handler, [ForwardRig.Aggregate(lines)], functionArn: arn)).Log);
            }

            // A destination down: first left for the stream's retry, then (the record too old) spilled.
            rig.Hook.Down = true;
            await using (var handler = rig.Handler(new SenderOptions { MaxAttempts = 2, BreakerThreshold = 100 }))
            {
                Collect((await rig.InvokeAsync(handler, [rig.Purchases("h", 2, pixel: ForwardRig.HookPixel)], functionArn: arn)).Log);
                Collect((await rig.InvokeAsync(handler, [rig.Purchases("s", 2, pixel: ForwardRig.HookPixel)], arrival: start.AddHours(-2), functionArn: arn)).Log);
            }

            // A rejection: dead letters.
            rig.Meta.Enqueue(FakeCapiReply.Status(400, "Invalid parameter", graphCode: 190));
            await using (var handler = rig.Handler())
            {
                Collect((await rig.InvokeAsync(handler, [rig.Purchases("d", 2)], functionArn: arn)).Log);
            }
        }

        private async Task InvokeAsync(ILambdaHandler handler, byte[] payload, string function)
        {
            var log = new StringWriter();
            var context = new LambdaContext("req-x", DateTimeOffset.UtcNow.AddMinutes(5), TimeProvider.System, new LambdaLogger(log, TimeProvider.System).ForRequest("req-x"), Arn(function));
            await handler.HandleAsync(payload, context, CancellationToken.None);
            Collect(log.ToString());
        }

        private void Collect(string log) => Emitted.AddRange(EmfLines.Metrics(EmfLines.Of(log)));
    }

    /// <summary>A one-shard Kinesis endpoint that accepts every PutRecords entry.</summary>
    private sealed class AcceptingKinesis : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.GetValues("X-Amz-Target").Single();
            string json;
            if (target.EndsWith(".ListShards", StringComparison.Ordinal))
            {
                json = """{"Shards":[{"ShardId":"shardId-000000000000","HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"},"SequenceNumberRange":{"StartingSequenceNumber":"1"}}]}""";
            }
            else
            {
                var count = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("Records").GetArrayLength();
                json = $$"""{"FailedRecordCount":0,"Records":[{{string.Join(',', Enumerable.Range(0, count).Select(i => $$"""{"SequenceNumber":"{{1000 + i}}","ShardId":"shardId-000000000000"}"""))}}]}""";
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/x-amz-json-1.1") };
        }
    }
}
