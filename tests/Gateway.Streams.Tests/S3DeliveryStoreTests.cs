using System.Text;
using System.Text.Json.Nodes;
using Gateway.Aws.S3;
using Gateway.Processing.Forwarding;
using Gateway.Tests.S3;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

/// <summary>The S3 dead-letter and spill store against s3rver: the same batch lines as the file store, no full address in the bucket, nothing lost on the way back.</summary>
public sealed class S3DeliveryStoreTests(S3rver server) : IClassFixture<S3rver>, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private readonly S3ObjectStore _s3 = server.CreateStore();
    private readonly string _prefix = $"forward/{Guid.NewGuid():N}/dlq/";

    public void Dispose() => _s3.Dispose();

    [Fact]
    public async Task A_stored_batch_is_one_object_under_the_prefix_and_reads_back_field_for_field()
    {
        var store = Store();
        var delivery = Delivery("e-1", """{"event_name":"Purchase","custom_data":{"value":1.5}}""") with { Attempts = 2, LastError = "HTTP 400: bad [code 100]" };

        var stored = await store.AddAsync([delivery]);

        var entry = Assert.Single(await _s3.ListAsync(S3rver.Bucket, _prefix));
        Assert.Equal($"{_prefix}meta/{stored!.Id}", entry.Key);
        Assert.Equal(stored.Path, entry.Key);
        Assert.EndsWith(".jsonl", entry.Key, StringComparison.Ordinal);
        Assert.Equal(_time.GetUtcNow(), stored.Created);
        var listed = Assert.Single(await store.ListAsync());
        Assert.Equal((stored.Id, "meta", _time.GetUtcNow(), stored.Bytes), (listed.Id, listed.Destination, listed.Created, listed.Bytes));
        var back = Assert.Single(await store.ReadAsync(listed));
        Assert.Equal(delivery with { Payload = back.Payload }, back);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(delivery.Payload.Span), JsonNode.Parse(back.Payload.Span)));
        Assert.Equal($"s3://{S3rver.Bucket}/{_prefix}", store.Location);
    }

    [Fact]
    public async Task The_object_holds_the_same_lines_the_file_store_writes_so_one_reader_serves_both()
    {
        var root = Directory.CreateTempSubdirectory("gateway-store-").FullName;
        try
        {
            var deliveries = new[] { Delivery("a"), Delivery("b") with { LastError = "HTTP 503: down" } };
            var file = await new FileDeliveryStore(root, _time).AddAsync(deliveries);
            var s3 = await Store().AddAsync(deliveries);

            Assert.Equal(await File.ReadAllBytesAsync(file!.Path), await _s3.GetAsync(S3rver.Bucket, s3!.Path));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task A_full_client_address_never_reaches_the_bucket()
    {
        var store = Store();

        var stored = await store.AddAsync([Delivery("e-1", """{"user_data":{"client_ip_address":"198.51.100.23","client_user_agent":"UA"}}""")]);

        var text = Encoding.UTF8.GetString(await _s3.GetAsync(S3rver.Bucket, stored!.Path));
        Assert.DoesNotContain("198.51.100.23", text, StringComparison.Ordinal);
        Assert.Equal("198.51.100.0", (string?)JsonNode.Parse(text)!["payload"]!["user_data"]!["client_ip_address"]);
    }

    [Fact]
    public async Task Batches_list_oldest_first_per_destination_and_foreign_objects_are_left_out()
    {
        var store = Store();
        await store.AddAsync([Delivery("a")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.AddAsync([Delivery("b", destination: "hook")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.AddAsync([Delivery("c")]);
        await _s3.PutAsync(S3rver.Bucket, $"{_prefix}meta/readme.txt", "not a batch"u8.ToArray());
        await _s3.PutAsync(S3rver.Bucket, $"{_prefix}meta/deeper/x.jsonl", "{}"u8.ToArray());
        await _s3.PutAsync(S3rver.Bucket, $"{_prefix}top.jsonl", "{}"u8.ToArray());

        Assert.Equal(["meta", "hook", "meta"], (await store.ListAsync()).Select(b => b.Destination));
        var meta = await store.ListAsync("meta");
        Assert.Equal(["a", "c"], (await Task.WhenAll(meta.Select(b => store.ReadAsync(b)))).Select(d => Assert.Single(d).EventId));
        Assert.Empty(await store.ListAsync("other"));
    }

    [Fact]
    public async Task Completing_a_batch_keeps_what_remains_and_any_unreadable_line()
    {
        var store = Store();
        var batch = (await store.AddAsync([Delivery("a"), Delivery("b"), Delivery("c")]))!;
        var object_ = await _s3.GetAsync(S3rver.Bucket, batch.Path);
        await _s3.PutAsync(S3rver.Bucket, batch.Path, object_.Concat("{not json\n"u8.ToArray()).ToArray());
        var problems = new List<string>();

        var read = await store.ReadAsync(batch, problems);
        await store.CompleteAsync(batch, [read[1]]);

        Assert.Equal(3, read.Count);
        Assert.Contains("line 4", Assert.Single(problems), StringComparison.Ordinal);
        var lines = Encoding.UTF8.GetString(await _s3.GetAsync(S3rver.Bucket, batch.Path)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("b", (string?)JsonNode.Parse(lines[0])!["event_id"]);
        Assert.Equal("{not json", lines[1]);
    }

    [Fact]
    public async Task Completing_a_batch_with_nothing_left_deletes_the_object_and_a_vanished_batch_reads_empty()
    {
        var store = Store();
        var batch = (await store.AddAsync([Delivery("a")]))!;

        await store.CompleteAsync(batch, []);

        Assert.Empty(await store.ListAsync());
        Assert.Empty(await _s3.ListAsync(S3rver.Bucket, _prefix));
        Assert.Empty(await store.ReadAsync(batch));
    }

    [Fact]
    public async Task A_destination_name_cannot_leave_the_prefix_and_the_prefix_must_be_a_folder()
    {
        var store = Store();

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync([Delivery("a", destination: "../x")]));
        Assert.Throws<ArgumentException>(() => new S3DeliveryStore(_s3, S3rver.Bucket, "forward/dlq", _time));
        Assert.Empty(await _s3.ListAsync(S3rver.Bucket, _prefix));
    }

    private S3DeliveryStore Store() => new(_s3, S3rver.Bucket, _prefix, _time);

    private Delivery Delivery(string id, string payload = """{"event_name":"PageView"}""", string destination = "meta") =>
        new(destination, "111", "px", "purchase", id, _time.GetUtcNow().AddMinutes(-1), Encoding.UTF8.GetBytes(payload));
}
