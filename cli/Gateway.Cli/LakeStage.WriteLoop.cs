using Gateway.Parquet.Lake;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>The writing half of the lake stage: rows into the writer, flushes on time, checkpoints by durability.</summary>
internal sealed partial class LakeStage
{
    /// <summary>The single consumer of the batch queue: rows into the writer, flushes, and checkpoints.</summary>
    private sealed class WriteLoop(LakeStage stage, LakeWriter writer, System.Threading.Channels.ChannelReader<LakeBatch> input)
    {
        // Per (consumer, shard): batches not yet durable, as (last source position in the batch, position after the batch).
        private readonly Dictionary<(string Consumer, string ShardId), Queue<(long Last, StreamPosition Next)>> _undurable = [];
        private readonly Dictionary<(string Consumer, string ShardId), StreamPosition> _durable = [];
        private readonly Dictionary<(string Consumer, string ShardId), StreamPosition> _checkpointed = [];
        private long _position = -1;
        private TimeSpan _retryDelay = stage._stageOptions.RetryBaseDelay;
        private DateTimeOffset _retryAt = DateTimeOffset.MinValue;

        public async Task RunAsync(CancellationToken stop)
        {
            Task<bool>? waiting = null;
            while (true)
            {
                stop.ThrowIfCancellationRequested();
                // While commits fail, reading pauses: staged files must not pile up behind an unreachable store.
                while (!CommitsFailing && input.TryRead(out var batch))
                {
                    Add(batch);
                    await FlushAsync(all: false, stop).ConfigureAwait(false);
                }

                if (CommitsFailing)
                {
                    await WaitForRetryAsync(stop).ConfigureAwait(false);
                    await FlushAsync(all: false, stop).ConfigureAwait(false);
                    continue;
                }

                if (input.Completion.IsCompleted)
                {
                    // Draining, and both streams are read to their end (or a reader failed: this throws its error).
                    await input.Completion.ConfigureAwait(false);
                    while (!await FlushAsync(all: true, stop).ConfigureAwait(false))
                    {
                        await WaitForRetryAsync(stop).ConfigureAwait(false);
                    }

                    return;
                }

                await FlushAsync(all: false, stop).ConfigureAwait(false);
                if (CommitsFailing)
                {
                    continue;
                }

                waiting ??= input.WaitToReadAsync(stop).AsTask();
                if (writer.NextDueAt is { } due)
                {
                    var delay = due - stage._time.GetUtcNow();
                    if (delay > TimeSpan.Zero)
                    {
                        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
                        await Task.WhenAny(waiting, Task.Delay(delay, stage._time, timer.Token)).ConfigureAwait(false);
                        await timer.CancelAsync().ConfigureAwait(false);
                    }
                }
                else
                {
                    await waiting.ConfigureAwait(false);
                }

                if (waiting.IsCompleted)
                {
                    // True: batches are queued; false: the queue completed. Either way the next round handles it.
                    await waiting.ConfigureAwait(false);
                    waiting = null;
                }
            }
        }

        private bool CommitsFailing => writer.Stats.PendingFiles > 0;

        private void Add(LakeBatch batch)
        {
            foreach (var record in batch.Records)
            {
                _position++;
                var (row, bad) = batch.Source.IsEvents ? LakeRecords.ReadEvent(record) : (null, LakeRecords.ReadBadRow(record));
                if (row is not null)
                {
                    writer.Add(row, _position);
                }
                else
                {
                    writer.Add(bad!, _position);
                }
            }

            var key = (batch.Source.Consumer, batch.ShardId);
            if (!_undurable.TryGetValue(key, out var queue))
            {
                _undurable[key] = queue = new Queue<(long, StreamPosition)>();
            }

            queue.Enqueue((_position, batch.Next));
        }

        /// <summary>Flushes (due partitions, or all) and checkpoints what became durable; false when a commit failed and waits for its retry.</summary>
        private async Task<bool> FlushAsync(bool all, CancellationToken stop)
        {
            if (stage._time.GetUtcNow() < _retryAt)
            {
                return false;
            }

            try
            {
                if (all)
                {
                    await writer.FlushAllAsync(stop).ConfigureAwait(false);
                }
                else
                {
                    await writer.FlushDueAsync(stop).ConfigureAwait(false);
                }

                _retryDelay = stage._stageOptions.RetryBaseDelay;
                _retryAt = DateTimeOffset.MinValue;
                return true;
            }
            catch (Exception error) when (!writer.IsFaulted && error is not OperationCanceledException)
            {
                // The file stays pending in the writer and holds the checkpoint back; it is committed again later.
                stage._stageOptions.OnFailure?.Invoke("commit", error, _retryDelay);
                _retryAt = stage._time.GetUtcNow() + _retryDelay;
                _retryDelay = stage.Next(_retryDelay);
                return false;
            }
            finally
            {
                if (!writer.IsFaulted)
                {
                    await CheckpointAsync().ConfigureAwait(false);
                }
            }
        }

        private async Task WaitForRetryAsync(CancellationToken stop)
        {
            var delay = _retryAt - stage._time.GetUtcNow();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, stage._time, stop).ConfigureAwait(false);
            }
        }

        private async Task CheckpointAsync()
        {
            var durable = writer.DurableThrough;
            foreach (var (key, queue) in _undurable)
            {
                while (queue.TryPeek(out var batch) && batch.Last <= durable)
                {
                    _durable[key] = queue.Dequeue().Next;
                }
            }

            foreach (var (key, position) in _durable)
            {
                if (_checkpointed.TryGetValue(key, out var done) && done == position)
                {
                    continue;
                }

                try
                {
                    await stage._checkpoints.CommitAsync(key.Consumer, key.ShardId, position, CancellationToken.None).ConfigureAwait(false);
                    _checkpointed[key] = position;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // Not moved this time; the rows are committed, so a crash before the next try only replays them.
                    stage._stageOptions.OnFailure?.Invoke("checkpoint", error, TimeSpan.Zero);
                }
            }
        }
    }
}
