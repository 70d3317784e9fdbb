using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Gateway.Aws.S3;

/// <summary>
/// Uploads whole files to S3 (or any S3-API server) with the AWS SDK: one PutObject below
/// <see cref="S3ObjectStoreOptions.MultipartThresholdBytes"/>, a multipart upload above it. Either way the object
/// becomes visible only once it is complete, so a reader never sees part of a file.
/// </summary>
/// <remarks>
/// <para>A multipart upload that fails is aborted (best effort), so no orphaned parts keep costing storage; a bucket
/// lifecycle rule for incomplete uploads covers the case where the abort itself cannot get through.</para>
/// <para>Credentials: the given ones, else the SDK's chain (environment, profile, SSO, web identity, container,
/// instance metadata). With a <see cref="S3ObjectStoreOptions.ServiceUrl"/> the region is never looked up, so tests
/// that pass keys and an endpoint cause no traffic beyond that endpoint.</para>
/// </remarks>
public sealed class S3ObjectStore : IDisposable
{
    private readonly AmazonS3Client _client;

    /// <summary>Creates a store; <paramref name="credentials"/> null uses the SDK's credential chain.</summary>
    public S3ObjectStore(S3ObjectStoreOptions? options = null, AwsCredentials? credentials = null)
    {
        Options = options ?? new S3ObjectStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.PartBytes, S3ObjectStoreOptions.MinPartBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MultipartThresholdBytes, S3ObjectStoreOptions.MinPartBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxConcurrentParts, 1, nameof(options));
        var config = new AmazonS3Config
        {
            Timeout = Options.RequestTimeout,
            MaxErrorRetry = Options.MaxErrorRetry,
            // Checksums only where S3 demands them: local S3-API servers do not speak the aws-chunked trailers the
            // SDK would otherwise add, and the signed payload hash already protects the bytes in transit.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (Options.ServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = Options.Region ?? "us-east-1";
            config.ForcePathStyle = Options.ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(AwsRegion.Resolve(Options.Region));
            config.ForcePathStyle = Options.ForcePathStyle ?? false;
        }

        if (Options.Handler is { } handler)
        {
            config.HttpClientFactory = new HandlerFactory(handler);
        }

        _client = credentials is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(ToSdk(credentials), config);
    }

    /// <summary>The settings in use.</summary>
    public S3ObjectStoreOptions Options { get; }

    /// <summary>Uploads the file at <paramref name="path"/> as <paramref name="key"/>, replacing any object of that name.</summary>
    /// <exception cref="AmazonS3Exception">S3 refused a request (after the SDK's retries); a multipart upload was aborted.</exception>
    public async Task<S3UploadResult> UploadFileAsync(string bucket, string key, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var length = new FileInfo(path).Length;
        if (length < Options.MultipartThresholdBytes)
        {
            var response = await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                FilePath = path,
                ContentType = ContentTypeOf(key),
                // Plain bodies: aws-chunked signing is for streams of unknown length, and local servers store its framing verbatim.
                UseChunkEncoding = false,
            }, cancellationToken).ConfigureAwait(false);
            return new S3UploadResult(key, length, 0, response.ETag);
        }

        return await UploadMultipartAsync(bucket, key, path, length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores <paramref name="content"/> as <paramref name="key"/> in one PutObject, replacing any object of that name; the object appears whole or not at all.</summary>
    /// <exception cref="AmazonS3Exception">S3 refused the request (after the SDK's retries).</exception>
    public async Task<S3UploadResult> PutAsync(string bucket, string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var body = new MemoryStream(content.ToArray(), writable: false);
        var response = await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            AutoCloseStream = false,
            ContentType = ContentTypeOf(key),
            UseChunkEncoding = false,
        }, cancellationToken).ConfigureAwait(false);
        return new S3UploadResult(key, content.Length, 0, response.ETag);
    }

    /// <summary>The object's bytes.</summary>
    /// <exception cref="AmazonS3Exception">S3 refused the request; <c>NoSuchKey</c> when there is no such object.</exception>
    public async Task<byte[]> GetAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await DownloadAsync(bucket, key, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Deletes the object; deleting one that is not there succeeds, as in S3.</summary>
    public async Task DeleteAsync(string bucket, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the object's bytes to <paramref name="destination"/>.</summary>
    public async Task DownloadAsync(string bucket, string key, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        await response.ResponseStream.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The keys and sizes of every object under <paramref name="prefix"/>, in key order.</summary>
    public async Task<IReadOnlyList<S3ObjectEntry>> ListAsync(string bucket, string prefix, CancellationToken cancellationToken = default)
    {
        var entries = new List<S3ObjectEntry>();
        string? token = null;
        do
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            entries.AddRange((page.S3Objects ?? []).Select(o => new S3ObjectEntry(o.Key, o.Size ?? 0)));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return entries;
    }

    /// <summary>Creates <paramref name="bucket"/> (local servers and tests; on AWS the bucket belongs to the deployed stack).</summary>
    public async Task CreateBucketAsync(string bucket, CancellationToken cancellationToken = default) =>
        await _client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    private async Task<S3UploadResult> UploadMultipartAsync(string bucket, string key, string path, long length, CancellationToken cancellationToken)
    {
        // S3 allows at most 10,000 parts; a file that would need more gets bigger parts.
        var partBytes = Math.Max(Options.PartBytes, (length + S3ObjectStoreOptions.MaxParts - 1) / S3ObjectStoreOptions.MaxParts);
        var partCount = (int)((length + partBytes - 1) / partBytes);
        var initiated = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = ContentTypeOf(key),
        }, cancellationToken).ConfigureAwait(false);
        var uploadId = initiated.UploadId;
        try
        {
            var etags = new PartETag[partCount];
            await Parallel.ForAsync(0, partCount, new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrentParts, CancellationToken = cancellationToken }, async (index, ct) =>
            {
                var offset = index * partBytes;
                var response = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                    FilePath = path,
                    FilePosition = offset,
                    PartSize = Math.Min(partBytes, length - offset),
                    IsLastPart = index == partCount - 1,
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                etags[index] = new PartETag(index + 1, response.ETag);
            }).ConfigureAwait(false);

            var completed = await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = [.. etags],
            }, cancellationToken).ConfigureAwait(false);
            return new S3UploadResult(key, length, partCount, completed.ETag);
        }
        catch
        {
            await AbortAsync(bucket, key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AbortAsync(string bucket, string key, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled upload still has parts to drop.
            using var timeout = new CancellationTokenSource(Options.RequestTimeout);
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
        {
            // Best effort: the upload's own failure is what the caller must see; a lifecycle rule cleans up the rest.
        }
    }

    private static string ContentTypeOf(string key) =>
        key.EndsWith(".parquet", StringComparison.Ordinal) ? "application/vnd.apache.parquet"
        : key.EndsWith(".jsonl", StringComparison.Ordinal) ? "application/x-ndjson"
        : "application/octet-stream";

    private static AWSCredentials ToSdk(AwsCredentials credentials) =>
        credentials.SessionToken is { } token
            ? new SessionAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, token)
            : new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey);

    private sealed class HandlerFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        // The handler is the caller's: the thin clients around it come and go, the handler stays.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}

/// <summary>What an upload stored.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Bytes">The object's size.</param>
/// <param name="Parts">Parts of a multipart upload; 0 for a single PutObject.</param>
/// <param name="ETag">The object's ETag as S3 returned it.</param>
public sealed record S3UploadResult(string Key, long Bytes, int Parts, string? ETag);

/// <summary>One object of a listing.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Bytes">Its size.</param>
public sealed record S3ObjectEntry(string Key, long Bytes);
