using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Tests.Enrichment;

public sealed class EnrichmentPropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(300);
    private static readonly VisitorIds Ids = new([.. Enumerable.Range(0, 32).Select(i => (byte)i)]);

    /// <summary>Strings that hit the interesting paths: contract names, digits, escapes, surrogates, long runs.</summary>
    private static Gen<string> Text =>
        Gen.Frequency(
            (3, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
            (3, Gen.Elements("pid", "e", "eid", "v", "cur", "ts", "ch", "gclid", "wbraid", "utm_source", "_truncated", "x", "")),
            (2, Gen.ArrayOf(Gen.Elements('0', '9', '.', '-', 'e', ':', '%', '<', '"', '\\', '\uD800', 'é', ' ')).Select(c => new string(c))),
            (1, Gen.Choose(0, 3000).Select(n => new string('é', n))));

    private static Gen<KeyValuePair<string, string>[]> Parameters =>
        Gen.ArrayOf(from name in Text from value in Text select new KeyValuePair<string, string>(name, value));

    [Fact]
    public void Any_parameters_extract_without_throwing_and_props_is_bounded_json()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Parameters), parameters =>
        {
            var tags = TagContract.Extract(parameters);

            Assert.NotNull(tags.EventName);
            Assert.Contains(tags.Channel, new[] { "web", "email", "server" });
            if (tags.Props is { } props)
            {
                Assert.InRange(Encoding.UTF8.GetByteCount(props), 2, PropsWriter.MaxObjectBytes);
                using var doc = JsonDocument.Parse(props);
                Assert.InRange(doc.RootElement.EnumerateObject().Count(p => p.Name != PropsWriter.TruncatedMember), 0, PropsWriter.MaxKeys);
            }
        }));
    }

    [Fact]
    public void Any_string_gives_an_ip_prefix_or_null_and_never_throws()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Text), ip =>
        {
            var prefix = IpPrefix.From(ip);

            Assert.True(prefix is null || prefix.EndsWith(".0", StringComparison.Ordinal) || prefix.EndsWith("::", StringComparison.Ordinal) || prefix.Contains(':', StringComparison.Ordinal));
        }));
    }

    [Fact]
    public void Any_visitor_inputs_give_a_32_hex_id()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Text), Arb.From(Text), Arb.From(Gen.Choose(0, 100_000)), (ip, ua, days) =>
        {
            var id = Ids.Anonymous("p", ip, ua, DateTimeOffset.UnixEpoch.AddDays(days));

            Assert.Matches("^[0-9a-f]{32}$", id);
            Assert.Matches("^[0-9a-f]{32}$", Ids.FromUserId(ip, ua));
        }));
    }

    [Fact]
    public void Any_eid_and_ts_resolve_without_throwing()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Text), ArbMap.Default.ArbFor<long>(), (eid, ts) =>
        {
            var id = EventIds.Resolve(eid, Encoding.UTF8.GetBytes(eid), ts);
            var time = EventTime.Resolve(ts, DateTimeOffset.UnixEpoch.AddYears(55));
            var keys = PartitionKeys.From(time.Time);

            Assert.InRange(id.Id.Length, 1, EventIds.MaxClientIdLength);
            Assert.Equal((4, 2, 2, 2), (keys.Year.Length, keys.Month.Length, keys.Day.Length, keys.Hour.Length));
        }));
    }
}
