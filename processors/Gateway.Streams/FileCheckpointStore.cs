using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Gateway.Streams.Internal;

namespace Gateway.Streams;

/// <summary>Checkpoints as one small JSON file per consumer under <c>&lt;directory&gt;/checkpoints/</c>, each replaced atomically.</summary>
/// <remarks>
/// A commit writes a temp file, fsyncs it, renames it over the old file and fsyncs the directory, so after a
/// crash the file holds either the previous or the new checkpoint, never a torn one.
/// </remarks>
public sealed class FileCheckpointStore : ICheckpointStore
{
    private const string FileExtension = ".checkpoint.json";
    private const int MaxConsumerLength = 64;

    private static readonly SearchValues<char> ConsumerChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    // Serializes read-modify-write of one consumer's file within this process.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>Keeps checkpoints under <paramref name="directory"/>/checkpoints (typically the stream's directory).</summary>
    public FileCheckpointStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        CheckpointDirectory = Path.Combine(Path.GetFullPath(directory), "checkpoints");
    }

    /// <summary>The folder holding the checkpoint files.</summary>
    public string CheckpointDirectory { get; }

    /// <inheritdoc/>
    public ValueTask<StreamPosition> GetAsync(string consumer, string shardId, CancellationToken cancellationToken = default)
    {
        ValidateConsumer(consumer);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        cancellationToken.ThrowIfCancellationRequested();
        var document = Load(consumer);
        return ValueTask.FromResult(
            document is not null && document.Shards.TryGetValue(shardId, out var sequenceNumber)
                ? StreamPosition.After(sequenceNumber)
                : StreamPosition.TrimHorizon);
    }

    /// <inheritdoc/>
    /// <remarks>Committing <see cref="StreamPosition.TrimHorizon"/> removes the shard's checkpoint.</remarks>
    public async ValueTask CommitAsync(string consumer, string shardId, StreamPosition position, CancellationToken cancellationToken = default)
    {
        ValidateConsumer(consumer);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        var gate = _gates.GetOrAdd(consumer, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(CheckpointDirectory))
            {
                Directory.CreateDirectory(CheckpointDirectory);
                DirectorySync.Flush(Path.GetDirectoryName(CheckpointDirectory)!);
            }

            var document = Load(consumer) ?? new CheckpointDocument { Consumer = consumer };
            if (position.SequenceNumber is { } sequenceNumber)
            {
                document.Shards[shardId] = sequenceNumber;
            }
            else
            {
                document.Shards.Remove(shardId);
            }

            AtomicFile.Write(PathFor(consumer), JsonSerializer.SerializeToUtf8Bytes(document, StreamsJsonContext.Default.CheckpointDocument));
        }
        finally
        {
            gate.Release();
        }
    }

    private static void ValidateConsumer(string consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        // The name becomes a file name, so it is restricted to characters that are safe on every file system.
        if (consumer.Length is < 1 or > MaxConsumerLength || consumer.AsSpan().ContainsAnyExcept(ConsumerChars))
        {
            throw new ArgumentException(
                $"Consumer name '{consumer}' is not valid: use 1 to {MaxConsumerLength} characters from A-Z, a-z, 0-9, '.', '_' and '-'.",
                nameof(consumer));
        }
    }

    private string PathFor(string consumer) => Path.Combine(CheckpointDirectory, consumer + FileExtension);

    private CheckpointDocument? Load(string consumer)
    {
        var path = PathFor(consumer);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        try
        {
            var document = JsonSerializer.Deserialize(content, StreamsJsonContext.Default.CheckpointDocument);
            if (document?.Shards is null)
            {
                throw new JsonException("the \"shards\" object is missing");
            }

            // Deserialization builds its own dictionary; keep shard ids case-sensitive like Kinesis.
            document.Shards = new Dictionary<string, string>(document.Shards, StringComparer.Ordinal);
            return document;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"Checkpoint file '{path}' is not a valid checkpoint ({e.Message}). Delete it to make consumer '{consumer}' start again from TRIM_HORIZON, or restore it from a backup.",
                e);
        }
    }
}
