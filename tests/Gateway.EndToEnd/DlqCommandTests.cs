using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gateway.EndToEnd.Support;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.S3;
using Gateway.Tests.Shared;

namespace Gateway.EndToEnd;

/// <summary><c>gateway dlq list|replay</c> as a user runs them: over the local store, and over the forward Lambda's store in S3 (s3rver).</summary>
public sealed class DlqCommandTests(S3rver s3rver) : IClassFixture<S3rver>, IDisposable
{
    private const string Token = "EAAB-dlq-token";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-e2e-dlq-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Dead_letters_are_listed_with_the_destination_s_message_and_replayed_after_the_fix()
    {
        await using var meta = await FakeCapiServer.StartAsync(Token);
        File.WriteAllText(Path.Combine(_dir.FullName, "gateway.json"), $$"""{ "forward": {{Settings(meta)}} }""");
        var store = new FileDeliveryStore(Path.Combine(_dir.FullName, "data", "dlq"));
        await store.AddAsync([Delivery("d-1"), Delivery("d-2"), Delivery("d-old", DateTimeOffset.UtcNow.AddDays(-8))]);

        var list = await RunAsync(["dlq", "list"]);
        var json = await RunAsync(["dlq", "list", "--format", "json"]);
        var dryRun = await RunAsync(["dlq", "replay", "--dry-run"]);

        Assert.Equal(0, list.Code);
        Assert.Matches(@"meta\s+\S+\.jsonl\s+3 event\(s\).*HTTP 401: Invalid OAuth access token", list.Output);
        Assert.Equal(["d-1", "d-2", "d-old"], json.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event_id").GetString()));
        Assert.Contains("would resend 3 event(s)", dryRun.Output, StringComparison.Ordinal);
        Assert.Equal(0, meta.Requests);

        var replay = await RunAsync(["dlq", "replay"]);

        Assert.Equal(0, replay.Code);
        Assert.Contains("2 accepted, 0 still rejected, 0 not answered (kept), 1 too old to send (moved to ", replay.Output, StringComparison.Ordinal);
        Assert.Equal(["d-1", "d-2"], meta.UniqueEvents.Select(e => (string)e["event_id"]!));
        Assert.Empty(meta.Violations);
        Assert.Empty(await store.ListAsync());
        var after = (await RunAsync(["dlq", "list"])).Output;
        Assert.Contains("none", after, StringComparison.Ordinal);
        Assert.Contains("expired: meta: 1 batch(es) of events too old to send", after, StringComparison.Ordinal);
        var expired = new FileDeliveryStore(Path.Combine(_dir.FullName, "data", "forward", "expired"));
        Assert.Equal("d-old", Assert.Single(await expired.ReadAsync(Assert.Single(await expired.ListAsync()))).EventId);
        Assert.DoesNotContain(Token, replay.Output + replay.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_forward_lambda_s_store_in_s3_is_listed_and_replayed_and_what_is_still_rejected_stays()
    {
        await using var meta = await FakeCapiServer.StartAsync(Token);
        var settings = Path.Combine(_dir.FullName, "forward.json");
        File.WriteAllText(settings, Settings(meta));
        using var s3 = s3rver.CreateStore();
        var prefix = $"prod-{Guid.NewGuid():N}/";
        var store = new S3DeliveryStore(s3, S3rver.Bucket, prefix + "dlq/");
        await store.AddAsync([Delivery("s-1"), Delivery("s-2"), Delivery("s-3")]);
        var location = $"s3://{S3rver.Bucket}/{prefix}";
        meta.Enqueue(FakeCapiReply.Status(400, "Invalid parameter: the dataset is not set up", graphCode: 190));

        var list = await RunAsync(["dlq", "list", "--location", location, "--s3-endpoint", s3rver.Endpoint.ToString()]);
        var rejected = await RunAsync(["dlq", "replay", "--location", location, "--s3-endpoint", s3rver.Endpoint.ToString(), "--settings", settings]);

        Assert.Equal(0, list.Code);
        Assert.Contains($"dead letters in {location}dlq/:", list.Output, StringComparison.Ordinal);
        Assert.Contains("3 event(s)", list.Output, StringComparison.Ordinal);
        Assert.Equal(1, rejected.Code);
        Assert.Contains("0 accepted, 3 still rejected, 0 not answered", rejected.Output, StringComparison.Ordinal);
        var kept = await store.ReadAsync(Assert.Single(await store.ListAsync()));
        Assert.All(kept, d => Assert.Contains("the dataset is not set up", d.LastError, StringComparison.Ordinal));

        var replay = await RunAsync(["dlq", "replay", "--location", location, "--s3-endpoint", s3rver.Endpoint.ToString(), "--settings", settings]);

        Assert.Equal(0, replay.Code);
        Assert.Equal(["s-1", "s-2", "s-3"], meta.UniqueEvents.Select(e => (string)e["event_id"]!));
        Assert.Empty(await store.ListAsync());
        Assert.Empty(meta.Violations);
    }

    [Theory]
    [InlineData("https://bucket/prefix/", "is not s3://bucket/prefix/")]
    [InlineData("s3://bucket/no-slash", "the prefix ends in '/'")]
    public async Task A_location_that_is_not_an_s3_folder_is_refused_with_the_form_to_use(string location, string message)
    {
        var result = await RunAsync(["dlq", "list", "--location", location]);

        Assert.Equal(2, result.Code);
        Assert.Contains(message, result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_s3_store_that_cannot_be_reached_is_one_line_and_exit_1()
    {
        var result = await RunAsync(["dlq", "list", "--location", "s3://missing-bucket/forward/", "--s3-endpoint", s3rver.Endpoint.ToString()]);

        Assert.Equal(1, result.Code);
        Assert.Contains("gateway dlq: the store in S3 cannot be read or written", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Errors, StringComparison.Ordinal);
    }

    private static string Settings(FakeCapiServer meta) => $$"""
        {
          "pixels": [ { "id": "1234567890", "destinations": ["meta"] } ],
          "destinations": [ { "name": "meta", "type": "meta", "accessToken": { "env": "DLQ_META_TOKEN" }, "endpoint": "{{meta.Endpoint}}" } ]
        }
        """;

    private static Delivery Delivery(string eventId, DateTimeOffset? at = null)
    {
        var time = at ?? DateTimeOffset.UtcNow.AddMinutes(-5);
        var payload = $$$"""
            {"event_name":"Purchase","event_time":{{{time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}}},"event_id":"{{{eventId}}}","action_source":"website","event_source_url":"https://shop.example.com/done","user_data":{"client_ip_address":"198.51.100.0","client_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},"custom_data":{"value":10,"currency":"EUR"}}
            """;
        return new Delivery("meta", "1234567890", "1234567890", "purchase", eventId, time, Encoding.UTF8.GetBytes(payload))
        {
            Attempts = 1,
            LastError = "HTTP 401: Invalid OAuth access token - Cannot parse access token",
        };
    }

    private async Task<(int Code, string Output, string Errors)> RunAsync(string[] arguments)
    {
        var info = GatewayProcess.StartInfo(_dir.FullName, arguments);
        info.Environment["DLQ_META_TOKEN"] = Token;
        // s3rver's only key pair; the region is never looked up with an endpoint, but the SDK wants one for signing.
        info.Environment["AWS_ACCESS_KEY_ID"] = "S3RVER";
        info.Environment["AWS_SECRET_ACCESS_KEY"] = "S3RVER";
        info.Environment["AWS_REGION"] = "us-east-1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await errors);
    }
}
