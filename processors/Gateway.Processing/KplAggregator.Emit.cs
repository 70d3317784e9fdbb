using Gateway.Processing.Internal;

namespace Gateway.Processing;

public sealed partial class KplAggregator
{
    private void Emit(OpenAggregate aggregate, int shard)
    {
        if (aggregate.Count == 1 && !aggregate.FirstStartsWithMagic)
        {
            // As the KPL does: one record gains nothing from the 20+ byte envelope, so it goes out as itself.
            // Its own explicit hash key (or none) is kept, so Kinesis routes it exactly as the producer asked.
            Deliver(new KinesisPutRecord(aggregate.FirstPartitionKey, aggregate.FirstExplicitHashKey, aggregate.FirstData, 1, isAggregated: false, shard));
        }
        else
        {
            var length = aggregate.BlobLength;
            _output.Clear();
            var blob = _output.GetSpan(length)[..length];
            aggregate.WriteTo(blob);

            // The outer explicit hash key pins the record to the shard of its first user record. KCL 2.x drops the
            // rest of an aggregate once a sub-record's hash key falls outside the shard it was read from, so every
            // record in here was chosen to map to this same shard (spec 01, section 1.4).
            Span<char> outerHashKey = stackalloc char[HashKeys.MaxExplicitHashKeyLength];
            var written = HashKeys.Format(aggregate.FirstHashKey, outerHashKey);
            Deliver(new KinesisPutRecord(aggregate.FirstPartitionKey, outerHashKey[..written], blob, aggregate.Count, isAggregated: true, shard));
        }

        // Cleared only after the handler returned: if it throws, the records are still here for the next flush.
        aggregate.Clear();
    }

    private void Deliver(in KinesisPutRecord record)
    {
        _inHandler = true;
        try
        {
            _handler(in record);
        }
        finally
        {
            _inHandler = false;
        }
    }
}
