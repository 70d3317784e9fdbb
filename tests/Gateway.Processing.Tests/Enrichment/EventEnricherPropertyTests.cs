using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Enrichment;
using static Gateway.Processing.Tests.Enrichment.Enrichers;

namespace Gateway.Processing.Tests.Enrichment;

/// <summary>Whatever arrives, the enricher answers with an event or a bad row and never throws; neither carries a full IP.</summary>
public sealed class EventEnricherPropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(400);
    private static readonly EventEnricher Enricher = Create(new EventIdDeduplicator(TimeProvider.System, capacity: 1000));

    /// <summary>Field values that stress the parser and steps: dashes, escapes, bad escapes, tabs, control bytes, non-UTF-8.</summary>
    private static Gen<string> Piece =>
        Gen.Frequency(
            (3, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
            (3, Gen.Elements("-", "", "pid=px1", "pid=px1&eid=a", "%25zz", "%2", "%C3%28", "%25C3%2528", "pid=%25E2%2598%2595", "ch=email", "ts=99999999999999999999", "v=1e308", "url=%2F%2F%5B::1%5D")),
            (2, Gen.ArrayOf(Gen.Elements('0', '9', '.', '-', '%', '=', '&', '\t', '\0', 'é', ' ', ':', '[', ']')).Select(c => new string(c))));

    private static Gen<byte[]> Lines =>
        Gen.Frequency(
            (2, ArbMap.Default.GeneratorFor<byte[]>().Select(b => b ?? [])),
            (3, from query in Piece from ua in Piece from referer in Piece from ip in Gen.Elements("203.0.113.77", "2001:db8:1:2:3:4:5:6", "-", "not-an-ip")
                from status in Gen.Elements("200", "000", "2x0", "-")
                select Encoding.UTF8.GetBytes(Line("pid=px1&" + query, userAgent: ua, referer: referer, ip: ip, status: status))),
            (1, from pieces in Gen.ArrayOf(Piece) select Encoding.UTF8.GetBytes(string.Join('\t', pieces))));

    [Fact]
    public void Any_bytes_become_an_event_a_duplicate_or_a_bad_row_without_a_full_ip()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Lines), line =>
        {
            var result = Enricher.Enrich(line, DateTimeOffset.UnixEpoch);

            switch (result.Status)
            {
                case EnrichStatus.Event or EnrichStatus.Duplicate:
                    var json = Encoding.UTF8.GetString(EventRowJson.ToUtf8(result.Event!));
                    using (JsonDocument.Parse(json))
                    {
                    }

                    Assert.DoesNotContain("203.0.113.77", json, StringComparison.Ordinal);
                    Assert.DoesNotContain("2001:db8:1:2:3", json, StringComparison.Ordinal);
                    break;
                case EnrichStatus.BadRow:
                    Assert.False(string.IsNullOrEmpty(result.BadRow!.Reason));
                    Assert.False(string.IsNullOrEmpty(result.BadRow.Message));
                    Assert.DoesNotContain("203.0.113.77", result.BadRow.Raw, StringComparison.Ordinal);
                    Assert.DoesNotContain("2001:db8:1:2:3", result.BadRow.Raw, StringComparison.Ordinal);
                    using (JsonDocument.Parse(EventRowJson.ToUtf8(result.BadRow)))
                    {
                    }

                    break;
                default:
                    Assert.Fail($"unknown status {result.Status}");
                    break;
            }
        }));
    }

    [Fact]
    public void Any_event_row_json_reads_back_to_the_same_row()
    {
        Check.One(Cases, Prop.ForAll(Arb.From(Lines), line =>
        {
            var result = Create().Enrich(line, DateTimeOffset.UnixEpoch);
            if (result.Event is { } row)
            {
                var back = EventRowJson.Read(EventRowJson.ToUtf8(row));
                Assert.Equal(JsonSerializer.Serialize(row), JsonSerializer.Serialize(back));
            }
        }));
    }
}
