namespace Gateway.Parquet.Lake;

/// <summary>
/// Where a <see cref="LakeWriter"/> puts finished files: a local folder (<see cref="DirectoryLakeStore"/>) or an S3
/// prefix (<see cref="S3LakeStore"/>). Files are written in <see cref="StagingDirectory"/> first and appear under their
/// key in one step, so a reader of the lake never sees part of a file.
/// </summary>
public interface ILakeStore
{
    /// <summary>A local folder for files being written; on the lake's own file system when the lake is a folder, so a commit is a rename.</summary>
    string StagingDirectory { get; }

    /// <summary>
    /// Makes the complete, closed file at <paramref name="stagedFilePath"/> durable and visible as <paramref name="key"/>
    /// (a '/'-separated path below the lake's root, e.g. <c>events/year=2024/…/x.parquet</c>), replacing a file of that
    /// name. On success the staged file is gone. After a failure the call may be repeated with the same arguments.
    /// </summary>
    ValueTask CommitAsync(string key, string stagedFilePath, CancellationToken cancellationToken = default);
}
