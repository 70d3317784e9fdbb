using System.Diagnostics;
using System.Globalization;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests;

public sealed class CrashTests
{
    private const int AcksBeforeKill = 20_000;

    [Theory]
    [InlineData(Durability.Fsync)]
    [InlineData(Durability.Write)]
    public async Task Every_acknowledged_append_survives_a_SIGKILL_of_the_writer(Durability durability)
    {
        using var dir = new TempDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var acks = new List<(string Shard, string Sequence, long Id)>();

        using (var child = StartChild(dir.Path, durability))
        {
            try
            {
                while (acks.Count < AcksBeforeKill)
                {
                    var line = await child.StandardOutput.ReadLineAsync(timeout.Token)
                        ?? throw new InvalidOperationException($"The child exited before {AcksBeforeKill} acks: {await child.StandardError.ReadToEndAsync(timeout.Token)}");
                    acks.Add(ParseAck(line));
                }
            }
            finally
            {
                // SIGKILL on Linux: no finalizers, no dispose, no flush; whatever is on disk (or in the page cache) is all there is.
                child.Kill();
                await child.WaitForExitAsync(timeout.Token);
            }

            // Lines the child wrote before it died are acknowledgements too.
            foreach (var line in (await child.StandardOutput.ReadToEndAsync(timeout.Token)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                acks.Add(ParseAck(line));
            }
        }

        await using var stream = await EmbeddedStream.OpenAsync(CrashChild.Options(dir.Path, durability));
        var stored = new Dictionary<(string, string), StreamRecord>();
        foreach (var shard in stream.Description.Shards)
        {
            foreach (var record in await StreamFiles.ReadAllAsync(stream, shard.ShardId))
            {
                stored.Add((record.ShardId, record.SequenceNumber), record);
            }
        }

        Assert.All(acks, ack =>
        {
            Assert.True(stored.TryGetValue((ack.Shard, ack.Sequence), out var record), $"acknowledged {ack} is missing after the crash");
            Assert.Equal(Some.PayloadId(record.Data.Span), ack.Id);
            Assert.Equal(Some.Payload(ack.Id), record.Data.ToArray());
            Assert.Equal(Some.PartitionKey(ack.Id), record.PartitionKey);
        });
        var afterCrash = await stream.AppendAsync("a", Some.Payload(1));
        Assert.Equal(
            stored.Keys.Where(k => k.Item1 == afterCrash.ShardId).Select(k => long.Parse(k.Item2, CultureInfo.InvariantCulture)).DefaultIfEmpty().Max() + 1,
            long.Parse(afterCrash.SequenceNumber, CultureInfo.InvariantCulture));
    }

    private static Process StartChild(string directory, Durability durability)
    {
        // The SDK tells child processes where its dotnet host is; the test host itself may be an apphost.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashTests).Assembly.Location);
        start.ArgumentList.Add("crash-child");
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(durability.ToString());
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the crash child.");
    }

    private static (string Shard, string Sequence, long Id) ParseAck(string line)
    {
        var parts = line.Split(' ');
        Assert.True(parts is ["ack", _, _, _], $"unexpected line from the child: '{line}'");
        return (parts[1], parts[2], long.Parse(parts[3], CultureInfo.InvariantCulture));
    }
}
