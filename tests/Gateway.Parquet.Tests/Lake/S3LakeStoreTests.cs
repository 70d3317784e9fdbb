using System.Text.RegularExpressions;
using Gateway.Parquet.Lake;
using Gateway.Parquet.Tests.Lake.Support;
using Gateway.Tests.S3;
using Gateway.Tests.Shared;

namespace Gateway.Parquet.Tests.Lake;

/// <summary>The lake's direct mode: the same files, uploaded to s3rver (an S3-API server written by someone else).</summary>
public sealed partial class S3LakeStoreTests(S3rver s3rver) : IClassFixture<S3rver>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-lake-s3-");
    private readonly FakeTimeProvider _time = new(Some.Noon.AddMinutes(30));

    [Fact]
    public async Task Files_are_uploaded_under_the_prefix_in_the_hive_layout_and_staging_is_emptied()
    {
        using var objects = s3rver.CreateStore();
        var store = new S3LakeStore(objects, S3rver.Bucket, "small/", Path.Combine(_dir.FullName, "staging"));
        await using var writer = LakeWriter.Create(store, time: _time);
        writer.Add(Some.Event("a", Some.Noon), 0);
        writer.Add(Some.Event("b", Some.Noon.AddHours(1)), 1);
        writer.Add(Some.BadRow(Some.Noon), 2);

        await writer.FlushAllAsync();

        var keys = (await objects.ListAsync(S3rver.Bucket, "small/")).Select(o => o.Key).ToList();
        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.Matches(HiveKey(), k));
        Assert.Equal(["small/bad_rows/year=2024/month=05/day=01/hour=12/", "small/events/year=2024/month=05/day=01/hour=12/", "small/events/year=2024/month=05/day=01/hour=13/"], keys.Select(k => k[..(k.LastIndexOf('/') + 1)]));
        Assert.Equal(1, ParquetFileInfo.Read(await DownloadAsync(objects, keys[1])).NumRows);
        Assert.Empty(Directory.EnumerateFiles(store.StagingDirectory, "*.parquet.tmp"));
        Assert.Equal(2, writer.DurableThrough);
    }

    [Fact]
    public async Task A_file_above_the_multipart_threshold_arrives_whole()
    {
        using var objects = s3rver.CreateStore(o => o with { MultipartThresholdBytes = 5 << 20, PartBytes = 5 << 20 });
        var store = new S3LakeStore(objects, S3rver.Bucket, "large/", Path.Combine(_dir.FullName, "staging"));
        await using var writer = LakeWriter.Create(store, new LakeWriterOptions { BufferBytes = 64L << 20, Codec = ParquetCodec.Uncompressed }, _time);
        const int rows = 24_000;
        for (var i = 0; i < rows; i++)
        {
            writer.Add(Some.Event($"id-{i:D6}", Some.Noon, props: $$"""{"n":"{{i:D6}}-{{new string('x', 300)}}"}"""), i);
        }

        await writer.FlushAllAsync();

        var entry = Assert.Single(await objects.ListAsync(S3rver.Bucket, "large/"));
        Assert.True(entry.Bytes > 5 << 20, $"{entry.Bytes} bytes: below the multipart threshold, so this test proves nothing");
        var downloaded = await DownloadAsync(objects, entry.Key);
        Assert.Equal(entry.Bytes, new FileInfo(downloaded).Length);
        Assert.Equal(rows, ParquetFileInfo.Read(downloaded).NumRows);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [GeneratedRegex(@"^(small|large)/(events|bad_rows)/year=\d{4}/month=\d{2}/day=\d{2}/hour=\d{2}/gateway-(events|bad-rows)-1-\d{4}(-\d{2}){5}-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\.parquet$")]
    private static partial Regex HiveKey();

    private async Task<string> DownloadAsync(Gateway.Aws.S3.S3ObjectStore objects, string key)
    {
        var path = Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N") + ".parquet");
        await using (var file = File.Create(path))
        {
            await objects.DownloadAsync(S3rver.Bucket, key, file);
        }

        return path;
    }
}
