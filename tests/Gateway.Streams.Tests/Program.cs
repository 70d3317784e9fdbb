using System.Globalization;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests;

/// <summary>Entry point for child processes the tests start; the test runner itself never calls it.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["crash-child", var directory, var durability])
        {
            await CrashChild.RunAsync(directory, Enum.Parse<Durability>(durability, ignoreCase: true));
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: Gateway.Streams.Tests.dll crash-child <directory> <fsync|write>");
        return 2;
    }
}

/// <summary>Appends from 32 concurrent tasks until killed, printing <c>ack &lt;shard&gt; &lt;seq&gt; &lt;payload-id&gt;</c> after each acknowledged append.</summary>
internal static class CrashChild
{
    public const int Writers = 32;

    // Small segments so the kill also lands around segment rolls.
    public static EmbeddedStreamOptions Options(string directory, Durability durability) => new()
    {
        Directory = directory,
        ShardCount = 2,
        Durability = durability,
        SegmentSize = 64 * 1024,
    };

    public static async Task RunAsync(string directory, Durability durability)
    {
        await using var stream = await EmbeddedStream.OpenAsync(Options(directory, durability));
        var output = Console.Out;
        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0L; ; i++)
            {
                var id = (writer * 1_000_000_000L) + i;
                var result = await stream.AppendAsync(Some.PartitionKey(id), Some.Payload(id));
                // Console.Out is synchronized and autoflushed: each line is one write(2) to the pipe, which is
                // atomic below PIPE_BUF, so the parent never sees half a line.
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ack {result.ShardId} {result.SequenceNumber} {id}"));
            }
        }));
        await Task.WhenAll(writers);
    }
}
