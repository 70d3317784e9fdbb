using System.Diagnostics;
using System.Globalization;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;

namespace Gateway.Bench;

/// <summary>
/// Forwarding to a local Conversions API stand-in (a bare Kestrel endpoint that parses each body, counts its events and
/// answers as Graph does): events/s and events per request through <see cref="Forwarder"/>, then an outage — the endpoint
/// answers 503 while events keep coming — with the process's peak memory and the spill's size on disk, then the time the
/// redrive takes to deliver the spill once the endpoint is back.
/// </summary>
internal static class ForwardThroughput
{
    private const int BatchEvents = 500;

    public static async Task RunAsync(int events, int outageEvents, int outageRate)
    {
        var root = Directory.CreateTempSubdirectory("gateway-forward-bench-").FullName;
        try
        {
            await using var sink = await CapiSink.StartAsync().ConfigureAwait(false);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 8 }) { Timeout = Timeout.InfiniteTimeSpan };
            var settings = ForwardSettingsJson.Parse($$"""
                {"pixels":[{"id":"1234567890","destinations":["meta"]}],
                 "destinations":[{"name":"meta","type":"meta","accessToken":"bench","endpoint":"{{sink.Endpoint}}"}]}
                """);
            var router = new ForwardRouter(settings);
            var metrics = new ForwardMetrics();
            await using var destinations = new ForwardDestinations(http, new Gateway.Streams.FileDeliveryStore(Path.Combine(root, "dlq")), new Gateway.Streams.FileDeliveryStore(Path.Combine(root, "spill")), s => s.Value, metrics: metrics, runRedrive: false);
            destinations.Apply(settings);
            var forwarder = new Forwarder(() => router, destinations, metrics);

            // Warm-up: JIT, connections.
            await forwarder.ForwardAsync(Items(0, 2000)).ConfigureAwait(false);
            sink.Reset();

            var clock = Stopwatch.StartNew();
            for (var first = 0; first < events; first += BatchEvents)
            {
                await forwarder.ForwardAsync(Items(first, Math.Min(BatchEvents, events - first))).ConfigureAwait(false);
            }

            clock.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forward: {events} events in {clock.Elapsed.TotalSeconds:0.00} s = {events / clock.Elapsed.TotalSeconds:0} events/s; {sink.Requests} requests, {(double)sink.Events / sink.Requests:0.0} events per request (stream batches of {BatchEvents})"));

            // The outage: every request fails, the breaker opens, events spill to disk.
            sink.Down = true;
            var baseline = Process.GetCurrentProcess().WorkingSet64;
            var peak = baseline;
            clock.Restart();
            var batchesPerSecond = Math.Max(1, outageRate / BatchEvents);
            for (var first = 0; first < outageEvents; first += BatchEvents)
            {
                await forwarder.ForwardAsync(Items(events + first, Math.Min(BatchEvents, outageEvents - first))).ConfigureAwait(false);
                peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
                if (outageRate > 0)
                {
                    // Paced: the next batch when the rate says it is due.
                    var due = TimeSpan.FromSeconds((double)(first / BatchEvents + 1) / batchesPerSecond);
                    if (due > clock.Elapsed)
                    {
                        await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
                    }
                }
            }

            var spilled = clock.Elapsed;
            var spillBytes = (await destinations.Spill.TotalsAsync()).Sum(t => t.Value.Bytes);
            GC.Collect();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"outage: {outageEvents} events ({(outageRate > 0 ? $"paced at {outageRate}/s" : "as fast as they come")}) in {spilled.TotalSeconds:0.0} s, {sink.RefusedWhileDown} requests refused; "
                + $"spill {spillBytes / 1048576.0:0.0} MiB on disk ({spillBytes / Math.Max(1, outageEvents)} bytes/event); working set {baseline / 1048576.0:0} MiB before, peak {peak / 1048576.0:0} MiB, "
                + $"managed heap after GC {GC.GetTotalMemory(false) / 1048576.0:0.0} MiB"));

            sink.Down = false;
            sink.Reset();
            var sender = destinations.Get("meta")!;
            clock.Restart();
            while ((await destinations.Spill.ListAsync()).Count > 0)
            {
                if (sender.Breaker.State == CircuitState.Open)
                {
                    await Task.Delay(sender.Breaker.ReopenAt - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero).ConfigureAwait(false);
                }

                await sender.RedriveAsync().ConfigureAwait(false);
                peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"recovery: {sink.Events} events redriven in {clock.Elapsed.TotalSeconds:0.0} s after the breaker's cool-down ({sink.Events / clock.Elapsed.TotalSeconds:0} events/s, {sink.Requests} requests); peak working set {peak / 1048576.0:0} MiB; "
                + $"{(sink.Events == outageEvents ? "every spilled event delivered" : $"MISMATCH: {outageEvents - sink.Events} missing")}"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // Purchases as the enricher writes them, with the hit fields a tag sends.
    private static List<ForwardItem> Items(int first, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var items = new List<ForwardItem>(count);
        for (var i = first; i < first + count; i++)
        {
            var row = new EventRow
            {
                EventTime = now,
                ReceivedTime = now,
                EventId = $"bench-{i:D9}",
                PixelId = "1234567890",
                EventName = "purchase",
                PageUrl = "https://shop.example.com/checkout/complete?order=" + i.ToString(CultureInfo.InvariantCulture),
                PageHost = "shop.example.com",
                Channel = "web",
                Value = 19.99 + (i % 100),
                Currency = "EUR",
                Props = "{\"sku\":\"A-" + (i % 1000).ToString(CultureInfo.InvariantCulture) + "\",\"qty\":\"1\"}",
            };
            var hit = new ForwardHit
            {
                ClientIp = $"198.51.{i % 256}.0",
                UserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                Fbp = $"fb.1.1700000000000.{i}",
                Contact = [KeyValuePair.Create("em", $"user{i % 50000}@example.com"), KeyValuePair.Create("ph", "+1 650 555 " + (1000 + i % 9000).ToString(CultureInfo.InvariantCulture))],
            };
            items.Add(new ForwardItem(row, hit));
        }

        return items;
    }
}
