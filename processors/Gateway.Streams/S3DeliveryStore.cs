using Amazon.S3;
using Gateway.Aws.S3;
using Gateway.Processing.Forwarding;

namespace Gateway.Streams;

/// <summary>
/// Deliveries kept in S3: the forward Lambda's dead-letter store and spill, one object per stored batch at
/// <c>s3://{bucket}/{prefix}{destination}/{id}.jsonl</c>, in <see cref="DeliveryBatchFormat"/> — the same lines as
/// <see cref="FileDeliveryStore"/>, so <c>gateway dlq</c> reads either.
/// </summary>
/// <remarks>
/// <para>Durability: PutObject makes an object visible whole or not at all, and <see cref="AddAsync"/> returns after S3
/// acknowledged it, so the caller acknowledges its input only once the batch is stored.</para>
/// <para>Privacy: a Meta payload's <c>client_ip_address</c> is cut to its /24 or /48 prefix before the object is
/// written; a Lambda sees full addresses, the bucket never does.</para>
/// </remarks>
public sealed class S3DeliveryStore : IDeliveryStore
{
    private readonly S3ObjectStore _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private long _sequence;

    /// <summary>A store under <paramref name="prefix"/> (empty, or ending in <c>/</c>) of <paramref name="bucket"/>; the client stays the caller's.</summary>
    public S3DeliveryStore(S3ObjectStore s3, string bucket, string prefix, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 0 && !prefix.EndsWith('/'))
        {
            throw new ArgumentException($"The prefix '{prefix}' must end in '/' (or be empty).", nameof(prefix));
        }

        _s3 = s3;
        _bucket = bucket;
        _prefix = prefix;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string Location => $"s3://{_bucket}/{_prefix}";

    /// <inheritdoc/>
    public async Task<StoredBatch?> AddAsync(IReadOnlyList<Delivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return null;
        }

        var destination = DeliveryBatchFormat.CheckDestination(deliveries[0].Destination);
        var now = _time.GetUtcNow();
        var id = DeliveryBatchFormat.NewBatchId(now, Interlocked.Increment(ref _sequence));
        var key = $"{_prefix}{destination}/{id}";
        var bytes = DeliveryBatchFormat.Write(deliveries, now);
        await _s3.PutAsync(_bucket, key, bytes, cancellationToken).ConfigureAwait(false);
        return new StoredBatch(id, destination, now, bytes.Length, key);
    }

    /// <inheritdoc/>
    /// <remarks>Objects whose names this store did not make (another extension, deeper folders) are left out.</remarks>
    public async Task<IReadOnlyList<StoredBatch>> ListAsync(string? destination = null, CancellationToken cancellationToken = default)
    {
        var under = destination is null ? _prefix : $"{_prefix}{DeliveryBatchFormat.CheckDestination(destination)}/";
        var batches = new List<StoredBatch>();
        foreach (var entry in await _s3.ListAsync(_bucket, under, cancellationToken).ConfigureAwait(false))
        {
            var rest = entry.Key.AsSpan(_prefix.Length);
            var slash = rest.IndexOf('/');
            if (slash <= 0 || rest[(slash + 1)..].Contains('/') || !rest.EndsWith(DeliveryBatchFormat.Extension, StringComparison.Ordinal))
            {
                continue;
            }

            var id = rest[(slash + 1)..].ToString();
            batches.Add(new StoredBatch(id, rest[..slash].ToString(), DeliveryBatchFormat.CreatedOf(id, DateTimeOffset.UnixEpoch), entry.Bytes, entry.Key));
        }

        batches.Sort(DeliveryBatchFormat.Compare);
        return batches;
    }

    /// <inheritdoc/>
    /// <remarks>A batch removed meanwhile (another instance finished it) reads as empty.</remarks>
    public async Task<IReadOnlyList<Delivery>> ReadAsync(StoredBatch batch, List<string>? problems = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var parsed = await GetAsync(batch, cancellationToken).ConfigureAwait(false);
        problems?.AddRange(parsed.Unreadable.Select(u => $"{batch.Destination}/{batch.Id} line {u.Number}: not a stored delivery"));
        return parsed.Deliveries;
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(StoredBatch batch, IReadOnlyList<Delivery> remaining, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(remaining);
        var unreadable = (await GetAsync(batch, cancellationToken).ConfigureAwait(false)).Unreadable;
        if (remaining.Count == 0 && unreadable.Count == 0)
        {
            await _s3.DeleteAsync(_bucket, batch.Path, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _s3.PutAsync(_bucket, batch.Path, DeliveryBatchFormat.Write(remaining, _time.GetUtcNow(), unreadable.Select(u => u.Text)), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ParsedBatch> GetAsync(StoredBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            return DeliveryBatchFormat.Read(await _s3.GetAsync(_bucket, batch.Path, cancellationToken).ConfigureAwait(false));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new ParsedBatch([], []);
        }
    }
}
