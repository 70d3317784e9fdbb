using System.Text;
using System.Text.Json;
using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Tests.Enrichment;

public sealed class PropsWriterTests
{
    private static (JsonElement Root, int Truncated, string Json) Write(IEnumerable<(string, string)> pairs)
    {
        var json = PropsWriter.Write([.. pairs.Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))], out var truncated);
        using var doc = JsonDocument.Parse(json);
        return (doc.RootElement.Clone(), truncated, json);
    }

    [Fact]
    public void At_most_50_keys_are_kept_and_the_rest_are_counted()
    {
        var (root, truncated, _) = Write(Enumerable.Range(0, 60).Select(i => ($"k{i}", "v")));

        Assert.Equal(51, root.EnumerateObject().Count()); // 50 keys + _truncated
        Assert.Equal(10, truncated);
        Assert.Equal(10, root.GetProperty("_truncated").GetInt32());
        Assert.False(root.TryGetProperty("k50", out _));
    }

    [Fact]
    public void A_key_over_128_bytes_is_dropped_but_one_of_exactly_128_is_kept()
    {
        var (root, truncated, _) = Write([(new string('a', 128), "ok"), (new string('b', 129), "no")]);

        Assert.Equal("ok", root.GetProperty(new string('a', 128)).GetString());
        Assert.Equal(1, truncated);
        Assert.Equal(2, root.EnumerateObject().Count());
    }

    [Fact]
    public void A_value_over_1024_bytes_is_cut_at_a_character_boundary_and_counted()
    {
        // 1023 ASCII bytes then a 2-byte 'é': the 'é' does not fit whole, so it is cut entirely.
        var (root, truncated, _) = Write([("k", new string('x', 1023) + "é")]);

        Assert.Equal(new string('x', 1023), root.GetProperty("k").GetString());
        Assert.Equal(1, truncated);
    }

    [Fact]
    public void A_value_of_exactly_1024_bytes_is_kept_whole()
    {
        var (root, truncated, json) = Write([("k", new string('x', 1024))]);

        Assert.Equal(1024, root.GetProperty("k").GetString()!.Length);
        Assert.Equal(0, truncated);
        Assert.DoesNotContain("_truncated", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_whole_object_stays_within_8_KiB_and_counts_what_did_not_fit()
    {
        var (root, truncated, json) = Write(Enumerable.Range(0, 20).Select(i => ($"k{i}", new string('x', 1000))));

        Assert.InRange(Encoding.UTF8.GetByteCount(json), 1, PropsWriter.MaxObjectBytes);
        var kept = root.EnumerateObject().Count(p => p.Name != "_truncated");
        Assert.Equal(20 - kept, truncated);
        Assert.True(truncated > 0);
    }

    [Fact]
    public void Escaping_counts_toward_the_8_KiB_bound()
    {
        // Each '<' escapes to six bytes, so 40 values of 1000 '<' would be 240 KB unbounded.
        var (_, truncated, json) = Write(Enumerable.Range(0, 40).Select(i => ($"k{i}", new string('<', 1000))));

        Assert.InRange(Encoding.UTF8.GetByteCount(json), 1, PropsWriter.MaxObjectBytes);
        Assert.True(truncated > 30);
    }

    [Fact]
    public void A_client_parameter_named_truncated_cannot_forge_the_counter()
    {
        var (root, truncated, _) = Write([("_truncated", "999"), ("a", "1")]);

        Assert.Equal(1, truncated);
        Assert.Equal(1, root.GetProperty("_truncated").GetInt32());
    }

    [Fact]
    public void Lone_surrogates_become_replacement_characters_instead_of_failing()
    {
        var (root, _, _) = Write([("k", "a\uD800b")]);

        Assert.Equal("a\uFFFDb", root.GetProperty("k").GetString());
    }
}
