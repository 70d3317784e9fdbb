using System.Text.Json;

namespace Gateway.Processing.Tests.Support;

/// <summary>A published or reference-produced Kinesis record and the user records it holds (data/kpl-vectors.json).</summary>
internal sealed record KplVector(string Name, string OuterPartitionKey, byte[] Data, bool Aggregated, ExpectedRecord[] Records)
{
    public IEnumerable<UserRecord> UserRecords => Records.Select(r => new UserRecord(r.PartitionKey, Some.Utf8(r.Text), r.ExplicitHashKey));

    public override string ToString() => Name;
}

internal sealed record ExpectedRecord(string PartitionKey, string? ExplicitHashKey, string Text);

internal static class KplVectors
{
    private static readonly Lazy<KplVector[]> Loaded = new(Load);

    public static IReadOnlyList<KplVector> All => Loaded.Value;

    public static KplVector Named(string name) => All.Single(v => v.Name == name);

    /// <summary>Vector names for [MemberData].</summary>
    public static TheoryData<string> Names(Func<KplVector, bool>? filter = null)
    {
        var data = new TheoryData<string>();
        foreach (var vector in All.Where(filter ?? (_ => true)))
        {
            data.Add(vector.Name);
        }

        return data;
    }

    private static KplVector[] Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "kpl-vectors.json");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.GetProperty("vectors").EnumerateArray().Select(v => new KplVector(
            v.GetProperty("name").GetString()!,
            v.GetProperty("outerPartitionKey").GetString()!,
            Convert.FromBase64String(v.GetProperty("data").GetString()!),
            v.GetProperty("aggregated").GetBoolean(),
            v.GetProperty("records").EnumerateArray().Select(r => new ExpectedRecord(
                r.GetProperty("partitionKey").GetString()!,
                r.GetProperty("explicitHashKey").GetString(),
                r.GetProperty("text").GetString()!)).ToArray())).ToArray();
    }
}
