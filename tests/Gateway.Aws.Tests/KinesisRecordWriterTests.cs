using System.Net;
using Gateway.Aws.Tests.Support;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests;

/// <summary>PutRecords batching and retries, driven by a scripted fake and a fake clock (no test sleeps).</summary>
public sealed class KinesisRecordWriterTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Only_the_failed_entries_are_retried_matched_by_position_in_the_response()
    {
        var time = new FakeTimeProvider(Some.SigningTime);
        var attempt = 0;
        var handler = new FakeKinesisHandler(call => ++attempt switch
        {
            // Entries 1 and 4 are throttled …
            1 => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int> { 1, 4 }),
            // … then, of those two, the second (entry 4) fails inside Kinesis …
            2 => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int> { 1 }, "InternalFailure"),
            // … and finally succeeds.
            _ => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()),
        });
        using var client = Some.Client(handler, time);
        var writer = new KinesisRecordWriter(client, new KinesisRecordWriterOptions { Jitter = () => 0.5 }, time);
        var records = Some.Entries(6);

        var response = await time.RunAsync(writer.PutRecordsAsync("s", records), Step);

        Assert.Equal(
            [records.Select(r => r.PartitionKey).ToList(), [records[1].PartitionKey, records[4].PartitionKey], [records[4].PartitionKey]],
            handler.Calls.Select(c => c.PartitionKeys.ToList()));
        Assert.Equal(0, response.FailedRecordCount);
        Assert.Equal(6, response.Records.Count);
        Assert.All(response.Records, r => Assert.True(r.Succeeded));
        Assert.Equal(new KinesisWriterMetrics(PutRecordsCalls: 3, RecordsSucceeded: 6, ThrottledEntries: 2, InternalFailureEntries: 1, Retries: 2, RetriedEntries: 3, FailedEntries: 0), writer.GetMetrics());
        // Full jitter at 0.5 of a cap that starts at BaseDelay (100 ms) and doubles.
        Assert.Equal([TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100)], time.ScheduledDelays);
    }

    [Fact]
    public async Task An_entry_that_keeps_failing_is_reported_after_MaxAttempts_with_backoff_capped_at_MaxDelay()
    {
        var time = new FakeTimeProvider(Some.SigningTime);
        var handler = new FakeKinesisHandler(call => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int> { 0 }));
        using var client = Some.Client(handler, time);
        var options = new KinesisRecordWriterOptions { MaxAttempts = 6, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(300), Jitter = () => 1.0 };
        var writer = new KinesisRecordWriter(client, options, time);

        var response = await time.RunAsync(writer.PutRecordsAsync("s", Some.Entries(2)), Step);

        Assert.Equal(6, handler.Calls.Count);
        Assert.Equal(1, response.FailedRecordCount);
        Assert.Equal("ProvisionedThroughputExceededException", response.Records[0].ErrorCode);
        Assert.True(response.Records[1].Succeeded);
        Assert.Equal(new[] { 100, 200, 300, 300, 300 }.Select(ms => TimeSpan.FromMilliseconds(ms)), time.ScheduledDelays);
        var metrics = writer.GetMetrics();
        Assert.Equal(1, metrics.FailedEntries);
        Assert.Equal(6, metrics.ThrottledEntries);
        Assert.Equal(5, metrics.Retries);
    }

    [Fact]
    public async Task A_throttled_whole_call_is_retried_with_every_entry()
    {
        var time = new FakeTimeProvider(Some.SigningTime);
        var calls = 0;
        var handler = new FakeKinesisHandler(call => ++calls == 1
            ? FakeKinesisHandler.Error("ProvisionedThroughputExceededException", "Rate exceeded for stream s")
            : FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()));
        using var client = Some.Client(handler, time);
        var writer = new KinesisRecordWriter(client, new KinesisRecordWriterOptions { Jitter = () => 0.5 }, time);

        var response = await time.RunAsync(writer.PutRecordsAsync("s", Some.Entries(3)), Step);

        Assert.Equal(0, response.FailedRecordCount);
        Assert.Equal(3, handler.Calls[1].PartitionKeys.Count);
        Assert.Equal(new KinesisWriterMetrics(2, 3, 3, 0, 1, 3, 0), writer.GetMetrics());
    }

    [Fact]
    public async Task A_connection_failure_is_retried()
    {
        var time = new FakeTimeProvider(Some.SigningTime);
        var calls = 0;
        var handler = new FakeKinesisHandler(call => ++calls == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")
            : FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()));
        using var client = Some.Client(handler, time);
        var writer = new KinesisRecordWriter(client, new KinesisRecordWriterOptions { Jitter = () => 0.5 }, time);

        var response = await time.RunAsync(writer.PutRecordsAsync("s", Some.Entries(2)), Step);

        Assert.Equal(0, response.FailedRecordCount);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_missing_stream_fails_at_once_with_the_fix_and_is_not_retried()
    {
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Error("ResourceNotFoundException", "Stream s under account 000000000000 not found."));
        using var client = Some.Client(handler);
        var writer = new KinesisRecordWriter(client);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => writer.PutRecordsAsync("s", Some.Entries(2)));

        Assert.Single(handler.Calls);
        Assert.Contains("stream 's' does not exist", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, writer.GetMetrics().FailedEntries);
    }

    [Fact]
    public async Task A_failure_after_some_calls_succeeded_is_reported_per_entry_instead_of_thrown()
    {
        // Throwing would hide that the first 500 records are stored and acknowledged by Kinesis.
        var calls = 0;
        var handler = new FakeKinesisHandler(call => ++calls == 1
            ? FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>())
            : FakeKinesisHandler.Error("AccessDeniedException", "not allowed"));
        using var client = Some.Client(handler);
        var writer = new KinesisRecordWriter(client);

        var response = await writer.PutRecordsAsync("s", Some.Entries(1100));

        Assert.Equal(600, response.FailedRecordCount);
        Assert.All(response.Records.Take(500), r => Assert.True(r.Succeeded));
        Assert.All(response.Records.Skip(500), r => Assert.Equal("AccessDeniedException", r.ErrorCode));
        // The third call is never made once the second was refused outright.
        Assert.Equal(2, handler.Calls.Count);
        Assert.Equal(600, writer.GetMetrics().FailedEntries);
    }

    [Fact]
    public async Task Calls_hold_at_most_500_records()
    {
        var handler = new FakeKinesisHandler(call => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()));
        using var client = Some.Client(handler);
        var writer = new KinesisRecordWriter(client);
        var records = Some.Entries(1201);

        var response = await writer.PutRecordsAsync("s", records);

        Assert.Equal([500, 500, 201], handler.Calls.Select(c => c.PartitionKeys.Count));
        Assert.Equal(records.Select(r => r.PartitionKey), handler.Calls.SelectMany(c => c.PartitionKeys));
        Assert.Equal(1201, response.Records.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task Calls_hold_at_most_5_MiB_counting_partition_keys()
    {
        var handler = new FakeKinesisHandler(call => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()));
        using var client = Some.Client(handler);
        var writer = new KinesisRecordWriter(client);
        // Each record is exactly 1 MiB with its 2-byte key: five fill a call to the byte, a sixth would not fit.
        var data = new byte[(1024 * 1024) - 2];
        var records = Enumerable.Range(0, 11).Select(i => new PutRecordsRequestEntry { PartitionKey = $"k{i % 10}", Data = data }).ToList();

        await writer.PutRecordsAsync("s", records);

        Assert.Equal([5, 5, 1], handler.Calls.Select(c => c.PartitionKeys.Count));
    }

    [Theory]
    // Data plus key one byte over 1 MiB.
    [InlineData(1024 * 1024, "k", "Record 2 is 1,048,577 bytes")]
    // Key of 257 characters.
    [InlineData(10, null, "Record 2 has a partition key of 257 characters")]
    public async Task A_record_over_a_Kinesis_limit_is_rejected_before_anything_is_sent(int dataLength, string? key, string expected)
    {
        var handler = new FakeKinesisHandler(call => FakeKinesisHandler.PutRecordsResult(call, new HashSet<int>()));
        using var client = Some.Client(handler);
        var writer = new KinesisRecordWriter(client);
        var records = Some.Entries(3);
        records[2] = new PutRecordsRequestEntry { PartitionKey = key ?? new string('k', 257), Data = new byte[dataLength] };

        var e = await Assert.ThrowsAsync<ArgumentException>(() => writer.PutRecordsAsync("s", records));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Calls);
    }

    [Fact]
    public async Task A_response_with_the_wrong_number_of_results_is_an_error_not_a_silent_loss()
    {
        var handler = new FakeKinesisHandler(_ => FakeKinesisHandler.Json("{\"FailedRecordCount\":0,\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"shardId-000000000000\"}]}"));
        using var client = Some.Client(handler);
        var writer = new KinesisRecordWriter(client);

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => writer.PutRecordsAsync("s", Some.Entries(2)));

        Assert.Equal("MalformedResponse", e.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, e.StatusCode);
    }

    [Theory]
    [InlineData(0, 100, 5_000, 500, 5 * 1024 * 1024, "MaxAttempts")]
    [InlineData(3, 100, 50, 500, 5 * 1024 * 1024, "MaxDelay")]
    [InlineData(3, 100, 5_000, 501, 5 * 1024 * 1024, "MaxRecordsPerRequest")]
    [InlineData(3, 100, 5_000, 500, (5 * 1024 * 1024) + 1, "MaxBytesPerRequest")]
    public void Invalid_options_name_the_setting(int attempts, int baseMs, int maxMs, int records, int bytes, string option)
    {
        using var client = Some.Client(new FakeKinesisHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)));
        var options = new KinesisRecordWriterOptions
        {
            MaxAttempts = attempts,
            BaseDelay = TimeSpan.FromMilliseconds(baseMs),
            MaxDelay = TimeSpan.FromMilliseconds(maxMs),
            MaxRecordsPerRequest = records,
            MaxBytesPerRequest = bytes,
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new KinesisRecordWriter(client, options));
        Assert.Contains($"KinesisRecordWriterOptions.{option}", e.Message, StringComparison.Ordinal);
    }
}
