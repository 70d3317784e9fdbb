using System.Buffers;

namespace Gateway.Streams.Internal;

/// <content>One group commit: encode, write, fsync, then publish or roll back each shard's share, then complete the callers.</content>
internal sealed partial class GroupCommitWriter
{
    private void ProcessBatch()
    {
        lock (_ioLock)
        {
            try
            {
                Encode();
                WriteChunks();
                if (_durability == Durability.Fsync)
                {
                    FlushShards();
                }
            }
            catch (Exception error)
            {
                // Unexpected (the steps above catch I/O errors per shard): nothing in the batch may be acknowledged.
                foreach (var pending in _pending)
                {
                    pending.Error ??= pending.Count > 0 ? error : null;
                }
            }

            Settle();
        }

        CompleteCallers();
    }

    private void Encode()
    {
        foreach (var pending in _pending)
        {
            pending.Count = 0;
            pending.Bytes = 0;
        }

        foreach (var request in _batch)
        {
            var pending = _pending[request.ShardIndex];
            pending.Count++;
            pending.Bytes += request.EncodedLength;
        }

        var offset = 0;
        for (var i = 0; i < _shards.Length; i++)
        {
            if (_pending[i].Count > 0)
            {
                _pending[i].Begin(_shards[i], offset);
                offset += _pending[i].Bytes;
            }
        }

        if (_buffer.Length < offset)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(offset);
        }

        var arrival = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var request in _batch)
        {
            var pending = _pending[request.ShardIndex];
            if (pending.Error is not null)
            {
                continue;
            }

            var shard = _shards[request.ShardIndex];
            try
            {
                var active = shard.Active!;
                var unwritten = pending.Cursor - pending.ChunkStart;
                if (active.Length + unwritten > 0 && active.Length + unwritten + request.EncodedLength > _segmentSize)
                {
                    Roll(shard, pending);
                }

                // Arrival times never go backwards within a shard, so a segment's newest record is no newer than the
                // next segment's first one; retention relies on that instead of scanning whole segments.
                var stamp = Math.Max(arrival, shard.LastArrivalUnixMs);
                shard.LastArrivalUnixMs = stamp;
                request.SequenceNumber = shard.NextSequenceNumber++;
                pending.Cursor += RecordCodec.Encode(
                    _buffer.AsSpan(pending.Cursor, request.EncodedLength), request.SequenceNumber, stamp, request.PartitionKey, request.Data.Span);
            }
            catch (Exception error)
            {
                pending.Error = error;
            }
        }
    }

    /// <summary>Starts a new segment: the old one gets its pending bytes and an fsync first.</summary>
    /// <remarks>A segment is complete and durable before its successor exists, so recovery only ever has to check the newest segment.</remarks>
    private void Roll(ShardLog shard, PendingShard pending)
    {
        var old = shard.Active!;
        if (pending.Cursor > pending.ChunkStart)
        {
            Inject("write");
            old.Append(_buffer.AsSpan(pending.ChunkStart, pending.Cursor - pending.ChunkStart));
            pending.ChunkStart = pending.Cursor;
        }

        old.Seal();
        Inject("fsync");
        if (old.Flush())
        {
            Interlocked.Increment(ref _counters.Fsyncs);
        }

        var next = SegmentFile.CreateNew(shard.Directory, shard.NextSequenceNumber, _preallocateUpTo);
        (pending.Created ??= []).Add(next);
        shard.Active = next;
        shard.AddSegment(next.Info);
        // The new file's directory entry must be durable before records in it are acknowledged.
        DirectorySync.Flush(shard.Directory);
    }

    private void WriteChunks()
    {
        for (var i = 0; i < _shards.Length; i++)
        {
            var pending = _pending[i];
            if (pending.Count == 0 || pending.Error is not null || pending.Cursor == pending.ChunkStart)
            {
                continue;
            }

            try
            {
                Inject("write");
                _shards[i].Active!.Append(_buffer.AsSpan(pending.ChunkStart, pending.Cursor - pending.ChunkStart));
                pending.ChunkStart = pending.Cursor;
            }
            catch (Exception error)
            {
                pending.Error = error;
            }
        }
    }

    private void FlushShards()
    {
        var count = 0;
        for (var i = 0; i < _shards.Length; i++)
        {
            if (_pending[i].Count > 0 && _pending[i].Error is null)
            {
                _toFlush[count++] = i;
            }
        }

        _flusher.FlushAll(_toFlush, count);
    }

    /// <summary>Runs on the writer or a flusher thread; each touches only its own shard's state.</summary>
    private void FlushShard(int index)
    {
        try
        {
            Inject("fsync");
            if (_shards[index].Active!.Flush())
            {
                Interlocked.Increment(ref _counters.Fsyncs);
            }
        }
        catch (Exception error)
        {
            _pending[index].Error = error;
        }
    }

    /// <summary>Publishes each shard's new commit point, or undoes its part of the batch.</summary>
    private void Settle()
    {
        for (var i = 0; i < _shards.Length; i++)
        {
            var pending = _pending[i];
            if (pending.Count == 0)
            {
                continue;
            }

            var shard = _shards[i];
            if (pending.Error is null)
            {
                if (pending.Created is { Count: > 0 } created)
                {
                    // Segments rolled away from are complete (and fsynced); the writer is done with them.
                    pending.ActiveAtStart!.Dispose();
                    for (var c = 0; c < created.Count - 1; c++)
                    {
                        created[c].Dispose();
                    }
                }

                var active = shard.Active!;
                shard.Publish(new CommitPoint(shard.NextSequenceNumber - 1, active.Info.FirstSequenceNumber, active.Length));
            }
            else if (shard.Fault is null)
            {
                Rollback(shard, pending);
            }

            pending.Created = null;
        }
    }

    /// <summary>Returns the shard's files and counters to where the batch found them, so the failed records never appear
    /// and the next batch reuses their sequence numbers; if even that fails the shard is faulted until reopened.</summary>
    private void Rollback(ShardLog shard, PendingShard pending)
    {
        try
        {
            if (pending.Created is { } created)
            {
                for (var c = created.Count - 1; c >= 0; c--)
                {
                    shard.RemoveSegment(created[c].Info);
                    created[c].Dispose();
                    File.Delete(created[c].Info.Path);
                }

                DirectorySync.Flush(shard.Directory);
            }

            var active = pending.ActiveAtStart!;
            shard.Active = active;
            shard.NextSequenceNumber = pending.NextSequenceAtStart;
            shard.LastArrivalUnixMs = pending.LastArrivalAtStart;
            if (active.Length != pending.LengthAtStart || active.Dirty)
            {
                active.Truncate(pending.LengthAtStart);
                Interlocked.Increment(ref _counters.Fsyncs);
            }
        }
        catch (Exception error)
        {
            shard.Fault = error;
        }
    }

    private void CompleteCallers()
    {
        var appended = 0L;
        var bytes = 0L;
        var failed = 0L;
        foreach (var request in _batch)
        {
            var pending = _pending[request.ShardIndex];
            if (pending.Error is { } error)
            {
                failed++;
                request.Fail(error);
            }
            else
            {
                appended++;
                bytes += request.EncodedLength;
                request.Succeed();
            }
        }

        foreach (var pending in _pending)
        {
            pending.Error = null;
        }

        Interlocked.Increment(ref _counters.Batches);
        Interlocked.Add(ref _counters.RecordsAppended, appended);
        Interlocked.Add(ref _counters.BytesAppended, bytes);
        Interlocked.Add(ref _counters.AppendFailures, failed);
    }

    private void Inject(string operation) => _faultInjection?.Invoke(operation);

    /// <summary>One shard's share of the current batch, and its state before the batch for rollback.</summary>
    private sealed class PendingShard
    {
        public int Count;
        public int Bytes;

        /// <summary>Buffer offset of encoded bytes not yet written to the active segment.</summary>
        public int ChunkStart;

        /// <summary>Buffer offset where the next record is encoded.</summary>
        public int Cursor;

        public Exception? Error;
        public SegmentFile? ActiveAtStart;
        public long LengthAtStart;
        public long NextSequenceAtStart;
        public long LastArrivalAtStart;
        public List<SegmentFile>? Created;

        public void Begin(ShardLog shard, int offset)
        {
            ChunkStart = offset;
            Cursor = offset;
            ActiveAtStart = shard.Active;
            LengthAtStart = shard.Active?.Length ?? 0;
            NextSequenceAtStart = shard.NextSequenceNumber;
            LastArrivalAtStart = shard.LastArrivalUnixMs;
            Created = null;
            Error = shard.Fault is { } fault
                ? new IOException($"Shard {shard.ShardId} stopped accepting appends after an I/O error that could not be rolled back ({fault.Message}). Reopen the stream to recover it.", fault)
                : null;
        }
    }
}
