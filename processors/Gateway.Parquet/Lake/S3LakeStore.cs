using Gateway.Aws.S3;
using Gateway.Parquet.Lake.Internal;

namespace Gateway.Parquet.Lake;

/// <summary>
/// The lake in S3 (<c>lake.mode = direct</c>): the same keys as the local lake below <c>s3://bucket/prefix</c>. Files
/// are staged in a local folder and uploaded whole (PutObject, or a multipart upload for large ones); S3 shows an
/// object only once its upload completed, so readers never see part of a file.
/// </summary>
public sealed class S3LakeStore : ILakeStore
{
    private readonly S3ObjectStore _objects;

    /// <summary>Commits to <paramref name="bucket"/> under <paramref name="prefix"/> (empty, or ending in '/'), staging in <paramref name="stagingDirectory"/>.</summary>
    public S3LakeStore(S3ObjectStore objects, string bucket, string prefix, string stagingDirectory)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(stagingDirectory);
        if (prefix.Length > 0 && (!prefix.EndsWith('/') || prefix.StartsWith('/')))
        {
            throw new ArgumentException($"prefix '{prefix}' must be empty or a folder such as 'lake/' (no leading '/', a trailing one)", nameof(prefix));
        }

        _objects = objects;
        Bucket = bucket;
        Prefix = prefix;
        StagingDirectory = Path.GetFullPath(stagingDirectory);
        Directory.CreateDirectory(StagingDirectory);
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix of the lake's root ("" or "folder/").</summary>
    public string Prefix { get; }

    /// <inheritdoc/>
    public string StagingDirectory { get; }

    /// <summary>Deletes staged files of writers that are gone (a stopped or killed process); files of live writers are kept. Returns how many.</summary>
    public int RemoveStagedFiles() => StagedFiles.RemoveLeftovers(StagingDirectory);

    /// <inheritdoc/>
    public async ValueTask CommitAsync(string key, string stagedFilePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        await _objects.UploadFileAsync(Bucket, Prefix + key, stagedFilePath, cancellationToken).ConfigureAwait(false);
        // Uploaded is committed: a leftover staged file is litter only, and a retry would upload the same bytes again.
        StagedFiles.TryDelete(stagedFilePath);
    }
}
