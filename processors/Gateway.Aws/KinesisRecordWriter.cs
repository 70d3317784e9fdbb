using Gateway.Aws.Internal;

namespace Gateway.Aws;

/// <summary>
/// Puts any number of records with PutRecords: splits them into calls of at most 500 entries and 5 MiB, and retries
/// only the entries that failed (matched by position) with exponential backoff and full jitter.
/// </summary>
/// <remarks>Thread-safe; share one per stream so its metrics cover all writes.</remarks>
public sealed class KinesisRecordWriter
{
    /// <summary>The error code given to entries whose last attempt never got an answer (connection refused, reset, timed out).</summary>
    public const string NetworkError = "NetworkError";

    private readonly KinesisClient _client;
    private readonly KinesisRecordWriterOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<double> _jitter;
    private readonly WriterCounters _counters = new();

    /// <summary>Creates a writer over <paramref name="client"/>; backoff delays run on <paramref name="time"/>.</summary>
    public KinesisRecordWriter(KinesisClient client, KinesisRecordWriterOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new KinesisRecordWriterOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _jitter = _options.Jitter ?? Random.Shared.NextDouble;
    }

    /// <summary>The settings in use.</summary>
    public KinesisRecordWriterOptions Options => _options;

    /// <summary>A snapshot of the counters.</summary>
    public KinesisWriterMetrics GetMetrics() => _counters.Snapshot();

    /// <summary>
    /// Puts <paramref name="records"/> and returns one result per record, in input order: a shard and sequence number, or
    /// the error code of the last failed attempt. The response's FailedRecordCount counts the entries given up on.
    /// </summary>
    /// <exception cref="ArgumentException">A record breaks a Kinesis limit (checked before anything is sent).</exception>
    /// <exception cref="AwsServiceException">A whole call failed (missing stream, access denied, throttled on every attempt …) before any record was stored.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached on any attempt, before any record was stored.</exception>
    public async Task<PutRecordsResponse> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsRequestEntry> records, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentNullException.ThrowIfNull(records);
        var sizes = new int[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            sizes[i] = KinesisLimits.Validate(records[i], i);
        }

        var results = new PutRecordsResultEntry?[records.Count];
        var stored = 0;
        var start = 0;
        while (start < records.Count)
        {
            var end = ChunkEnd(sizes, start);
            var chunk = Enumerable.Range(start, end - start).ToList();
            try
            {
                stored += await PutChunkAsync(streamName, records, chunk, results, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException e) when (stored > 0)
            {
                // Some records are already stored: report the rest as failed instead of hiding that behind an exception.
                FailRemaining(results, start, end, e.ErrorCode, e.Message);
                break;
            }
            catch (HttpRequestException e) when (stored > 0)
            {
                FailRemaining(results, start, end, NetworkError, e.Message);
                break;
            }

            start = end;
        }

        var final = Array.ConvertAll(results, r => r ?? throw new InvalidOperationException("A PutRecords result was never filled in."));
        return new PutRecordsResponse { FailedRecordCount = final.Count(r => !r.Succeeded), Records = final };
    }

    /// <summary>Gives every not-yet-stored entry from <paramref name="from"/> on the final error; entries from <paramref name="unsent"/> on were never sent.</summary>
    private void FailRemaining(PutRecordsResultEntry?[] results, int from, int unsent, string code, string message)
    {
        for (var i = from; i < results.Length; i++)
        {
            if (results[i] is not { Succeeded: true })
            {
                results[i] = new PutRecordsResultEntry { ErrorCode = code, ErrorMessage = message };
            }
        }

        _counters.Add(ref _counters.FailedEntries, results.Length - unsent);
    }

    private int ChunkEnd(int[] sizes, int start)
    {
        var bytes = 0L;
        var end = start;
        while (end < sizes.Length && end - start < _options.MaxRecordsPerRequest && bytes + sizes[end] <= _options.MaxBytesPerRequest)
        {
            bytes += sizes[end];
            end++;
        }

        return end;
    }

    /// <summary>Sends one chunk until every entry is stored or out of attempts; returns how many were stored.</summary>
    private async Task<int> PutChunkAsync(string streamName, IReadOnlyList<PutRecordsRequestEntry> records, List<int> pending, PutRecordsResultEntry?[] results, CancellationToken cancellationToken)
    {
        var stored = 0;
        for (var attempt = 1; pending.Count > 0; attempt++)
        {
            if (attempt > 1)
            {
                _counters.Add(ref _counters.Retries, 1);
                _counters.Add(ref _counters.RetriedEntries, pending.Count);
                await Task.Delay(Backoff(attempt - 1), _time, cancellationToken).ConfigureAwait(false);
            }

            var last = attempt >= _options.MaxAttempts;
            var request = new PutRecordsRequest { StreamName = streamName, Records = pending.ConvertAll(i => records[i]) };
            PutRecordsResponse response;
            _counters.Add(ref _counters.PutRecordsCalls, 1);
            try
            {
                response = await _client.PutRecordsAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AwsServiceException e)
            {
                CountFailure(e.ErrorCode, e.IsRetryable, pending.Count);
                if (e.IsRetryable && !last)
                {
                    continue;
                }

                _counters.Add(ref _counters.FailedEntries, pending.Count);
                if (stored == 0)
                {
                    throw;
                }

                foreach (var i in pending)
                {
                    results[i] = new PutRecordsResultEntry { ErrorCode = e.ErrorCode, ErrorMessage = e.Message };
                }

                return stored;
            }
            catch (HttpRequestException e)
            {
                // The call may or may not have landed; resending risks duplicates, which Kinesis consumers must tolerate anyway.
                if (!last)
                {
                    continue;
                }

                _counters.Add(ref _counters.FailedEntries, pending.Count);
                if (stored == 0)
                {
                    throw;
                }

                foreach (var i in pending)
                {
                    results[i] = new PutRecordsResultEntry { ErrorCode = NetworkError, ErrorMessage = e.Message };
                }

                return stored;
            }

            if (response.Records.Count != pending.Count)
            {
                _counters.Add(ref _counters.FailedEntries, pending.Count);
                throw new AwsServiceException(
                    "Kinesis",
                    "PutRecords",
                    "MalformedResponse",
                    $"{pending.Count} records were sent but {response.Records.Count} results came back",
                    System.Net.HttpStatusCode.OK,
                    $"check that {_client.Endpoint} is a Kinesis-API server");
            }

            var next = new List<int>();
            for (var j = 0; j < pending.Count; j++)
            {
                var entry = response.Records[j];
                var index = pending[j];
                results[index] = entry;
                if (entry.Succeeded)
                {
                    stored++;
                }
                else
                {
                    CountFailure(entry.ErrorCode ?? "InternalFailure", serverSide: true, 1);
                    next.Add(index);
                }
            }

            _counters.Add(ref _counters.RecordsSucceeded, pending.Count - next.Count);
            if (next.Count > 0 && last)
            {
                _counters.Add(ref _counters.FailedEntries, next.Count);
                break;
            }

            pending = next;
        }

        return stored;
    }

    private void CountFailure(string code, bool serverSide, int entries)
    {
        if (code == "ProvisionedThroughputExceededException")
        {
            _counters.Add(ref _counters.ThrottledEntries, entries);
        }
        else if (serverSide)
        {
            _counters.Add(ref _counters.InternalFailureEntries, entries);
        }
    }

    /// <summary>Full jitter: a uniform delay in [0, min(MaxDelay, BaseDelay·2^(retry-1))).</summary>
    private TimeSpan Backoff(int retry)
    {
        var cap = _options.BaseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
        cap = Math.Min(cap, _options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(cap * Math.Clamp(_jitter(), 0, 1)));
    }

    private sealed class WriterCounters
    {
        public long PutRecordsCalls;
        public long RecordsSucceeded;
        public long ThrottledEntries;
        public long InternalFailureEntries;
        public long Retries;
        public long RetriedEntries;
        public long FailedEntries;

        public void Add(ref long counter, long value) => Interlocked.Add(ref counter, value);

        public KinesisWriterMetrics Snapshot() => new(
            Interlocked.Read(ref PutRecordsCalls),
            Interlocked.Read(ref RecordsSucceeded),
            Interlocked.Read(ref ThrottledEntries),
            Interlocked.Read(ref InternalFailureEntries),
            Interlocked.Read(ref Retries),
            Interlocked.Read(ref RetriedEntries),
            Interlocked.Read(ref FailedEntries));
    }
}
