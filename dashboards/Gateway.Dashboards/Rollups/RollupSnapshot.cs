using Gateway.Dashboards.Abnormal;
using Gateway.Dashboards.Rollups.Internal;
using Gateway.Streams;

namespace Gateway.Dashboards.Rollups;

/// <summary>
/// What the dashboard keeps across restarts, in one file: the rollups (every bucket, tally and sketch, the pixel ids,
/// the refused and degraded counts), the abnormal-event detector's state, the stream positions the counts correspond to
/// (opaque to this class), the number of events counted, and the time of the save.
/// </summary>
/// <param name="Rollups">The rollup store.</param>
/// <param name="Detector">The abnormal-event detector.</param>
/// <param name="Positions">Stream positions, by name, as the caller wants them back.</param>
/// <param name="TotalEvents">Events counted since the rollups began.</param>
/// <remarks>
/// The file is "GWRS", a format version, a varint payload with every distinct string stored once and sketches in their
/// compact form, and a CRC-32. <see cref="Save"/> replaces it atomically, so a crash leaves the previous snapshot or the
/// new one, never a mix.
/// </remarks>
public sealed record RollupSnapshot(RollupStore Rollups, AbnormalDetector Detector, IReadOnlyDictionary<string, string> Positions, long TotalEvents)
{
    /// <summary>When the snapshot was saved (by the rollups' clock); null for one not read from a file.</summary>
    public DateTimeOffset? SavedAt { get; init; }

    /// <summary>
    /// Writes <paramref name="snapshot"/> to <paramref name="path"/> (creating its folder) through <see cref="AtomicFile"/>.
    /// The store's lock is held only while its buckets are copied, and the detector's while it writes its state; the
    /// encoding and the write happen outside both.
    /// </summary>
    public static void Save(string path, RollupSnapshot snapshot)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(snapshot);
        var bytes = Encode(snapshot);
        var target = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.Write(target, bytes);
    }

    /// <summary>
    /// The snapshot saved at <paramref name="path"/>, with the rollups running on <paramref name="rollupOptions"/> and
    /// <paramref name="time"/> (buckets already past the retention are dropped) and the detector on
    /// <paramref name="detectorOptions"/>; null when there is no file.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a snapshot, is of another format version, is truncated or damaged;
    /// the message names the file, says what is wrong and what to do. The file is left where it is.</exception>
    public static RollupSnapshot? Load(string path, RollupOptions? rollupOptions, AbnormalDetectorOptions? detectorOptions, TimeProvider? time)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Decode(bytes, path, rollupOptions, detectorOptions, time);
    }

    /// <summary>The file's bytes.</summary>
    internal static byte[] Encode(RollupSnapshot snapshot)
    {
        var state = snapshot.Rollups.Capture();
        var detector = snapshot.Detector.ToBytes();
        return SnapshotFormat.Write(state, detector, snapshot.Positions, snapshot.TotalEvents, snapshot.Rollups.Time.GetUtcNow());
    }

    /// <summary>A snapshot read from <paramref name="bytes"/>; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid snapshot.</exception>
    internal static RollupSnapshot Decode(ReadOnlySpan<byte> bytes, string source, RollupOptions? rollupOptions, AbnormalDetectorOptions? detectorOptions, TimeProvider? time)
    {
        rollupOptions ??= new RollupOptions();
        try
        {
            var contents = SnapshotFormat.Read(bytes, rollupOptions.Limits);
            var detector = AbnormalDetector.FromBytes(contents.Detector, detectorOptions);
            var rollups = RollupStore.Restore(rollupOptions, time, contents.State);
            return new RollupSnapshot(rollups, detector, contents.Positions, contents.TotalEvents) { SavedAt = contents.SavedAt };
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException(
                $"The dashboard snapshot {source} cannot be read: {ex.Message} Set the file aside (or delete it) to start with empty rollups; the lake still holds every event, and the streams are read again from their oldest records.",
                ex);
        }
    }
}
