using System.Net;
using System.Text;
using Gateway.Edge.Tests.Support;
using Gateway.Processing;

namespace Gateway.Edge.Tests;

public sealed class HostileInputTests
{
    [Fact]
    public async Task Any_bytes_in_the_query_or_headers_get_an_answer_and_never_break_the_record()
    {
        await using var edge = await EdgeHost.StartAsync();
        var random = new Random(20261122);
        for (var i = 0; i < 150; i++)
        {
            var junk = new byte[random.Next(1, 64)];
            random.NextBytes(junk);
            var request = new List<byte>();
            request.AddRange("GET /p.gif?pid=px1&x="u8.ToArray());
            request.AddRange(i % 2 == 0 ? junk : Encoding.ASCII.GetBytes(Uri.EscapeDataString(Encoding.Latin1.GetString(junk))));
            request.AddRange(" HTTP/1.1\r\nHost: t\r\nConnection: close\r\nUser-Agent: "u8.ToArray());
            request.AddRange(i % 3 == 0 ? junk.Where(b => b is not (byte)'\r' and not (byte)'\n') : junk.Take(4));
            request.AddRange("\r\n\r\n"u8.ToArray());

            var response = await edge.SendRawAsync([.. request]);

            // Either the hit is served, or Kestrel refuses the malformed request with a 4xx; never a 5xx or a hang.
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(response, @"^HTTP/1\.1 (200|4\d\d) "), $"request {i}: {response}");
        }

        using var healthy = await edge.Client.GetAsync(new Uri("/p.gif?pid=after", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.NotEmpty(edge.Stream.Appended);
        foreach (var (_, line) in edge.Stream.Appended)
        {
            Assert.Equal(RealtimeLogFields.Default.Count, line.Split('\t').Length);
            Assert.DoesNotContain('\n', line);
            Assert.True(line.All(c => c is > ' ' and < '\u007f' || c == '\t'), line);
        }
    }

    [Fact]
    public async Task Oversized_headers_get_431_not_a_crash()
    {
        await using var edge = await EdgeHost.StartAsync();

        var response = await edge.SendRawAsync(Encoding.ASCII.GetBytes($"GET /p.gif?pid=1 HTTP/1.1\r\nHost: t\r\nCookie: {new string('c', 40_000)}\r\nConnection: close\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 431", response, StringComparison.Ordinal);
        Assert.Empty(edge.Stream.Appended);
    }
}
