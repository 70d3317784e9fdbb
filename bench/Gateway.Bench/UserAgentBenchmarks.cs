using BenchmarkDotNet.Attributes;
using Gateway.Processing.UserAgents;

namespace Gateway.Bench;

/// <summary>
/// Cost per user agent of uap-core matching: a cold parse runs the three rule lists (hundreds of regexes each) over
/// the string; a cached lookup must be one dictionary probe with 0 B allocated. Baseline: the cold parse, so the
/// ratio column shows what the cache saves on repeat traffic.
/// </summary>
[MemoryDiagnoser]
public class UserAgentBenchmarks
{
    // A mix shaped like pixel traffic: mostly current desktop and mobile browsers, some in-app views, a few bots and tools.
    private static readonly string[] Mix =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 12; moto g(60)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/444.0.0.36.110;FBBV/540377024]",
        "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Instagram 311.0.0.32.118 Android",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
        "curl/8.4.0",
    ];

    private UserAgentParser _parser = null!;
    private UserAgentParser _interpreted = null!;
    private CachingUserAgentParser _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Both modes: compiled regexes match faster, interpreted ones load in a fraction of the time (the default).
        _parser = UserAgentParser.Load(mode: UserAgentRegexMode.Compiled);
        _interpreted = UserAgentParser.Load(mode: UserAgentRegexMode.Interpreted);
        _cache = new CachingUserAgentParser(_parser);
        foreach (var userAgent in Mix)
        {
            _cache.Parse(userAgent);
        }
    }

    /// <summary>Every string runs the rule lists, as on a cache miss.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = 16)]
    public int ColdParse() => ParseMix(_parser.Parse);

    /// <summary>The same misses with the default, interpreted regexes.</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int InterpretedColdParse() => ParseMix(_interpreted.Parse);

    /// <summary>Every string is already cached; expected 0 B allocated (the delegate call adds ~1 ns to each lookup).</summary>
    [Benchmark(OperationsPerInvoke = 16)]
    public int CachedLookup() => ParseMix(_cache.Parse);

    private static int ParseMix(Func<string, UserAgentInfo> parse)
    {
        var sum = 0;
        foreach (var userAgent in Mix)
        {
            sum += parse(userAgent).Browser.Family.Length;
        }

        return sum;
    }
}
