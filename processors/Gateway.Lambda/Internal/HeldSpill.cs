using Gateway.Processing.Forwarding;

namespace Gateway.Lambda.Internal;

/// <summary>
/// The forward handler's spill: deliveries a sender could not get through are held in memory for the invocation instead
/// of being stored, so the handler can leave them in the stream (a partial batch response) while they are young and store
/// them in <see cref="Store"/> only once their records are too old to keep retrying. Reading, listing and completing go
/// to <see cref="Store"/>, so the senders' redrive resends what earlier invocations stored there.
/// </summary>
internal sealed class HeldSpill(IDeliveryStore store) : IDeliveryStore
{
    private readonly Lock _gate = new();
    private List<Delivery> _held = [];

    /// <summary>The durable spill.</summary>
    public IDeliveryStore Store { get; } = store;

    public string Location => Store.Location;

    /// <summary>Takes what was held since the last call, leaving nothing held.</summary>
    public List<Delivery> Take()
    {
        lock (_gate)
        {
            var held = _held;
            _held = [];
            return held;
        }
    }

    public Task<StoredBatch?> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        lock (_gate)
        {
            _held.AddRange(deliveries);
        }

        return Task.FromResult<StoredBatch?>(null);
    }

    public Task<IReadOnlyList<StoredBatch>> ListAsync(string? destination = null, CancellationToken cancellationToken = default) =>
        Store.ListAsync(destination, cancellationToken);

    public Task<IReadOnlyList<Delivery>> ReadAsync(StoredBatch batch, List<string>? problems = null, CancellationToken cancellationToken = default) =>
        Store.ReadAsync(batch, problems, cancellationToken);

    public Task CompleteAsync(StoredBatch batch, IReadOnlyList<Delivery> remaining, CancellationToken cancellationToken = default) =>
        Store.CompleteAsync(batch, remaining, cancellationToken);
}
