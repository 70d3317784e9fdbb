using System.Text;
using Gateway.Processing.Enrichment;
using static Gateway.Processing.Tests.Enrichment.Enrichers;

namespace Gateway.Processing.Tests.Enrichment;

/// <summary>
/// On a user-agent cache hit, enriching a line allocates the output row and nothing else: the bytes allocated equal
/// the <see cref="EventRow"/> object plus the strings it holds that were made for it (pooled strings are shared with
/// the previous row). This is an exact accounting, not a timing; the speed itself is measured in bench/.
/// </summary>
public sealed class EnrichmentAllocationTests
{
    [OptimizedTheory]
    [InlineData("pid=px1&e=pageview&eid=A-1&url=https%253A%252F%252Fwww.shop.example%252Fshoes%253Fc%253Dred&ref=https%253A%252F%252Fwww.google.com%252F&utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=Cj0K&plan=pro&tag=a&tag=b%2522", "198.51.100.23", "-")]
    [InlineData("pid=px1&e=pageview&eid=D-1&url=https%253A%252F%252Fshop.example%252F", "2001:db8:85a3:1234:5678:8a2e:370:7334", "https://m.facebook.com/")]
    [InlineData("pid=px2&e=purchase&v=10.5&cur=eur&eid=B-1", "198.51.100.23", "https://shop.example/checkout")]
    [InlineData("pid=px3&ch=email&e=open&eid=C-1", "17.58.1.9", "-")]
    public void A_cache_hit_allocates_only_the_row_and_its_own_strings(string query, string ip, string referer)
    {
        var enricher = Create();
        var warm = Encoding.UTF8.GetBytes(Line(query.Replace("-1", "-0", StringComparison.Ordinal), ip: ip, referer: referer));
        var line = Encoding.UTF8.GetBytes(Line(query, ip: ip, referer: referer, requestId: "another-request-id=="));
        var previous = enricher.Enrich(warm, DateTimeOffset.UnixEpoch).Event!;
        enricher.Enrich(warm, DateTimeOffset.UnixEpoch);
        var rowObject = RowObjectBytes();
        var ipv6Parse = ip.Contains(':', StringComparison.Ordinal) ? AddressParseBytes(ip) : 0;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = enricher.Enrich(line, DateTimeOffset.UnixEpoch);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var row = result.Event!;
        Assert.Equal(EnrichStatus.Event, result.Status);
        var own = OwnStrings(row, previous);
        Assert.True(allocated == rowObject + own.Sum(StringBytes) + ipv6Parse,
            $"allocated {allocated} B; the row is {rowObject} B + its own strings {own.Sum(StringBytes)} B ({string.Join(", ", own)}) + IPv6 parsing {ipv6Parse} B");
    }

    /// <summary>A theory that runs only when the code under test is JIT-optimized (Release, as ./test.sh builds): debug code boxes where optimized code does not.</summary>
    private sealed class OptimizedTheoryAttribute : TheoryAttribute
    {
        public OptimizedTheoryAttribute()
        {
            var debuggable = typeof(EventEnricher).Assembly.GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
                .OfType<System.Diagnostics.DebuggableAttribute>().FirstOrDefault();
            if (debuggable?.IsJITOptimizerDisabled == true)
            {
                Skip = "allocation accounting needs an optimized build (dotnet test -c Release, as ./test.sh runs it)";
            }
        }
    }

    private static long AddressParseBytes(string ip)
    {
        System.Net.IPAddress.TryParse(ip.AsSpan(), out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        System.Net.IPAddress.TryParse(ip.AsSpan(), out var address);
        var after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(address);
        return after - before;
    }

    private static long RowObjectBytes()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var row = new EventRow();
        var after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(row);
        return after - before;
    }

    // Strings of this row that are not the very instances the previous row of the same shape held (those are pooled).
    private static List<string> OwnStrings(EventRow row, EventRow previous)
    {
        var own = new List<string>();
        foreach (var property in typeof(EventRow).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            if (property.GetValue(row) is string value && !ReferenceEquals(value, property.GetValue(previous)) && value.Length > 0)
            {
                own.Add(value);
            }
        }

        return own;
    }

    // 64-bit layout: header and method table (16 B), length (4 B), UTF-16 chars and a terminator, rounded up to 8 bytes.
    private static long StringBytes(string value) => (20 + (2 * (value.Length + 1)) + 7) & ~7;
}
