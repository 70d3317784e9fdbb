using Gateway.Streams;

namespace Gateway.Tests.Shared;

/// <summary>Reads a whole record stream in tests: every shard from the trim horizon to the tip.</summary>
internal static class StreamContents
{
    /// <summary>Every record of every shard of <paramref name="stream"/>, oldest first per shard.</summary>
    public static async Task<List<StreamRecord>> ReadAllAsync(IRecordStream stream)
    {
        var records = new List<StreamRecord>();
        foreach (var shard in stream.Description.Shards)
        {
            var position = StreamPosition.TrimHorizon;
            while (true)
            {
                var read = await stream.ReadAsync(shard.ShardId, position, 1000);
                if (read.Records.Count == 0)
                {
                    break;
                }

                records.AddRange(read.Records);
                position = read.Next;
            }
        }

        return records;
    }
}
