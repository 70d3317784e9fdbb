using System.Text;
using System.Text.Json;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing;
using Gateway.Processing.Metrics;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>
/// The enrich handler's EMF lines, checked against what its own response says: the counts are re-derived from the rows
/// and results Firehose receives, not from the handler's counters.
/// </summary>
public sealed class EnrichEmfTests
{
    private const string Chrome = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36";
    private const string GmailProxy = "Mozilla/5.0%20(Windows%20NT%205.1;%20rv:11.0)%20Gecko%20Firefox/11.0%20(via%20ggpht.com%20GoogleImageProxy)";

    [Fact]
    public async Task The_sample_batch_is_counted_as_its_response_answers_it()
    {
        var (response, log) = await InvokeAsync(Enrichers.Handler(), Some.DataFile("firehose-enrich-event.json"));

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        var results = Results(response);
        Assert.Equal(7, metrics.Value("Records"));
        Assert.Equal(results.Count(r => r == "Ok"), metrics.Value("Events"));
        Assert.Equal(results.Count(r => r == "Dropped"), metrics.Value("Duplicates"));
        Assert.Equal(results.Count(r => r == "ProcessingFailed"), metrics.Value("BadRows"));
        Assert.Equal((3d, 1d, 3d), (metrics.Value("Events")!.Value, metrics.Value("Duplicates")!.Value, metrics.Value("BadRows")!.Value));
        foreach (var reason in BadRows(response).GroupBy(r => r.GetProperty("reason").GetString()!))
        {
            Assert.Equal(reason.Count(), metrics.Value("BadRows", (GatewayMetrics.Reason, reason.Key)));
        }

        Assert.Equal(["bad_percent_encoding", "field_count", "missing_pixel_id"], metrics.ValuesOf("BadRows", GatewayMetrics.Reason));
        AssertRowCounts(response, metrics);
        // Without the forward settings no pixel is configured: no pixel breakdown at all.
        Assert.Empty(metrics.ValuesOf("Events", GatewayMetrics.Pixel));
    }

    [Fact]
    public async Task Bots_email_opens_conversions_and_channels_match_the_stored_rows()
    {
        var lines = new[]
        {
            Hit("pid=px1&e=purchase&eid=c1&v=10&cur=EUR", Chrome, "3320"),
            Hit("pid=px1&e=signup&eid=c2", Chrome, "3320"),
            // A conversion from a cloud network: a bot, not a conversion.
            Hit("pid=px1&e=purchase&eid=c3", Chrome, "16509"),
            Hit("pid=px1&e=open&ch=email&eid=o1", Chrome, "3320"),
            Hit("pid=px1&e=open&ch=email&eid=o2", GmailProxy, "15169"),
            // An email open from a cloud network: a bot, neither a person nor a mail proxy.
            Hit("pid=px1&e=open&ch=email&eid=o3", Chrome, "16509"),
            Hit("pid=px2&e=order&ch=server&eid=s1", Chrome, "3320"),
        };

        var (response, log) = await InvokeAsync(Enrichers.Handler(), Some.FirehoseEventJson(lines));

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.All(Results(response), r => Assert.Equal("Ok", r));
        AssertRowCounts(response, metrics);
        // The batch was built to give every counter something to count.
        foreach (var name in (string[])["Bots", "HumanOpens", "MachineOpens", "Conversions"])
        {
            Assert.True(metrics.Value(name) > 0, name);
        }

        Assert.Equal(["email", "server", "web"], metrics.ValuesOf("Events", GatewayMetrics.Channel));
        var botOpen = JsonDocument.Parse(response.GetProperty("records")[5].GetProperty("data").GetBytesFromBase64()).RootElement;
        Assert.Equal((true, false), (botOpen.GetProperty("is_bot").GetBoolean(), botOpen.GetProperty("is_machine_open").GetBoolean()));
    }

    [Fact]
    public async Task Configured_pixels_get_their_own_series_and_every_other_pixel_counts_under_other()
    {
        var time = new FakeTimeProvider(Some.Now);
        var environment = new FakeEnvironment(
            (EnrichHandler.SecretVariable, Enrichers.SecretBase64),
            (ForwardHandler.ConfigVariable, """{"pixels":[{"id":"px1","destinations":[]}]}"""));
        var handler = EnrichHandler.Create(new LambdaInitContext(HandlerNames.Enrich, environment, time, new LambdaLogger(TextWriter.Null, time)));
        var lines = new[]
        {
            Hit("pid=px1&e=purchase&eid=p1", Chrome, "3320"),
            Hit("pid=px1&e=pageview&eid=p2", Chrome, "3320"),
            Hit("pid=attacker-1&e=purchase&eid=p3", Chrome, "3320"),
            Hit("pid=attacker-2&e=pageview&eid=p4", Chrome, "3320"),
        };

        var (_, log) = await InvokeAsync(handler, Some.FirehoseEventJson(lines));

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal([GatewayMetrics.Other, "px1"], metrics.ValuesOf("Events", GatewayMetrics.Pixel));
        Assert.Equal(2, metrics.Value("Events", (GatewayMetrics.Pixel, "px1")));
        Assert.Equal(2, metrics.Value("Events", (GatewayMetrics.Pixel, GatewayMetrics.Other)));
        Assert.Equal(1, metrics.Value("Conversions", (GatewayMetrics.Pixel, "px1")));
        Assert.Equal(1, metrics.Value("Conversions", (GatewayMetrics.Pixel, GatewayMetrics.Other)));
    }

    [Fact]
    public async Task Records_failed_for_the_response_budget_count_as_bad_rows_of_their_own_reason()
    {
        var lines = Enumerable.Range(0, 3).Select(i => Hit($"pid=px1&e=pageview&eid=b{i}&url=https%253A%252F%252Fshop.example%252F{new string('x', 900)}", Chrome, "3320")).ToArray();

        var (_, log) = await InvokeAsync(Enrichers.Handler(budget: 3_000), Some.FirehoseEventJson(lines));

        var metrics = EmfLines.Metrics(EmfLines.Of(log));
        Assert.Equal(3, metrics.Value("BadRows", (GatewayMetrics.Reason, EnrichHandler.BudgetReason)));
        Assert.Contains(EnrichHandler.BudgetReason, GatewayMetrics.BadRowReasons);
    }

    [Fact]
    public async Task Every_bad_row_reason_the_enricher_gives_has_its_own_series()
    {
        var lines = new[]
        {
            Some.RealtimeLogLine((RealtimeLogField.Timestamp, "-")),
            Some.RealtimeLogLine((RealtimeLogField.Timestamp, "soon")),
            Some.RealtimeLogLine((RealtimeLogField.UriQuery, "e=pageview")),
            Some.RealtimeLogLine((RealtimeLogField.UriQuery, "pid=px1&e=%zz")),
            Some.RealtimeLogLine((RealtimeLogField.BytesSent, "lots")),
            "too\tfew\tfields",
        };

        var (response, log) = await InvokeAsync(Enrichers.Handler(), Some.FirehoseEventJson(lines));

        var reasons = BadRows(response).Select(r => r.GetProperty("reason").GetString()!).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(reasons.Count >= 5, string.Join(", ", reasons));
        Assert.Equal(reasons, EmfLines.Metrics(EmfLines.Of(log)).ValuesOf("BadRows", GatewayMetrics.Reason));
    }

    [Fact]
    public async Task The_emf_lines_carry_no_event_data()
    {
        var line = Some.RealtimeLogLine(
            (RealtimeLogField.ClientIp, "192.0.2.199"),
            (RealtimeLogField.UriQuery, "pid=px1&e=signup&eid=evt-55ab&uid=user-4711&em=jane.doe%2540mail.example&url=https%253A%252F%252Fshop.example%252Fthanks"));

        var (response, log) = await InvokeAsync(Enrichers.Handler(), Some.FirehoseEventJson(line));

        var row = JsonDocument.Parse(response.GetProperty("records")[0].GetProperty("data").GetBytesFromBase64()).RootElement;
        var emf = string.Join('\n', EmfLines.Of(log));
        Assert.Equal(1, EmfLines.Metrics(EmfLines.Of(log)).Value("Events"));
        foreach (var content in (string[])["evt-55ab", "user-4711", "jane", "mail.example", "192.0.2", "shop.example", "thanks", "iPhone", row.GetProperty("visitor_id").GetString()!])
        {
            Assert.DoesNotContain(content, emf, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Through_the_runtime_the_line_is_a_bare_json_document_named_after_the_invoked_function()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var bootstrap = RunningBootstrap.Start(api, Enrichers.Handler());
        var payload = Encoding.UTF8.GetString(Some.FirehoseEventJson(Some.RealtimeLogLine()));

        api.Enqueue(new FakeInvocation("req-emf", payload, null, "arn:aws:lambda:us-east-1:123456789012:function:gateway-enrich-prod:live"));
        await api.PostFor("req-emf");

        var emf = Assert.Single(EmfLines.Of(bootstrap.Log), l => l.Contains("\"Records\"", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(emf);
        Assert.Equal("gateway-enrich-prod", document.RootElement.GetProperty(GatewayMetrics.FunctionName).GetString());
        Assert.Equal("req-emf", document.RootElement.GetProperty("RequestId").GetString());
        Assert.Equal(GatewayMetrics.Namespace, document.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Namespace").GetString());
    }

    /// <summary>Checks every row-derived counter against the Ok rows of the response, by the local dashboard's rules.</summary>
    private static void AssertRowCounts(JsonElement response, List<EmittedMetric> metrics)
    {
        var rows = response.GetProperty("records").EnumerateArray()
            .Where(r => r.GetProperty("result").GetString() == "Ok")
            .Select(r => JsonDocument.Parse(r.GetProperty("data").GetBytesFromBase64()).RootElement)
            .ToList();
        bool Bot(JsonElement row) => row.GetProperty("is_bot").GetBoolean();
        bool Email(JsonElement row) => row.GetProperty("channel").GetString() == "email";
        bool Machine(JsonElement row) => row.GetProperty("is_machine_open").GetBoolean();
        Assert.Equal(rows.Count(Bot), metrics.Value("Bots"));
        Assert.Equal(rows.Count(r => Email(r) && Machine(r)), metrics.Value("MachineOpens"));
        Assert.Equal(rows.Count(r => Email(r) && !Machine(r) && !Bot(r)), metrics.Value("HumanOpens"));
        Assert.Equal(rows.Count(r => !Bot(r) && GatewayMetrics.ConversionEvents.Contains(r.GetProperty("event_name").GetString()!)), metrics.Value("Conversions"));
        foreach (var channel in rows.GroupBy(r => r.GetProperty("channel").GetString()!))
        {
            Assert.Equal(channel.Count(), metrics.Value("Events", (GatewayMetrics.Channel, channel.Key)));
        }
    }

    private static string Hit(string query, string userAgent, string asn) =>
        Some.RealtimeLogLine((RealtimeLogField.UriQuery, query), (RealtimeLogField.UserAgent, userAgent), (RealtimeLogField.Asn, asn));

    private static List<string> Results(JsonElement response) =>
        [.. response.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("result").GetString()!)];

    private static List<JsonElement> BadRows(JsonElement response) =>
        [.. response.GetProperty("records").EnumerateArray()
            .Where(r => r.GetProperty("result").GetString() == "ProcessingFailed")
            .Select(r => JsonDocument.Parse(r.GetProperty("data").GetBytesFromBase64()).RootElement)];

    private static async Task<(JsonElement Response, string Log)> InvokeAsync(ILambdaHandler handler, byte[] eventJson)
    {
        var log = new StringWriter();
        var context = new LambdaContext("req-1", DateTimeOffset.UtcNow.AddMinutes(5), TimeProvider.System, new LambdaLogger(log, TimeProvider.System).ForRequest("req-1"));
        var output = await handler.HandleAsync(eventJson, context, CancellationToken.None);
        return (JsonDocument.Parse(output).RootElement.Clone(), log.ToString());
    }
}
