using System.Text;

namespace Gateway.Bench;

/// <summary>
/// Realistic CloudFront real-time log lines (the default field list) for benchmarks and bench/replay-vs-duckdb.sh:
/// 16 common user agents weighted like pixel traffic plus 2 % long-tail agents, ten pixels, UTM and click ids on a
/// third of the hits, a referrer on half, 5 % IPv6, 3 % email opens, 5 % purchases with a value, 1 % truncated lines.
/// Every line has its own eid and x-edge-request-id.
/// </summary>
internal static class RealtimeLogMix
{
    /// <summary>How the 2 % long-tail user agents repeat.</summary>
    public enum UniqueAgents
    {
        /// <summary>Each is new (a cache miss every time): the micro-benchmark's worst case.</summary>
        EveryTime,

        /// <summary>Drawn from 2 000 device models, as a real day's long tail repeats: each misses the cache once.</summary>
        LongTail,
    }

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

    /// <summary>
    /// <paramref name="count"/> lines, reproducible from <paramref name="random"/>; line i is logged at
    /// <paramref name="startUnixSeconds"/> + i × <paramref name="secondsPerLine"/> (plus random milliseconds).
    /// </summary>
    /// <remarks>
    /// With <paramref name="visitors"/> of 0 every line comes from a new (address, user agent) pair, so nearly every
    /// event has its own visitor id; otherwise each line picks one of that many visitors, each with a fixed address,
    /// user agent and site (pixel id), as returning visitors do.
    /// </remarks>
    public static IEnumerable<byte[]> Lines(int count, Random random, UniqueAgents unique, long startUnixSeconds, double secondsPerLine, int visitors = 0)
    {
        var query = new StringBuilder(512);
        var pool = Enumerable.Range(0, visitors).Select(_ => (Agent: Agent(random, unique), Address: Address(random), Pixel: random.Next(10))).ToArray();
        for (var i = 0; i < count; i++)
        {
            var visitor = pool.Length > 0 ? pool[random.Next(pool.Length)] : default;
            var ua = visitor.Agent ?? Agent(random, unique);
            var email = random.NextDouble() < 0.03;
            query.Clear()
                .Append("pid=px").Append(pool.Length > 0 ? visitor.Pixel : random.Next(10))
                .Append("&e=").Append(random.Next(20) == 0 ? "purchase&v=49.90&cur=eur" : "pageview")
                .Append("&eid=").Append($"{random.NextInt64():x16}{random.NextInt64():x16}");
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

            var ip = visitor.Address ?? Address(random);
            var seconds = startUnixSeconds + (long)(i * secondsPerLine);
            var fields = new[]
            {
                $"{seconds}.{random.Next(1000):D3}", ip, "200", "43", "GET", "https", "px.shop.example", "/p.gif?" + query, "FRA56-P1",
                RequestId(random), "0.001", Uri.EscapeDataString(ua).Replace("%2F", "/", StringComparison.Ordinal).Replace("%3B", ";", StringComparison.Ordinal),
                "-", "-", query.ToString(), "-", "DE", email ? "714" : "3320",
            };
            var line = string.Join('\t', fields);
            // 1 % bad lines: a truncated record, as a broken pipe leaves it.
            yield return Encoding.UTF8.GetBytes(random.Next(100) == 0 ? line[..(line.Length / 2)] : line);
        }
    }

    /// <summary>
    /// Writes <paramref name="count"/> lines spread evenly over <paramref name="days"/> days from 2025-06-01 00:00 UTC
    /// to <paramref name="path"/> (- for standard output), from <paramref name="visitors"/> returning visitors (0: a
    /// new one for nearly every line).
    /// </summary>
    public static void Generate(int count, string path, int days = 1, int visitors = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(visitors);
        var start = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        using var output = new BufferedStream(path == "-" ? Console.OpenStandardOutput() : File.Create(path), 1 << 20);
        foreach (var line in Lines(count, new Random(20250601), UniqueAgents.LongTail, start, 86_400.0 * days / count, visitors))
        {
            output.Write(line);
            output.WriteByte((byte)'\n');
        }
    }

    // Roughly Zipf: the first agents dominate, as real traffic does.
    private static string Agent(Random random, UniqueAgents unique) => random.NextDouble() < 0.02
        ? $"Mozilla/5.0 (Linux; Android 13; Device-{(unique == UniqueAgents.EveryTime ? random.Next() : random.Next(2000))}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
        : UserAgents[Math.Min(UserAgents.Length - 1, (int)(-Math.Log(1 - random.NextDouble()) * 3))];

    private static string Address(Random random) =>
        random.NextDouble() < 0.05 ? $"2001:db8:{random.Next(65536):x}:1::{random.Next(65536):x}" : $"198.51.{random.Next(256)}.{random.Next(256)}";

    private static string RequestId(Random random)
    {
        var bytes = new byte[42];
        random.NextBytes(bytes);
        return Convert.ToBase64String(bytes);
    }
}
