using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gateway.Lambda;
using Gateway.Processing;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Bench;

/// <summary>
/// The forward Lambda handler as Lambda drives it: Kinesis events of aggregated records (KPL, about 5 KB each, as the
/// aggregate stage writes them) in JSON with base64 data, each invocation de-aggregating, enriching and forwarding to the
/// local Conversions API stand-in. Reports events per second of one instance and the invocation times.
/// </summary>
internal static class ForwardLambdaThroughput
{
    public static async Task RunAsync(int invocations, int recordsPerInvocation)
    {
        var root = Directory.CreateTempSubdirectory("gateway-forward-lambda-bench-").FullName;
        try
        {
            await using var sink = await CapiSink.StartAsync().ConfigureAwait(false);
            using var http = ForwardDestinations.CreateHttpClient();
            var pixels = string.Join(',', Enumerable.Range(0, 10).Select(i => $$"""{"id":"px{{i}}","destinations":["meta"]}"""));
            var settings = $$"""
                {"pixels":[{{pixels}}],
                 "destinations":[{"name":"meta","type":"meta","accessToken":"bench","datasetId":"1234567890","endpoint":"{{sink.Endpoint}}"}]}
                """;
            var time = TimeProvider.System;
            var environment = new BenchEnvironment();
            var control = new ForwardControl("bench", _ => Task.FromResult(settings), null, environment, TimeSpan.FromMinutes(1), time);
            var enricher = new EventEnricher(EnricherResources.Load(), new VisitorIds(Enumerable.Range(0, 48).Select(i => (byte)i).ToArray()), new EnricherOptions());
            var badRows = 0;
            await using var handler = new ForwardHandler(
                enricher,
                new EventIdDeduplicator(time),
                control,
                http,
                new FileDeliveryStore(Path.Combine(root, "dlq")),
                new FileDeliveryStore(Path.Combine(root, "spill")),
                (rows, _) =>
                {
                    Interlocked.Add(ref badRows, rows.Count);
                    return Task.CompletedTask;
                },
                null,
                time);
            var logger = new LambdaLogger(TextWriter.Null, time);

            // Every invocation gets fresh lines (fresh event ids, so none is skipped as a repeat), built before timing.
            var random = new Random(20261123);
            var start = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds();
            var warmUp = 3;
            var events = new List<byte[]>(invocations + warmUp);
            var lines = 0;
            for (var i = 0; i < invocations + warmUp; i++)
            {
                var (json, count) = KinesisEvent(random, start, recordsPerInvocation);
                events.Add(json);
                lines += i >= warmUp ? count : 0;
            }

            foreach (var json in events.Take(warmUp))
            {
                await InvokeAsync(handler, json, logger, time).ConfigureAwait(false);
            }

            sink.Reset();
            var durations = new List<double>(invocations);
            var clock = Stopwatch.StartNew();
            foreach (var json in events.Skip(warmUp))
            {
                var one = Stopwatch.StartNew();
                await InvokeAsync(handler, json, logger, time).ConfigureAwait(false);
                durations.Add(one.Elapsed.TotalMilliseconds);
            }

            clock.Stop();
            durations.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forward handler: {invocations} invocations of {recordsPerInvocation} aggregated records ({lines} lines, {(double)lines / invocations:0} per invocation) in {clock.Elapsed.TotalSeconds:0.00} s = {lines / clock.Elapsed.TotalSeconds:0} lines/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forward handler: {sink.Events} events sent in {sink.Requests} requests ({(double)sink.Events / Math.Max(1, sink.Requests):0.0} per request); the rest dropped by rule (bots, bad lines) or bad rows ({badRows})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forward handler: invocation time p50 {durations[durations.Count / 2]:0.0} ms, p95 {durations[(int)(durations.Count * 0.95)]:0.0} ms, max {durations[^1]:0.0} ms"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task InvokeAsync(ForwardHandler handler, byte[] json, LambdaLogger logger, TimeProvider time)
    {
        var context = new LambdaContext("bench", time.GetUtcNow().AddMinutes(5), time, logger);
        var response = await handler.HandleAsync(json, context, CancellationToken.None).ConfigureAwait(false);
        if (response.Length > 30)
        {
            throw new InvalidOperationException($"the handler reported a failure: {Encoding.UTF8.GetString(response.Span)}");
        }
    }

    // A Kinesis event of aggregated records holding realistic lines; each record as the aggregate stage builds it.
    private static (byte[] Json, int Lines) KinesisEvent(Random random, long start, int records)
    {
        var options = new KplAggregatorOptions();
        var json = new StringBuilder();
        json.Append("{\"Records\":[");
        var lines = 0;
        var sequence = 0;
        while (sequence < records)
        {
            var users = RealtimeLogMix.Lines(200, random, RealtimeLogMix.UniqueAgents.LongTail, start, 0.01)
                .Select((line, i) => new UserRecord($"pk-{i}", line))
                .ToList();
            foreach (var put in BatchAggregation.Aggregate(users, options))
            {
                if (sequence == records)
                {
                    break;
                }

                lines += put.UserRecordIndexes.Count();
                json.Append(sequence == 0 ? "" : ",")
                    .Append("{\"kinesis\":{\"kinesisSchemaVersion\":\"1.0\",\"partitionKey\":\"").Append(put.PartitionKey)
                    .Append("\",\"sequenceNumber\":\"4956816737333333333333333333333333333333333333333333").Append((100000 + sequence).ToString(CultureInfo.InvariantCulture))
                    .Append("\",\"data\":\"").Append(Convert.ToBase64String(put.Data))
                    .Append("\",\"approximateArrivalTimestamp\":").Append((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture))
                    .Append("},\"eventSource\":\"aws:kinesis\",\"eventVersion\":\"1.0\",\"eventName\":\"aws:kinesis:record\",\"awsRegion\":\"eu-west-1\"}");
                sequence++;
            }
        }

        json.Append("]}");
        return (Encoding.UTF8.GetBytes(json.ToString()), lines);
    }

    private sealed class BenchEnvironment : IEnvironmentVariables
    {
        public string? Get(string name) => null;

        public void Set(string name, string? value)
        {
        }
    }
}
