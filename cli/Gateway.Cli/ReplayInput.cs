using System.Buffers;
using System.IO.Compression;

namespace Gateway.Cli;

/// <summary>
/// One replay input: a file of CloudFront real-time log lines (plain or gzip, detected by its magic bytes, not its
/// name) or standard input for <c>-</c>. Lines are handed out in chunks of pooled memory for the enrich workers.
/// </summary>
internal sealed class ReplayInput : IDisposable
{
    // Longest line accepted; a longer one is cut into a bad row by the parser's own size check (field count, oversized).
    private const int MaxLineBytes = 1024 * 1024;
    private const int ReadBytes = 1 << 20;

    private readonly Stream _raw;
    private readonly Stream _lines;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ReadBytes * 2);
    private int _start;
    private int _end;
    private bool _eof;

    private ReplayInput(string name, Stream raw, Stream lines, long? length, DateTimeOffset arrival)
    {
        Name = name;
        _raw = raw;
        _lines = lines;
        Length = length;
        Arrival = arrival;
    }

    /// <summary>The path, or <c>stdin</c>.</summary>
    public string Name { get; }

    /// <summary>Size of the input on disk (compressed size for gzip); null for standard input.</summary>
    public long? Length { get; }

    /// <summary>Bytes of the input on disk consumed so far (for progress and ETA).</summary>
    public long Position => _raw.CanSeek ? _raw.Position : 0;

    /// <summary>
    /// The arrival time given to the enricher: it dates only a bad row whose line has no readable timestamp. The file's
    /// last-write time keeps re-runs of the same file identical; standard input has no such time and uses now.
    /// </summary>
    public DateTimeOffset Arrival { get; }

    /// <summary>Opens <paramref name="path"/> (or standard input for <c>-</c>).</summary>
    /// <exception cref="IOException">The file cannot be opened or its gzip header is broken; the message names it.</exception>
    public static ReplayInput Open(string path)
    {
        if (path == "-")
        {
            var stdin = Console.OpenStandardInput();
            var buffered = new BufferedStream(stdin, ReadBytes);
            return new ReplayInput("stdin", buffered, MaybeGzip(buffered), null, DateTimeOffset.UtcNow);
        }

        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, ReadBytes, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot open '{path}': {ex.Message}", ex);
        }

        var arrival = new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero);
        return new ReplayInput(path, file, MaybeGzip(file), file.Length, arrival);
    }

    /// <summary>
    /// Up to <paramref name="maxLines"/> lines (without their newline) into <paramref name="chunk"/>; false at the end of
    /// the input. A final line without a newline counts; empty lines are skipped.
    /// </summary>
    public bool TryReadChunk(ReplayChunk chunk, int maxLines)
    {
        chunk.Clear();
        while (chunk.Count < maxLines)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                AddLine(chunk, available[..newline]);
                _start += newline + 1;
                continue;
            }

            if (_eof)
            {
                if (!available.IsEmpty)
                {
                    AddLine(chunk, available);
                    _start = _end;
                }

                break;
            }

            Fill();
        }

        return chunk.Count > 0;
    }

    public void Dispose()
    {
        _lines.Dispose();
        _raw.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private static void AddLine(ReplayChunk chunk, ReadOnlySpan<byte> line)
    {
        if (line.EndsWith("\r"u8))
        {
            line = line[..^1];
        }

        if (!line.IsEmpty)
        {
            chunk.Add(line);
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep the partial line at the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes * 2)
            {
                // A "line" this long is not a real-time log record: hand it over cut, the parser makes it a bad row.
                _buffer[_end - 1] = (byte)'\n';
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var read = _lines.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private static Stream MaybeGzip(Stream stream)
    {
        // Peek the two magic bytes without consuming them: a BufferedStream/FileStream can seek back.
        Span<byte> magic = stackalloc byte[2];
        var read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        if (stream.CanSeek)
        {
            stream.Seek(-read, SeekOrigin.Current);
            return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
        }

        // Standard input cannot seek: put the bytes back in front.
        var prefix = new MemoryStream(magic[..read].ToArray());
        var whole = new ConcatenatedStream(prefix, stream);
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(whole, CompressionMode.Decompress) : whole;
    }

    /// <summary>A read-only stream of one stream followed by another.</summary>
    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        private bool _onFirst = true;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_onFirst)
            {
                var read = first.Read(buffer);
                if (read > 0)
                {
                    return read;
                }

                _onFirst = false;
            }

            return second.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A run of input lines packed into one pooled buffer, with their offsets.</summary>
internal sealed class ReplayChunk
{
    private byte[] _bytes = new byte[256 * 1024];
    private int[] _offsets = new int[4097];
    private int _used;

    /// <summary>Lines held.</summary>
    public int Count { get; private set; }

    /// <summary>Line <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    /// <summary>Bytes of all lines held.</summary>
    public int Bytes => _used;

    /// <summary>The bytes of all lines, back to back.</summary>
    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, _used);

    /// <summary>Where line <paramref name="index"/> lies in <see cref="Memory"/>.</summary>
    public Range Range(int index) => _offsets[index].._offsets[index + 1];

    public void Clear()
    {
        Count = 0;
        _used = 0;
        _offsets[0] = 0;
    }

    public void Add(ReadOnlySpan<byte> line)
    {
        if (_used + line.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + line.Length));
        }

        if (Count + 2 > _offsets.Length)
        {
            Array.Resize(ref _offsets, _offsets.Length * 2);
        }

        line.CopyTo(_bytes.AsSpan(_used));
        _used += line.Length;
        Count++;
        _offsets[Count] = _used;
    }
}
