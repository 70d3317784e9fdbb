using Gateway.Parquet.Lake.Internal;

namespace Gateway.Parquet.Lake;

/// <summary>Finishing, naming and committing files, and the durable position that follows from them.</summary>
public sealed partial class LakeWriter
{
    /// <summary>
    /// Finishes the partitions whose buffer interval has passed, then closes and commits every finished file. Throws
    /// what the store threw when a commit fails (the file stays pending and the next flush retries it), or what closing
    /// a file threw (then <see cref="IsFaulted"/> is set).
    /// </summary>
    public async ValueTask FlushDueAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (_options.BufferTime != Timeout.InfiniteTimeSpan)
        {
            var now = _time.GetUtcNow();
            foreach (var file in _open.Values.Where(f => now - f.OpenedAt >= _options.BufferTime).ToList())
            {
                Seal(file);
            }
        }

        await CommitFinishedAsync(waitForClosing: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits the finished files whose background close is done, without waiting for the others — for a caller that
    /// keeps adding rows meanwhile (replay). Waits for the oldest close only when more than two are running, so memory
    /// held by closing files stays bounded.
    /// </summary>
    public async ValueTask CommitClosedAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        while (_sealed.Count(f => !f.Closing!.IsCompleted) > MaxClosing)
        {
            var oldest = _sealed.Where(f => !f.Closing!.IsCompleted).MinBy(f => f.FirstPosition)!;
            try
            {
                await oldest.Closing!.ConfigureAwait(false);
            }
            catch
            {
                // Observed and handled below, with the file's rows.
            }
        }

        await CommitFinishedAsync(waitForClosing: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes every open partition, then closes and commits every file: after it returns, <see cref="DurableThrough"/> covers every row added.</summary>
    public async ValueTask FlushAllAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        foreach (var file in _open.Values.ToList())
        {
            Seal(file);
        }

        await CommitFinishedAsync(waitForClosing: true, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CommitFinishedAsync(bool waitForClosing, CancellationToken cancellationToken)
    {
        // Oldest first, so the durable position moves as early as it can.
        foreach (var file in _sealed.OrderBy(f => f.FirstPosition).ToList())
        {
            if (!waitForClosing && !file.Closing!.IsCompleted)
            {
                continue;
            }

            try
            {
                await file.Closing!.ConfigureAwait(false);
            }
            catch
            {
                // The rows of this file exist nowhere else now: only a re-read from the checkpoint brings them back.
                Fault();
                _sealed.Remove(file);
                file.Abandon();
                throw;
            }

            _sealed.Remove(file);
            _pending.Add(file);
        }

        Volatile.Write(ref _pendingCount, _pending.Count);
        while (_pending.Count > 0)
        {
            var file = _pending[0];
            try
            {
                await _store.CommitAsync(file.Key!, file.StagedPath, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _commitFailures);
                if (ex is FileNotFoundException && !File.Exists(file.StagedPath))
                {
                    // Someone removed the staged file (a clean-up of leftovers gone wrong): a retry cannot bring the rows back.
                    Fault();
                }

                throw;
            }

            _pending.RemoveAt(0);
            Volatile.Write(ref _pendingCount, _pending.Count);
            _tables[(int)file.Table].Committed(file.Rows, file.Bytes);
            Interlocked.Add(ref _bufferedRows, -file.Rows);
            UpdateDurableThrough();
        }
    }

    private string KeyFor(PartitionFile file)
    {
        var id = new PartitionId(file.Table, file.Keys);
        _fileNumbers.TryGetValue(id, out var number);
        _fileNumbers[id] = number + 1;
        var stream = LakeFileNames.DeliveryStreamName(_options.FilePrefix, file.Table);
        var name = _options.NameSeed is { } seed
            ? LakeFileNames.FileName(stream, LakeFileNames.HourStart(file.Keys), LakeFileNames.DeterministicId(seed, file.Table, file.Keys, number))
            // Firehose names a file by its delivery time and a random UUID.
            : LakeFileNames.FileName(stream, _time.GetUtcNow(), Guid.NewGuid());
        return LakeFileNames.PartitionPrefix(file.Table, file.Keys) + name;
    }

    private void UpdateDurableThrough()
    {
        var oldest = long.MaxValue;
        foreach (var file in _open.Values)
        {
            oldest = Math.Min(oldest, file.FirstPosition);
        }

        foreach (var file in _sealed)
        {
            oldest = Math.Min(oldest, file.FirstPosition);
        }

        foreach (var file in _pending)
        {
            oldest = Math.Min(oldest, file.FirstPosition);
        }

        Interlocked.Exchange(ref _durableThrough, oldest == long.MaxValue ? _highestPosition : oldest - 1);
    }
}
