using System.Text;
using System.Text.Json.Nodes;
using Gateway.Processing.Forwarding;
using Gateway.Streams;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

/// <summary>The dead-letter and spill store: what a stored line holds, the full address never on disk, and nothing lost on the way back.</summary>
public sealed class FileDeliveryStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-store-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_stored_batch_reads_back_field_for_field_in_one_file_per_batch()
    {
        var store = new FileDeliveryStore(_root, _time);
        var delivery = Delivery("e-1", """{"event_name":"Purchase","custom_data":{"value":1.5}}""") with { Attempts = 3, LastError = "HTTP 400: bad [code 100]" };

        var stored = await store.AddAsync([delivery]);

        var file = Assert.Single(Directory.GetFiles(Path.Combine(_root, "meta")));
        Assert.Equal(stored!.Path, file);
        Assert.EndsWith(".jsonl", file, StringComparison.Ordinal);
        var line = JsonNode.Parse(File.ReadAllText(file))!;
        Assert.Equal("e-1", (string?)line["event_id"]);
        Assert.Equal("2026-11-23T09:59:00.000Z", (string?)line["event_time"]);
        Assert.Equal("2026-11-23T10:00:00.000Z", (string?)line["stored_at"]);
        Assert.Equal(1.5, (double)line["payload"]!["custom_data"]!["value"]!);
        var back = Assert.Single(await store.ReadAsync((await store.ListAsync()).Single()));
        Assert.Equal(delivery with { Payload = back.Payload }, back);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(delivery.Payload.Span), JsonNode.Parse(back.Payload.Span)));
    }

    [Theory]
    [InlineData("198.51.100.23", "198.51.100.0")]
    [InlineData("2001:db8:1234:5678::9", "2001:db8:1234::")]
    public async Task A_full_client_address_is_cut_to_its_prefix_before_it_is_written(string address, string prefix)
    {
        var store = new FileDeliveryStore(_root, _time);

        await store.AddAsync([Delivery("e-1", new JsonObject { ["user_data"] = new JsonObject { ["client_ip_address"] = address, ["client_user_agent"] = "UA" } }.ToJsonString())]);

        var text = File.ReadAllText((await store.ListAsync()).Single().Path);
        Assert.DoesNotContain(address, text, StringComparison.Ordinal);
        Assert.Equal(prefix, (string?)JsonNode.Parse(text)!["payload"]!["user_data"]!["client_ip_address"]);
    }

    [Fact]
    public async Task Batches_list_oldest_first_and_writing_leaves_no_temporary_file()
    {
        var store = new FileDeliveryStore(_root, _time);
        await store.AddAsync([Delivery("a")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        await store.AddAsync([Delivery("b")]);
        await store.AddAsync([Delivery("c", destination: "hook")]);

        Assert.Equal(["meta", "meta", "hook"], (await store.ListAsync()).Select(b => b.Destination));
        Assert.Equal(2, (await store.ListAsync("meta")).Count);
        Assert.Empty(Directory.GetFiles(_root, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Completing_a_batch_keeps_what_remains_and_any_unreadable_line()
    {
        var store = new FileDeliveryStore(_root, _time);
        var batch = (await store.AddAsync([Delivery("a"), Delivery("b"), Delivery("c")]))!;
        File.AppendAllText(batch.Path, "{not json\n");
        var problems = new List<string>();

        var read = await store.ReadAsync(batch, problems);
        await store.CompleteAsync(batch, [read[1]]);

        Assert.Equal(3, read.Count);
        Assert.Contains("line 4", Assert.Single(problems), StringComparison.Ordinal);
        var lines = File.ReadAllLines(batch.Path);
        Assert.Equal(2, lines.Length);
        Assert.Contains("\"b\"", lines[0], StringComparison.Ordinal);
        Assert.Equal("{not json", lines[1]);
    }

    [Fact]
    public async Task Completing_a_batch_with_nothing_left_deletes_it()
    {
        var store = new FileDeliveryStore(_root, _time);
        var batch = (await store.AddAsync([Delivery("a")]))!;

        await store.CompleteAsync(batch, []);

        Assert.Empty(await store.ListAsync());
    }

    [Fact]
    public async Task A_destination_name_cannot_leave_the_store_s_folder()
    {
        var store = new FileDeliveryStore(_root, _time);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AddAsync([Delivery("a", destination: "../x")]));
    }

    private Delivery Delivery(string id, string payload = """{"event_name":"PageView"}""", string destination = "meta") =>
        new(destination, "111", "px", "purchase", id, _time.GetUtcNow().AddMinutes(-1), Encoding.UTF8.GetBytes(payload));
}
