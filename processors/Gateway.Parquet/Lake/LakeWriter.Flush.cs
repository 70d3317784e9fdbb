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

        await CommitFinishedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes every open partition, then closes and commits every file: after it returns, <see cref="DurableThrough"/> covers every row added.</summary>
    public async ValueTask FlushAllAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        foreach (var file in _open.Values.ToList())
        {
            Seal(file);
        }

        await CommitFinishedAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CommitFinishedAsync(CancellationToken cancellationToken)
    {
        // Oldest first, so the durable position moves as early as it can.
        foreach (var file in _sealed.OrderBy(f => f.FirstPosition))
        {
            try
            {
                await file.CloseAsync(KeyFor(file), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // The rows of this file exist nowhere else now: only a re-read from the checkpoint brings them back.
                Fault();
                file.Abandon();
                throw;
            }

            _pending.Add(file);
        }

        _sealed.Clear();
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
