using System.Text.Json.Serialization;

namespace Gateway.Lambda;

/// <summary>
/// The partial batch response for a stream event source mapping (needs <c>ReportBatchItemFailures</c> on the mapping;
/// without it Lambda ignores the body).
/// </summary>
public sealed class StreamsEventResponse
{
    /// <summary>The failed records; empty means the whole batch succeeded.</summary>
    [JsonPropertyName("batchItemFailures")]
    public IReadOnlyList<BatchItemFailure> BatchItemFailures { get; set; } = [];

    /// <summary>The whole batch succeeded.</summary>
    public static StreamsEventResponse Success() => new();

    /// <summary>
    /// The response when processing stopped at <paramref name="firstFailedIndex"/> (null: nothing failed); records must be
    /// the event's records in the order received.
    /// </summary>
    /// <remarks>
    /// Lambda checkpoints at the lowest reported sequence number and retries the shard from that record on, so every
    /// record after it is retried anyway: reporting more identifiers changes nothing, and reporting one higher than
    /// the real first failure would checkpoint past an unprocessed record and lose it. So the response carries exactly
    /// one identifier: the lowest sequence number from the first failure on. Within a shard that is the first failed
    /// record's; taking the minimum keeps the guarantee even if a caller passed records out of order. A record with an
    /// empty sequence number yields an empty identifier, which makes Lambda retry the whole batch (the safe side).
    /// </remarks>
    public static StreamsEventResponse RetryFrom(IReadOnlyList<KinesisEventRecord> records, int? firstFailedIndex)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (firstFailedIndex is not { } first)
        {
            return Success();
        }

        ArgumentOutOfRangeException.ThrowIfNegative(first, nameof(firstFailedIndex));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(first, records.Count, nameof(firstFailedIndex));
        var lowest = records[first].Kinesis.SequenceNumber;
        for (var i = first + 1; i < records.Count; i++)
        {
            var candidate = records[i].Kinesis.SequenceNumber;
            if (KinesisSequenceNumber.Compare(candidate, lowest) < 0)
            {
                lowest = candidate;
            }
        }

        return new StreamsEventResponse { BatchItemFailures = [new BatchItemFailure { ItemIdentifier = lowest }] };
    }
}

/// <summary>One failed record of a stream batch.</summary>
public sealed class BatchItemFailure
{
    /// <summary>The failed record's sequence number; an empty or missing value fails the whole batch.</summary>
    [JsonPropertyName("itemIdentifier")]
    public string ItemIdentifier { get; set; } = "";
}
