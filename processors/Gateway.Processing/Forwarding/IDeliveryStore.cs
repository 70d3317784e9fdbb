namespace Gateway.Processing.Forwarding;

/// <summary>One stored batch of deliveries: its id, destination, creation time, size and where it is kept.</summary>
public sealed record StoredBatch(string Id, string Destination, DateTimeOffset Created, long Bytes, string Path);

/// <summary>
/// Where deliveries wait on durable storage: the dead-letter store (rejected, until a fix and a replay) and the spill
/// (a destination's outage, resent automatically). The I/O seam between the senders and the disk (local) or S3 (AWS).
/// </summary>
/// <remarks>A full client address must never reach the store: implementations cut a payload's
/// <c>user_data.client_ip_address</c> to its prefix (<see cref="DeliveryPayloads.Redact"/>).</remarks>
public interface IDeliveryStore
{
    /// <summary>Where the store lives, for messages.</summary>
    string Location { get; }

    /// <summary>Stores <paramref name="deliveries"/> (all for one destination) as one batch; durable when the task completes.</summary>
    Task<StoredBatch?> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>The stored batches, oldest first; of one destination, or of all.</summary>
    Task<IReadOnlyList<StoredBatch>> ListAsync(string? destination = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a batch; what cannot be read is reported in <paramref name="problems"/> and kept by <see cref="CompleteAsync"/>.</summary>
    Task<IReadOnlyList<Delivery>> ReadAsync(StoredBatch batch, List<string>? problems = null, CancellationToken cancellationToken = default);

    /// <summary>Finishes a batch: keeps only <paramref name="remaining"/> (and anything unreadable), or removes it when nothing is left.</summary>
    Task CompleteAsync(StoredBatch batch, IReadOnlyList<Delivery> remaining, CancellationToken cancellationToken = default);
}

/// <summary>Helpers over any <see cref="IDeliveryStore"/>.</summary>
public static class DeliveryPayloads
{
    /// <summary>Batches and bytes stored, per destination.</summary>
    public static async Task<IReadOnlyDictionary<string, (int Batches, long Bytes)>> TotalsAsync(this IDeliveryStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (await store.ListAsync(null, cancellationToken).ConfigureAwait(false)).GroupBy(b => b.Destination, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (g.Count(), g.Sum(b => b.Bytes)), StringComparer.Ordinal);
    }

    /// <summary>A payload fit for storage: <c>user_data.client_ip_address</c> cut to its /24 or /48 prefix (dropped when it is no address); any other payload as it is.</summary>
    public static ReadOnlySpan<byte> Redact(ReadOnlySpan<byte> payload)
    {
        if (payload.IndexOf("\"client_ip_address\""u8) < 0)
        {
            return payload;
        }

        var node = System.Text.Json.Nodes.JsonNode.Parse(payload);
        if (node?["user_data"] is System.Text.Json.Nodes.JsonObject userData && userData["client_ip_address"] is System.Text.Json.Nodes.JsonValue address && address.TryGetValue<string>(out var ip))
        {
            if (Enrichment.IpPrefix.From(ip) is { } prefix)
            {
                userData["client_ip_address"] = prefix;
            }
            else
            {
                userData.Remove("client_ip_address");
            }
        }

        return System.Text.Encoding.UTF8.GetBytes(node!.ToJsonString());
    }
}
