using System.Globalization;
using Gateway.Processing.Forwarding;

namespace Gateway.Streams;

/// <summary>What <see cref="ForwardMetricsFile.Load"/> found: the store, and a message to log when the file could not be used.</summary>
public sealed record ForwardMetricsLoad(ForwardMetrics Metrics, string? Problem);

/// <summary>Keeps a <see cref="ForwardMetrics"/> store in one JSON file across restarts.</summary>
public static class ForwardMetricsFile
{
    private const int BufferSize = 64 * 1024;

    /// <summary>The store saved at <paramref name="path"/>; empty when there is none, and empty with a <see cref="ForwardMetricsLoad.Problem"/> when it was corrupt and has been moved aside.</summary>
    /// <remarks>Metrics are not worth stopping the pipeline for, so a corrupt file is set aside rather than thrown;
    /// an I/O failure still throws, since starting empty would overwrite a good file on the next save.</remarks>
    public static ForwardMetricsLoad Load(string path, TimeProvider? time = null, ForwardMetricsOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ForwardMetricsLoad(new ForwardMetrics(time, options), null);
        }

        InvalidDataException corrupt;
        using (stream)
        {
            try
            {
                return new ForwardMetricsLoad(ForwardMetrics.ReadFrom(stream, time, options), null);
            }
            catch (InvalidDataException ex)
            {
                corrupt = ex;
            }
        }

        // Moved only once closed: Windows cannot rename an open file.
        var empty = new ForwardMetrics(time, options);
        try
        {
            var aside = MoveAside(path, (time ?? TimeProvider.System).GetUtcNow());
            return new ForwardMetricsLoad(empty, $"{path} is unreadable ({corrupt.Message}); moved it to {aside} and started with empty metrics");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ForwardMetricsLoad(empty, $"{path} is unreadable ({corrupt.Message}) and could not be moved aside ({ex.Message}); started with empty metrics, the next save replaces it");
        }
    }

    /// <summary>Replaces <paramref name="path"/> with the store's JSON (<see cref="AtomicFile"/>): after a crash either the old or the new file is there, never a mix.</summary>
    public static void Save(ForwardMetrics metrics, string path)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var target = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var buffer = new MemoryStream();
        metrics.WriteTo(buffer);
        AtomicFile.Write(target, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static string MoveAside(string path, DateTimeOffset now)
    {
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var aside = $"{path}.corrupt-{stamp}";
        // Two corrupt loads within one second must not overwrite the first file set aside.
        for (var n = 2; File.Exists(aside) || Directory.Exists(aside); n++)
        {
            aside = string.Create(CultureInfo.InvariantCulture, $"{path}.corrupt-{stamp}-{n}");
        }

        File.Move(path, aside);
        return aside;
    }
}
