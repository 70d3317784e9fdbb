using System.Net;
using System.Text;
using Amazon.S3;
using Gateway.Aws.S3;
using Gateway.Tests.S3;

namespace Gateway.Aws.Tests.S3;

/// <summary><see cref="S3ObjectStore"/> against s3rver, an S3-API server written by someone else.</summary>
public sealed class S3ObjectStoreTests(S3rver s3rver) : IClassFixture<S3rver>, IDisposable
{
    private const string PartitionFolder = "events/year=2024/month=05/day=01/hour=12/";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-s3-");

    [Fact]
    public async Task A_small_file_goes_up_in_one_PutObject_and_comes_back_byte_identical()
    {
        var file = WriteRandomFile("small.parquet", 300 * 1024, seed: 1);
        var key = PartitionFolder + "gateway-events-1-2024-05-01-12-00-10-0b5c7e8a-3f21-4b9e-9d2a-5c1e7f3a9b01.parquet";
        using var recorder = new RecordingHandler();
        using var store = s3rver.CreateStore(o => o with { Handler = recorder });

        var result = await store.UploadFileAsync(S3rver.Bucket, key, file);

        Assert.Equal((key, 300L * 1024, 0), (result.Key, result.Bytes, result.Parts));
        Assert.Equal(["PUT /gateway-lake/" + key], recorder.Requests);
        Assert.Equal(await File.ReadAllBytesAsync(file), await DownloadAsync(store, key));
        var listed = Assert.Single(await store.ListAsync(S3rver.Bucket, PartitionFolder));
        Assert.Equal(new S3ObjectEntry(key, 300 * 1024), listed);
    }

    [Fact]
    public async Task A_file_above_the_threshold_goes_up_in_parts_and_comes_back_byte_identical()
    {
        var file = WriteRandomFile("large.parquet", 12 * 1024 * 1024, seed: 2);
        var key = "lake/events/year=2024/month=05/day=01/hour=13/gateway-events-1-2024-05-01-13-00-00-large.parquet";
        using var recorder = new RecordingHandler();
        using var store = s3rver.CreateStore(o => o with { Handler = recorder, MultipartThresholdBytes = 5 << 20, PartBytes = 5 << 20, MaxConcurrentParts = 2 });

        var result = await store.UploadFileAsync(S3rver.Bucket, key, file);

        // 5 + 5 + 2 MiB.
        Assert.Equal(3, result.Parts);
        Assert.Equal("POST /gateway-lake/" + key + "?uploads", recorder.Requests[0]);
        Assert.Equal(3, recorder.Requests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("partNumber=", StringComparison.Ordinal)));
        Assert.StartsWith("POST /gateway-lake/" + key + "?uploadId=", recorder.Requests[^1], StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(file), await DownloadAsync(store, key));
    }

    [Fact]
    public async Task Uploading_the_same_key_again_replaces_the_object()
    {
        var key = "replaced/" + PartitionFolder + "gateway-events-1-2024-05-01-12-00-00-replaced.parquet";
        using var store = s3rver.CreateStore();
        await store.UploadFileAsync(S3rver.Bucket, key, WriteRandomFile("first.parquet", 1000, seed: 3));
        var second = WriteRandomFile("second.parquet", 2000, seed: 4);

        await store.UploadFileAsync(S3rver.Bucket, key, second);

        Assert.Equal(await File.ReadAllBytesAsync(second), await DownloadAsync(store, key));
    }

    [Fact]
    public async Task A_failed_part_aborts_the_multipart_upload_and_leaves_no_object()
    {
        var file = WriteRandomFile("failing.parquet", 11 * 1024 * 1024, seed: 5);
        var key = "failing/events/year=2024/month=05/day=01/hour=14/gateway-events-1-2024-05-01-14-00-00-failing.parquet";
        using var recorder = new RecordingHandler { FailPart = 2 };
        using var store = s3rver.CreateStore(o => o with { Handler = recorder, MultipartThresholdBytes = 5 << 20, PartBytes = 5 << 20, MaxConcurrentParts = 1 });

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.UploadFileAsync(S3rver.Bucket, key, file));

        Assert.Contains("injected", error.Message, StringComparison.Ordinal);
        var uploadId = recorder.Requests.Single(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("partNumber=1", StringComparison.Ordinal)).Split("uploadId=")[1].Split('&')[0];
        Assert.Contains(recorder.Requests, r => r.StartsWith("DELETE /gateway-lake/" + key + "?uploadId=" + uploadId, StringComparison.Ordinal));
        Assert.DoesNotContain(recorder.Requests, r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("uploadId=", StringComparison.Ordinal));
        Assert.Empty(await store.ListAsync(S3rver.Bucket, "failing/"));
    }

    [Fact]
    public async Task A_missing_bucket_is_an_error_naming_it()
    {
        using var store = s3rver.CreateStore();

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.UploadFileAsync("no-such-bucket", "k.parquet", WriteRandomFile("k.parquet", 10, seed: 6)));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("NoSuchBucket", error.ErrorCode);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string WriteRandomFile(string name, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<byte[]> DownloadAsync(S3ObjectStore store, string key)
    {
        using var buffer = new MemoryStream();
        await store.DownloadAsync(S3rver.Bucket, key, buffer);
        return buffer.ToArray();
    }

    /// <summary>Forwards to the server and records "METHOD path?query" of every request; can answer one part with a 500 instead.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<string> _requests = [];

        /// <summary>The part number to fail (never forwarded), or 0.</summary>
        public int FailPart { get; init; }

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.RequestUri!.PathAndQuery;
            lock (_requests)
            {
                _requests.Add($"{request.Method} {Uri.UnescapeDataString(target)}");
            }

            if (FailPart > 0 && request.Method == HttpMethod.Put && target.Contains($"partNumber={FailPart}&", StringComparison.Ordinal) | target.EndsWith($"partNumber={FailPart}", StringComparison.Ordinal))
            {
                return new HttpResponseMessage(HttpStatusCode.InternalServerError)
                {
                    Content = new StringContent("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>injected part failure</Message></Error>", Encoding.UTF8, "application/xml"),
                };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
