using Gateway.Aws.Internal;

namespace Gateway.Aws;

/// <summary>A Kinesis Data Streams client over the AWS JSON 1.1 protocol, shaped like the AWS SDK's (request/response records).</summary>
/// <remarks>Each method is one API call without retries; <see cref="KinesisRecordWriter"/> adds batching and retries for PutRecords.</remarks>
public sealed class KinesisClient : IDisposable
{
    /// <summary>The SigV4 service name.</summary>
    public const string SigningName = "kinesis";

    /// <summary>The X-Amz-Target prefix.</summary>
    public const string TargetPrefix = "Kinesis_20131202";

    private readonly AwsJsonClient _json;
    private readonly HttpClient? _ownedHttp;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;

    /// <summary>Creates a client; without <paramref name="httpClient"/> it owns one, without <paramref name="credentials"/> it uses the AWS SDK's default chain.</summary>
    public KinesisClient(KinesisClientOptions options, HttpClient? httpClient = null, IAwsCredentialsProvider? credentials = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StatusPollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"KinesisClientOptions.StatusPollInterval must be positive; got {options.StatusPollInterval}.");
        }

        _time = time ?? TimeProvider.System;
        _pollInterval = options.StatusPollInterval;
        _json = AwsJsonClient.Create(
            new AwsServiceName("Kinesis", SigningName, TargetPrefix, "KinesisClientOptions"),
            options.Region,
            options.ServiceUrl,
            httpClient,
            credentials,
            _time,
            (region, endpoint) => (code, operation, stream) => AwsErrors.KinesisFix(code, operation, stream, region, endpoint),
            out _ownedHttp);
    }

    /// <summary>The URL every call is sent to.</summary>
    public Uri Endpoint => _json.Endpoint;

    /// <summary>The region requests are signed for.</summary>
    public string Region => _json.Region;

    /// <summary>https://kinesis.{region}.amazonaws.com/ (amazonaws.com.cn in the China regions).</summary>
    public static Uri DefaultEndpoint(string region) => AwsJsonClient.DefaultEndpoint(SigningName, region);

    /// <summary>Starts creating a stream; it is usable once <see cref="WaitForStreamActiveAsync"/> returns.</summary>
    public Task<CreateStreamResponse> CreateStreamAsync(CreateStreamRequest request, CancellationToken cancellationToken = default) =>
        Invoke("CreateStream", request, KinesisJsonContext.Default.CreateStreamRequest, KinesisJsonContext.Default.CreateStreamResponse, request?.StreamName, cancellationToken);

    /// <summary>Starts deleting a stream and its records.</summary>
    public Task<DeleteStreamResponse> DeleteStreamAsync(DeleteStreamRequest request, CancellationToken cancellationToken = default) =>
        Invoke("DeleteStream", request, KinesisJsonContext.Default.DeleteStreamRequest, KinesisJsonContext.Default.DeleteStreamResponse, request?.StreamName ?? request?.StreamARN, cancellationToken);

    /// <summary>A stream's status, shard count and settings.</summary>
    public Task<DescribeStreamSummaryResponse> DescribeStreamSummaryAsync(DescribeStreamSummaryRequest request, CancellationToken cancellationToken = default) =>
        Invoke("DescribeStreamSummary", request, KinesisJsonContext.Default.DescribeStreamSummaryRequest, KinesisJsonContext.Default.DescribeStreamSummaryResponse, request?.StreamName ?? request?.StreamARN, cancellationToken);

    /// <summary>One page of a stream's shards.</summary>
    public Task<ListShardsResponse> ListShardsAsync(ListShardsRequest request, CancellationToken cancellationToken = default) =>
        Invoke("ListShards", request, KinesisJsonContext.Default.ListShardsRequest, KinesisJsonContext.Default.ListShardsResponse, request?.StreamName ?? request?.StreamARN, cancellationToken);

    /// <summary>Puts up to 500 records in one call; failed entries are reported, not retried (see <see cref="KinesisRecordWriter"/>).</summary>
    public Task<PutRecordsResponse> PutRecordsAsync(PutRecordsRequest request, CancellationToken cancellationToken = default) =>
        Invoke("PutRecords", request, KinesisJsonContext.Default.PutRecordsRequest, KinesisJsonContext.Default.PutRecordsResponse, request?.StreamName ?? request?.StreamARN, cancellationToken);

    /// <summary>An iterator (valid 5 minutes) for reading a shard from a position.</summary>
    public Task<GetShardIteratorResponse> GetShardIteratorAsync(GetShardIteratorRequest request, CancellationToken cancellationToken = default) =>
        Invoke("GetShardIterator", request, KinesisJsonContext.Default.GetShardIteratorRequest, KinesisJsonContext.Default.GetShardIteratorResponse, request?.StreamName ?? request?.StreamARN, cancellationToken);

    /// <summary>Records at an iterator, and the iterator to continue with.</summary>
    public Task<GetRecordsResponse> GetRecordsAsync(GetRecordsRequest request, CancellationToken cancellationToken = default) =>
        Invoke("GetRecords", request, KinesisJsonContext.Default.GetRecordsRequest, KinesisJsonContext.Default.GetRecordsResponse, request?.StreamARN, cancellationToken);

    /// <summary>Every shard of a stream, following NextToken across pages, in the order the service lists them.</summary>
    public async Task<IReadOnlyList<Shard>> ListAllShardsAsync(string streamName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var shards = new List<Shard>();
        var request = new ListShardsRequest { StreamName = streamName };
        while (true)
        {
            var page = await ListShardsAsync(request, cancellationToken).ConfigureAwait(false);
            shards.AddRange(page.Shards);
            if (string.IsNullOrEmpty(page.NextToken))
            {
                return shards;
            }

            // The API rejects NextToken together with StreamName.
            request = new ListShardsRequest { NextToken = page.NextToken };
        }
    }

    /// <summary>Polls DescribeStreamSummary until the stream is ACTIVE (or UPDATING, which is also writable).</summary>
    /// <exception cref="TimeoutException">The stream was not active within <paramref name="timeout"/>.</exception>
    public async Task<StreamDescriptionSummary> WaitForStreamActiveAsync(string streamName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var started = _time.GetTimestamp();
        while (true)
        {
            var summary = (await DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = streamName }, cancellationToken).ConfigureAwait(false)).StreamDescriptionSummary;
            if (summary.StreamStatus is StreamStatus.Active or StreamStatus.Updating)
            {
                return summary;
            }

            if (_time.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException(
                    $"Kinesis stream '{streamName}' at {Endpoint} is still {summary.StreamStatus} after {timeout.TotalSeconds:0.#} s; "
                    + "wait longer, or check the stream in the console (a DELETING stream never becomes ACTIVE).");
            }

            await Task.Delay(_pollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the HttpClient this client created, if any.</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    private Task<TResponse> Invoke<TRequest, TResponse>(
        string operation,
        TRequest request,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TRequest> requestType,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> responseType,
        string? resource,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _json.InvokeAsync(operation, request, requestType, responseType, resource, cancellationToken);
    }
}
