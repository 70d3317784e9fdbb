using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Edge;
using Gateway.Processing;

namespace Gateway.Bench;

/// <summary>
/// The per-hit cost of forming the real-time log record. Baseline: the obvious string-building version
/// (string.Join over per-field escaped strings, then UTF-8 encode) that the span formatter replaces.
/// </summary>
[MemoryDiagnoser]
public class FormatterBenchmarks
{
    private readonly RealtimeLogFormatter _formatter = new(RealtimeLogFields.Default);
    private readonly byte[] _buffer = new byte[4096];
    private RealtimeLogEntry _entry;

    [GlobalSetup]
    public void Setup() => _entry = new RealtimeLogEntry
    {
        TimestampUnixMs = 1_700_000_000_123,
        ClientIp = "198.51.100.0",
        Status = 200,
        BytesSent = 254,
        Method = "GET",
        Protocol = "https",
        Host = "px.shop.example",
        UriStem = "/p.gif?pid=px1&e=pageview&eid=6f1c&url=https%3A%2F%2Fshop.example%2Fproduct%2F42&utm_source=news&utm_medium=email&ts=1700000000000",
        EdgeLocation = "FRA56-P1",
        RequestId = "ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYeaGyGxMawvRJWA==",
        TimeTakenSeconds = 0.001,
        UserAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        Referer = "https://shop.example/product/42?ref=home",
        Cookie = "_fbp=fb.1.1700000000000.123456789; _ga=GA1.1.111.222",
        UriQuery = "pid=px1&e=pageview&eid=6f1c&url=https%3A%2F%2Fshop.example%2Fproduct%2F42&utm_source=news&utm_medium=email&ts=1700000000000",
        BytesReceived = -1,
        ContentLength = -1,
    };

    [Benchmark(Baseline = true)]
    public int StringBuilding()
    {
        var e = _entry;
        string[] fields =
        [
            $"{e.TimestampUnixMs / 1000}.{e.TimestampUnixMs % 1000:000}", e.ClientIp!, e.Status.ToString("000", System.Globalization.CultureInfo.InvariantCulture),
            e.BytesSent.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Method!, e.Protocol!, e.Host!, Escape(e.UriStem), e.EdgeLocation!, e.RequestId!,
            e.TimeTakenSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), Escape(e.UserAgent), Escape(e.Referer), Escape(e.Cookie),
            Escape(e.UriQuery), "-", "-", "-",
        ];
        return Encoding.UTF8.GetBytes(string.Join('\t', fields)).Length;
    }

    [Benchmark]
    public int SpanFormatter()
    {
        _formatter.TryFormat(_entry, _buffer, out var written);
        return written;
    }

    private static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "-";
        }

        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b <= 32 || b >= 127 || "<>\"#%{}|\\^~[]`'".Contains((char)b, StringComparison.Ordinal))
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append((char)b);
            }
        }

        return sb.ToString();
    }
}
