using System.Text;
using Gateway.Streams.Internal;
using Gateway.Streams.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Streams.Tests;

public sealed class ReadOnlyStreamTests
{
    private const string Shard = "shardId-000000000000";

    [Fact]
    public async Task Read_only_stream_sees_what_another_instance_appends_including_new_segments()
    {
        using var dir = new TempDirectory();
        await using var writer = await EmbeddedStream.OpenAsync(Some.Options(dir.Path, shards: 2) with { SegmentSize = 1024 });
        for (var id = 1; id <= 3; id++)
        {
            await writer.AppendAsync("a", Some.Payload(id));
        }

        await using var reader = await EmbeddedStream.OpenReadOnlyAsync(dir.Path);
        var first = await reader.ReadAsync(Shard, StreamPosition.TrimHorizon, 100);
        for (var id = 4; id <= 30; id++)
        {
            await writer.AppendAsync("a", Some.Payload(id));
        }

        var filesBeforeReads = StreamFiles.Fingerprint(dir.Path);
        var rest = await StreamFiles.ReadAllAsync(reader, Shard);
        var more = await reader.ReadAsync(Shard, first.Next, 1000);
        await reader.WaitForRecordsAsync(Shard, StreamPosition.TrimHorizon);

        Assert.Equal(filesBeforeReads, StreamFiles.Fingerprint(dir.Path));

        Assert.Equal(2, reader.Description.Shards.Count);
        Assert.Equal([1L, 2, 3], first.Records.Select(r => Some.PayloadId(r.Data.Span)));
        Assert.True(StreamFiles.Segments(dir.Path).Length > 1, "the appends should have rolled to new segments");
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), rest.Select(r => Some.PayloadId(r.Data.Span)));
        Assert.Equal(27, more.Records.Count);
    }

    [Fact]
    public async Task Read_only_open_never_modifies_files_even_with_a_torn_tail()
    {
        using var dir = new TempDirectory();
        await using (var writer = await EmbeddedStream.OpenAsync(Some.Options(dir.Path)))
        {
            for (var id = 1; id <= 5; id++)
            {
                await writer.AppendAsync("k", Some.Payload(id));
            }
        }

        // A crashed writer's torn record, which only the next writable open may cut.
        await File.AppendAllTextAsync(StreamFiles.Segments(dir.Path)[0], "\xB1garbage");
        var before = StreamFiles.Fingerprint(dir.Path);

        await using (var reader = await EmbeddedStream.OpenReadOnlyAsync(dir.Path))
        {
            Assert.Equal(5, (await StreamFiles.ReadAllAsync(reader, Shard)).Count);
            await Assert.ThrowsAsync<InvalidOperationException>(() => reader.AppendAsync("k", Some.Payload(6)).AsTask());
            await Assert.ThrowsAsync<InvalidOperationException>(() => reader.ApplyRetentionAsync().AsTask());
        }

        Assert.Equal(before, StreamFiles.Fingerprint(dir.Path));
    }

    [Fact]
    public async Task Read_only_reader_stops_cleanly_at_a_record_still_being_written()
    {
        using var dir = new TempDirectory();
        await using (var writer = await EmbeddedStream.OpenAsync(Some.Options(dir.Path)))
        {
            await writer.AppendAsync("k", Some.Payload(1));
        }

        var segment = StreamFiles.Segments(dir.Path)[0];
        var record = Encode(sequenceNumber: 2, Some.Payload(2));
        await using var reader = await EmbeddedStream.OpenReadOnlyAsync(dir.Path);

        // The writer's write(2) has put the first half of record 2 in the file so far.
        await AppendBytesAsync(segment, record.AsMemory(0, record.Length / 2));
        var whileTorn = await reader.ReadAsync(Shard, StreamPosition.TrimHorizon, 100);
        await AppendBytesAsync(segment, record.AsMemory(record.Length / 2));
        var afterward = await reader.ReadAsync(Shard, whileTorn.Next, 100);

        Assert.Equal(["1"], whileTorn.Records.Select(r => r.SequenceNumber));
        Assert.Equal(0, whileTorn.MillisBehindLatest);
        Assert.Equal([2L], afterward.Records.Select(r => Some.PayloadId(r.Data.Span)));
    }

    [Fact]
    public async Task Read_only_wait_notices_records_appended_by_the_writer_on_its_next_poll()
    {
        using var dir = new TempDirectory();
        var clock = new FakeTimeProvider();
        await using var writer = await EmbeddedStream.OpenAsync(Some.Options(dir.Path));
        await using var reader = await EmbeddedStream.OpenReadOnlyAsync(dir.Path, clock);

        var wait = reader.WaitForRecordsAsync(Shard, StreamPosition.TrimHorizon).AsTask();
        var waitedWhileEmpty = !wait.IsCompleted;
        await writer.AppendAsync("k", Some.Payload(1));
        clock.Advance(TimeSpan.FromMilliseconds(250));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(waitedWhileEmpty);
    }

    [Fact]
    public async Task Read_only_open_of_a_directory_without_a_stream_names_the_missing_file()
    {
        using var dir = new TempDirectory();

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => EmbeddedStream.OpenReadOnlyAsync(dir.Path));

        Assert.Contains("stream.json", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    private static byte[] Encode(long sequenceNumber, byte[] data)
    {
        var buffer = new byte[RecordCodec.EncodedLength(Encoding.UTF8.GetByteCount("k"), data.Length)];
        RecordCodec.Encode(buffer, sequenceNumber, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "k", data);
        return buffer;
    }

    private static async Task AppendBytesAsync(string path, ReadOnlyMemory<byte> bytes)
    {
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await file.WriteAsync(bytes);
    }
}
