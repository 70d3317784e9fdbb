using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Processing;
using Gateway.Processing.Enrichment;

namespace Gateway.Bench;

/// <summary>
/// Parse alone against parse + every enrichment step, per event, over a realistic mix of 4,096 lines: 16 common user
/// agents weighted like pixel traffic plus 2 % unique ones (cache misses), ten pixels, UTM and click ids on a third of the
/// hits, a referrer on half, 5 % IPv6, 3 % email opens, 1 % bad lines. Each line's eid is unique; the dedup variant
/// replays the same lines, so after the first pass every lookup finds its id (the steady-state cost of the filter).
/// </summary>
[MemoryDiagnoser]
public class EnrichBenchmarks
{
    private const int Lines = 4096;

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
        "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/444.0.0.36.110;FBBV/540377024]",
        "Mozilla/5.0 (Linux; Android 12; moto g(60)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Instagram 311.0.0.32.118 Android",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0",
        "curl/8.4.0",
    ];

    private static readonly string[] Referrers =
        ["https://www.google.com/", "https://m.facebook.com/", "https://t.co/abc", "https://www.bing.com/search?q=shoes", "https://shop.example/cart", "https://news.example.org/a/1"];

    private readonly RealtimeLogParser _parser = new(RealtimeLogFields.Default);
    private byte[][] _lines = [];
    private EventEnricher _enricher = null!;
    private EventEnricher _deduplicating = null!;

    /// <summary>Share of user-agent lookups answered from the cache during the last run of <see cref="ParseAndEnrich"/>.</summary>
    public double UserAgentCacheHitRate =>
        (double)_enricher.UserAgentCacheHits / Math.Max(1, _enricher.UserAgentCacheHits + _enricher.UserAgentCacheMisses);

    [GlobalSetup]
    public void Setup()
    {
        var resources = EnricherResources.Load();
        var visitors = new VisitorIds(RandomNumberGenerator.GetBytes(48));
        _enricher = new EventEnricher(resources, visitors);
        _deduplicating = new EventEnricher(resources, visitors, new EnricherOptions { Deduplicator = new EventIdDeduplicator(TimeProvider.System) });
        _lines = Mix(new Random(20231114));
    }

    [GlobalCleanup]
    public void Cleanup() =>
        Console.WriteLine($"// user-agent cache: {_enricher.UserAgentCacheHits} hits, {_enricher.UserAgentCacheMisses} misses, hit rate {UserAgentCacheHitRate:P2}");

    /// <summary>Split, validate, convert numbers and walk the query (the parser's whole job), per line.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Lines)]
    public long ParseOnly()
    {
        long total = 0;
        foreach (var bytes in _lines)
        {
            if (_parser.TryParse(bytes, out var line, out _))
            {
                using var query = line.Query();
                foreach (var parameter in query)
                {
                    total += parameter.Value.Length;
                }
            }
        }

        return total;
    }

    /// <summary>Every step but dedup: one <see cref="EventRow"/> (or bad row) per line.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int ParseAndEnrich()
    {
        var events = 0;
        foreach (var line in _lines)
        {
            events += _enricher.Enrich(line, DateTimeOffset.UnixEpoch).Status == EnrichStatus.Event ? 1 : 0;
        }

        return events;
    }

    /// <summary>Every step including the dedup window.</summary>
    [Benchmark(OperationsPerInvoke = Lines)]
    public int ParseEnrichAndDedup()
    {
        var kept = 0;
        foreach (var line in _lines)
        {
            kept += _deduplicating.Enrich(line, DateTimeOffset.UnixEpoch).Status == EnrichStatus.Event ? 1 : 0;
        }

        return kept;
    }

    /// <summary>Enriches the mix in a loop for <paramref name="duration"/> and prints events/s and the cache hit rate.</summary>
    internal static void RunThroughput(TimeSpan duration)
    {
        var benchmarks = new EnrichBenchmarks();
        benchmarks.Setup();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long lines = 0;
        while (watch.Elapsed < duration)
        {
            benchmarks.ParseAndEnrich();
            lines += Lines;
        }

        Console.WriteLine($"{lines / watch.Elapsed.TotalSeconds:F0} lines/s on one thread; user-agent cache hit rate {benchmarks.UserAgentCacheHitRate:P2}");
    }

    /// <summary>The line mix described on the class, reproducible from <paramref name="random"/>.</summary>
    internal static byte[][] Mix(Random random)
    {
        var lines = new byte[Lines][];
        for (var i = 0; i < Lines; i++)
        {
            // Roughly Zipf: the first agents dominate, as real traffic does.
            var ua = random.NextDouble() < 0.02
                ? $"Mozilla/5.0 (Linux; Android 13; Device-{random.Next()}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
                : UserAgents[Math.Min(UserAgents.Length - 1, (int)(-Math.Log(1 - random.NextDouble()) * 3))];
            var email = random.NextDouble() < 0.03;
            var query = new StringBuilder($"pid=px{random.Next(10)}&e={(random.Next(20) == 0 ? "purchase&v=49.90&cur=eur" : "pageview")}&eid={random.NextInt64():x16}{random.NextInt64():x16}");
            query.Append(email ? "&ch=email" : $"&url=https%253A%252F%252Fshop.example%252Fproduct%252F{random.Next(500)}%253Fcolor%253Dred");
            if (random.Next(3) == 0)
            {
                query.Append("&utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale&gclid=Cj0KCQiA").Append(random.Next(100000));
            }

            if (random.Next(2) == 0 && !email)
            {
                query.Append("&ref=").Append(Uri.EscapeDataString(Uri.EscapeDataString(Referrers[random.Next(Referrers.Length)])));
            }

            if (random.Next(4) == 0)
            {
                query.Append("&plan=pro&ab=variant-b");
            }

            var ip = random.NextDouble() < 0.05 ? $"2001:db8:{random.Next(65536):x}:1::{random.Next(65536):x}" : $"198.51.{random.Next(256)}.{random.Next(256)}";
            var fields = new[]
            {
                $"{1700000000 + i}.{random.Next(1000):D3}", ip, "200", "43", "GET", "https", "px.shop.example", "/p.gif?" + query, "FRA56-P1",
                RequestId(random), "0.001", Uri.EscapeDataString(ua).Replace("%2F", "/", StringComparison.Ordinal).Replace("%3B", ";", StringComparison.Ordinal),
                "-", "-", query.ToString(), "-", "DE", email ? "714" : "3320",
            };
            var line = string.Join('\t', fields);
            // 1 % bad lines: a truncated record, as a broken pipe leaves it.
            lines[i] = Encoding.UTF8.GetBytes(random.Next(100) == 0 ? line[..(line.Length / 2)] : line);
        }

        return lines;
    }

    private static string RequestId(Random random)
    {
        var bytes = new byte[42];
        random.NextBytes(bytes);
        return Convert.ToBase64String(bytes);
    }
}
