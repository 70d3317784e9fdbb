using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests.Support;

/// <summary>
/// A forward handler over real HTTP, for its metrics: the Conversions API fake (pixel 1234567890 → destination meta) and a
/// webhook receiver (pixel 777 → hook), file stores for dead letters and the spill, a fake clock, and the log captured
/// per invocation.
/// </summary>
internal sealed class ForwardRig : IAsyncDisposable
{
    public const string MetaPixel = "1234567890";
    public const string HookPixel = "777";
    private const string Token = "EAAB-lambda-token";
    private const string HookSecret = "0123456789abcdef0123456789abcdef";

    private readonly string _root = Directory.CreateTempSubdirectory("gateway-forward-emf-").FullName;
    private readonly HttpClient _http = new();

    private ForwardRig(FakeCapiServer meta, FakeWebhookServer hook, FakeTimeProvider time)
    {
        Meta = meta;
        Hook = hook;
        Time = time;
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public FakeCapiServer Meta { get; }

    public FakeWebhookServer Hook { get; }

    public FakeTimeProvider Time { get; }

    public static async Task<ForwardRig> StartAsync()
    {
        var time = new FakeTimeProvider(Start);
        return new ForwardRig(await FakeCapiServer.StartAsync(Token, time), await FakeWebhookServer.StartAsync(), time);
    }

    /// <summary>A handler over the fakes; storing bad rows fails while <paramref name="failBadRows"/> says so.</summary>
    public ForwardHandler Handler(SenderOptions? sender = null, Func<bool>? failBadRows = null)
    {
        var enricher = new EventEnricher(Enrichers.Resources, new VisitorIds(Enrichers.Secret), new EnricherOptions());
        var environment = new FakeEnvironment();
        environment.Set("META_TOKEN", Token);
        var control = new ForwardControl("test settings", _ => Task.FromResult(Settings()), null, environment, TimeSpan.FromSeconds(60), Time);
        return new ForwardHandler(
            enricher,
            new EventIdDeduplicator(Time),
            control,
            _http,
            new FileDeliveryStore(Path.Combine(_root, "dlq"), Time),
            new FileDeliveryStore(Path.Combine(_root, "spill"), Time),
            (_, _) => failBadRows?.Invoke() == true ? throw new IOException("bucket unavailable") : Task.CompletedTask,
            new ForwardHandlerOptions { Sender = sender ?? new SenderOptions() },
            Time);
    }

    /// <summary>Runs one batch of aggregated records as <paramref name="functionArn"/> and returns the response and what it logged.</summary>
    public async Task<(StreamsEventResponse Response, string Log)> InvokeAsync(ForwardHandler handler, byte[][] records, DateTimeOffset? arrival = null, string functionArn = "")
    {
        var json = KinesisEventJson(records, arrival ?? Time.GetUtcNow());
        var log = new StringWriter();
        var context = new LambdaContext("req-fwd", Time.GetUtcNow().AddMinutes(5), Time, new LambdaLogger(log, Time).ForRequest("req-fwd"), functionArn);
        var output = await Time.RunAsync(handler.HandleAsync(Encoding.UTF8.GetBytes(json), context, CancellationToken.None).AsTask(), TimeSpan.FromSeconds(1));
        return (JsonSerializer.Deserialize(output.Span, LambdaJsonContext.Default.StreamsEventResponse)!, log.ToString());
    }

    /// <summary>One aggregated record of <paramref name="count"/> purchases with ids prefix-0, prefix-1, … for <paramref name="pixel"/>.</summary>
    public byte[] Purchases(string prefix, int count, string pixel = MetaPixel) =>
        Aggregate([.. Enumerable.Range(0, count).Select(i => Line($"{prefix}-{i}", Time.GetUtcNow().AddSeconds(-5), pixel: pixel))]);

    /// <summary>A purchase hit as CloudFront logs it, from a residential network and a desktop browser (so not a bot).</summary>
    public static string Line(string eventId, DateTimeOffset at, string pixel = MetaPixel, string host = "shop.example.com", string extraQuery = "", string? clientIp = null)
    {
        var query = $"pid={pixel}&e=purchase&eid={eventId}&v=19.99&cur=EUR&url=https%253A%252F%252F{host}%252Fcheckout{extraQuery}";
        var changes = new List<(RealtimeLogField, string)>
        {
            (RealtimeLogField.Timestamp, (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)),
            (RealtimeLogField.UriQuery, query),
            (RealtimeLogField.Asn, "3320"),
            (RealtimeLogField.UserAgent, "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36"),
        };
        if (clientIp is not null)
        {
            changes.Add((RealtimeLogField.ClientIp, clientIp));
        }

        return Some.RealtimeLogLine([.. changes]);
    }

    /// <summary>One KPL-aggregated Kinesis record holding <paramref name="lines"/>.</summary>
    public static byte[] Aggregate(string[] lines)
    {
        var users = lines.Select((line, i) => new UserRecord($"pk-{i}", Encoding.UTF8.GetBytes(line + "\n"))).ToList();
        var puts = BatchAggregation.Aggregate(users, new KplAggregatorOptions { TargetSize = KplAggregatorOptions.DefaultMaxRecordSize });
        return Assert.Single(puts).Data.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await Meta.DisposeAsync();
        await Hook.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Settings() => $$"""
        {
          "pixels": [
            { "id": "{{MetaPixel}}", "enabled": true, "destinations": ["meta"] },
            { "id": "{{HookPixel}}", "destinations": ["hook"] }
          ],
          "domains": { "block": ["staging.example.com"] },
          "destinations": [
            { "name": "meta", "type": "meta", "accessToken": { "env": "META_TOKEN" }, "endpoint": "{{Meta.Endpoint}}", "timeoutSeconds": 2 },
            { "name": "hook", "type": "webhook", "url": "{{Hook.Endpoint}}", "secret": "{{HookSecret}}", "timeoutSeconds": 2 }
          ]
        }
        """;

    private static string KinesisEventJson(byte[][] records, DateTimeOffset arrival)
    {
        var items = records.Select((data, i) =>
        {
            var sequence = Some.SequenceNumber(i);
            var at = (arrival.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
            return $$"""{"kinesis":{"kinesisSchemaVersion":"1.0","partitionKey":"pk-{{i}}","sequenceNumber":"{{sequence}}","data":"{{Convert.ToBase64String(data)}}","approximateArrivalTimestamp":{{at}}},"eventSource":"aws:kinesis","eventVersion":"1.0","eventID":"shardId-000000000000:{{sequence}}","eventName":"aws:kinesis:record","awsRegion":"us-east-1","eventSourceARN":"arn:aws:kinesis:us-east-1:123456789012:stream/aggregated"}""";
        });
        return $$"""{"Records":[{{string.Join(',', items)}}]}""";
    }
}
