namespace Gateway.Streams.Internal;

/// <summary>Completes a batch's callers off the writer thread, a slice per thread-pool work item.</summary>
/// <remarks>
/// The callers' continuations (for the edge: writing the pixel response) run inline in these work items, so a
/// batch of N appends costs a few dispatches instead of N. The slices let every core take part; each is at
/// least <see cref="MinSlice"/> callers so a small batch stays one work item.
/// </remarks>
internal sealed class CallerCompletion : IThreadPoolWorkItem
{
    private const int MinSlice = 8;

    private static readonly int MaxSlices = Environment.ProcessorCount;

    private readonly AppendRequest[] _requests;

    private CallerCompletion(AppendRequest[] requests) => _requests = requests;

    /// <summary>Queues the completion of every request in <paramref name="batch"/> (whose outcome the writer has set).</summary>
    public static void Dispatch(List<AppendRequest> batch)
    {
        var slices = Math.Clamp(batch.Count / MinSlice, 1, MaxSlices);
        var size = (batch.Count + slices - 1) / slices;
        for (var start = 0; start < batch.Count; start += size)
        {
            var slice = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch).Slice(start, Math.Min(size, batch.Count - start)).ToArray();
            ThreadPool.UnsafeQueueUserWorkItem(new CallerCompletion(slice), preferLocal: false);
        }
    }

    public void Execute()
    {
        foreach (var request in _requests)
        {
            request.Complete();
        }
    }
}
