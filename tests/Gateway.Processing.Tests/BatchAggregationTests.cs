using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Tests.Support;

namespace Gateway.Processing.Tests;

public sealed class BatchAggregationTests
{
    [Fact]
    public void Each_output_names_exactly_the_input_records_it_carries_and_every_input_is_in_one_output()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Arb.From(Some.AggregationCase(maxRecords: 60)), c =>
        {
            var users = c.Records.Select(r => r.ToUserRecord()).ToList();

            var puts = BatchAggregation.Aggregate(users, c.Options);

            Assert.Equal(Enumerable.Range(0, users.Count), puts.SelectMany(p => p.UserRecordIndexes).Order());
            foreach (var put in puts)
            {
                var found = new List<(string Pk, byte[] Data)>();
                KplDeaggregator.Deaggregate(put.Data, put.PartitionKey, put.ExplicitHashKey, (in DeaggregatedRecord r) => found.Add((r.PartitionKey, r.Data.ToArray())));
                Assert.Equal(put.UserRecordIndexes.Select(i => (users[i].PartitionKey, users[i].Data.ToArray())), found);
            }
        }));
    }

    [Fact]
    public void A_record_too_large_to_aggregate_is_traced_to_its_own_output()
    {
        var users = new List<UserRecord> { Some.Record("a", "x"), new("a", new byte[6000]), Some.Record("a", "y") };

        var puts = BatchAggregation.Aggregate(users, new KplAggregatorOptions());

        // The open aggregate with record 0 leaves first, then record 1 alone, then record 2.
        Assert.Equal([[0], [1], [2]], puts.Select(p => p.UserRecordIndexes));
        Assert.Equal(6000, puts[1].Data.Length);
    }

    [Fact]
    public void A_record_kinesis_would_refuse_is_named_by_its_position()
    {
        var users = new List<UserRecord> { Some.Record("ok"), new(new string('k', 257), new byte[1]) };

        var ex = Assert.Throws<ArgumentException>(() => BatchAggregation.Aggregate(users, new KplAggregatorOptions()));

        Assert.Contains("User record 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("256-character", ex.Message, StringComparison.Ordinal);
    }
}
