using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Processing;

namespace Gateway.Bench;

/// <summary>
/// The per-record cost of reading a CloudFront real-time log line (the default 18 fields) and its query.
/// Baseline: the obvious version — decode the line to a string, string.Split on tabs, Uri.UnescapeDataString
/// each text field, and split the query with two more unescapes per value.
/// </summary>
[MemoryDiagnoser]
public class RealtimeLogParserBenchmarks
{
    private readonly RealtimeLogParser _parser = new(RealtimeLogFields.Default);
    private byte[] _line = [];
    private byte[] _nonAsciiLine = [];

    [GlobalSetup]
    public void Setup()
    {
        _line = Line("/p.gif?pid=px1&e=pageview&eid=6f1c&url=https%253A%252F%252Fshop.example%252Fproduct%252F42&utm_source=news&utm_medium=email&ts=1700000000000",
            "https://shop.example/product/42?ref=home");

        // A search for "café crème" on a page with an accented path: the browser escapes the UTF-8 bytes and
        // CloudFront escapes the browser's '%', so the query's second decode and the referer hold non-ASCII text.
        _nonAsciiLine = Line("/p.gif?pid=px1&e=search&eid=6f1c&url=https%253A%252F%252Fshop.example%252Fcaf%2525C3%2525A9&q=caf%25C3%25A9+cr%25C3%25A8me&ts=1700000000000",
            "https://shop.example/caf%C3%A9?ref=home");
        foreach (var line in new[] { _line, _nonAsciiLine })
        {
            if (!_parser.TryParse(line, out _, out var badRow))
            {
                throw new InvalidOperationException($"the benchmark line does not parse: {badRow}");
            }
        }
    }

    private static byte[] Line(string stem, string referer) => Encoding.UTF8.GetBytes(string.Join('\t',
        "1700000000.123",
        "198.51.100.0",
        "200",
        "254",
        "GET",
        "https",
        "px.shop.example",
        stem,
        "FRA56-P1",
        "ZmmHsZ6cP0B2ma-dKwIpqN8_W_A6GEzAthWPtcKYeaGyGxMawvRJWA==",
        "0.001",
        "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/131.0.0.0%20Safari/537.36",
        referer,
        "_fbp=fb.1.1700000000000.123456789;%20_ga=GA1.1.111.222",
        stem[(stem.IndexOf('?', StringComparison.Ordinal) + 1)..],
        "-",
        "DE",
        "3320"));

    /// <summary>Split, validate and convert the numbers; no field decoded (what a filter on status or time needs).</summary>
    [Benchmark]
    public long Parse()
    {
        _parser.TryParse(_line, out var line, out _);
        return line.TimestampUnixMs.GetValueOrDefault() + line.Status.GetValueOrDefault();
    }

    /// <summary>Parse a line with non-ASCII text (referer, query values): the fields are checked one by one, the long way.</summary>
    [Benchmark]
    public long ParseNonAscii()
    {
        _parser.TryParse(_nonAsciiLine, out var line, out _);
        return line.TimestampUnixMs.GetValueOrDefault() + line.Status.GetValueOrDefault();
    }

    /// <summary>Parse and walk every query parameter twice-decoded as UTF-8 bytes, without making strings.</summary>
    [Benchmark]
    public int ParseAndWalkQuery()
    {
        _parser.TryParse(_line, out var line, out _);
        var total = 0;
        using var query = line.Query();
        foreach (var parameter in query)
        {
            total += parameter.Name.Length + parameter.Value.Length;
        }

        return total;
    }

    /// <summary>Parse, then make the strings an event row keeps (user agent, referer, every query value).</summary>
    [Benchmark]
    public int ParseAndDecodeStrings()
    {
        _parser.TryParse(_line, out var line, out _);
        var total = line.GetString(RealtimeLogField.UserAgent)!.Length + line.GetString(RealtimeLogField.Referer)!.Length;
        using var query = line.Query();
        foreach (var parameter in query)
        {
            total += parameter.GetValue().Length;
        }

        return total;
    }

    /// <summary>The string.Split version, doing the same work as <see cref="ParseAndDecodeStrings"/>.</summary>
    [Benchmark(Baseline = true)]
    public int StringSplit()
    {
        var fields = Encoding.UTF8.GetString(_line).Split('\t');
        var timestamp = (long)(double.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture) * 1000);
        var status = int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
        var total = Uri.UnescapeDataString(fields[11]).Length + Uri.UnescapeDataString(fields[12]).Length + (int)(timestamp % 2) + (status % 2);
        foreach (var pair in Uri.UnescapeDataString(fields[14]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            total += Uri.UnescapeDataString(value.Replace('+', ' ')).Length;
        }

        return total;
    }
}
