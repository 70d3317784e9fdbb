using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Processing;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary><c>gateway stream tail</c>: print what is in a local stream, read-only, while <c>gateway up</c> runs.</summary>
internal static class StreamCommand
{
    // People read this output: keep '&', '+' and non-ASCII as they are (still valid JSON; not for embedding in HTML).
    private static readonly JsonSerializerOptions ReadableJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] KnownStreams = [GatewayConfig.RawStreamName, GatewayConfig.AggregatedStreamName, GatewayConfig.EventsStreamName, GatewayConfig.BadRowsStreamName];

    public static Command Create()
    {
        var config = CommonOptions.Config();
        var name = new Argument<string>("name")
        {
            Description = $"Stream name: {string.Join(", ", KnownStreams)} (a folder under <data>/streams)",
            DefaultValueFactory = _ => GatewayConfig.RawStreamName,
        };
        name.CompletionSources.Add(KnownStreams);
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new records until Ctrl+C" };
        var last = new Option<int>("--last", "-n") { Description = "Print only the newest N records first (0 = all)", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "One JSON object per record (shard, sequence, arrival, partition key, data; for events and bad-rows the row as \"row\")" };
        var tail = new Command("tail", "Print the records of a local stream (newest last; KPL aggregates as the records inside; events and bad-rows as one JSON row per line). Safe while gateway up is running.") { name, config, follow, last, json };
        tail.SetAction((result, ct) => TailAsync(result.GetValue(config), result.GetValue(name)!, result.GetValue(follow), result.GetValue(last), result.GetValue(json), ct));
        return new Command("stream", "Inspect the local durable streams.") { tail };
    }

    private static async Task<int> TailAsync(string? configPath, string name, bool follow, int last, bool json, CancellationToken cancellationToken)
    {
        var config = CommonOptions.Load(configPath);
        if (config is null)
        {
            return 2;
        }

        var streams = Path.Combine(config.DataDirectory, "streams");
        var directory = Path.Combine(streams, name);
        if (name.Length == 0 || name != Path.GetFileName(name) || name is "." or ".." || !Directory.Exists(directory))
        {
            var present = Directory.Exists(streams) ? Directory.GetDirectories(streams).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList() : [];
            await Console.Error.WriteLineAsync(
                $"no stream '{name}' in {streams}; "
                + (present.Count == 0 ? "start ./gateway up and send a hit first" : $"the streams there are: {string.Join(", ", present)}")).ConfigureAwait(false);
            return 1;
        }

        // The enrich stage's outputs hold JSON rows, not real-time log lines or KPL aggregates.
        var rows = name is GatewayConfig.EventsStreamName or GatewayConfig.BadRowsStreamName;

        await using var stream = await EmbeddedStream.OpenReadOnlyAsync(directory, cancellationToken: cancellationToken).ConfigureAwait(false);
        var positions = stream.Description.Shards.ToDictionary(s => s.ShardId, _ => StreamPosition.TrimHorizon);
        var first = true;
        try
        {
            do
            {
                var batch = new List<StreamRecord>();
                foreach (var shard in positions.Keys.ToList())
                {
                    while (true)
                    {
                        var read = await stream.ReadAsync(shard, positions[shard], 1000, cancellationToken).ConfigureAwait(false);
                        positions[shard] = read.Next;
                        batch.AddRange(read.Records);
                        if (read.Records.Count == 0)
                        {
                            break;
                        }
                    }
                }

                // Shards are ordered independently; arrival time gives a readable interleaving.
                IEnumerable<StreamRecord> shown = batch.OrderBy(r => r.ApproximateArrivalTimestamp);
                if (first && last > 0)
                {
                    shown = shown.TakeLast(last);
                }

                foreach (var record in shown)
                {
                    if (rows)
                    {
                        Console.WriteLine(json ? RowToJson(record) : Encoding.UTF8.GetString(record.Data.Span));
                        continue;
                    }

                    // KPL aggregates (the aggregated stream) are shown as the user records inside them.
                    KplDeaggregator.Deaggregate(record.Data.Span, record.PartitionKey, null, (in DeaggregatedRecord user) =>
                        Console.WriteLine(json ? ToJson(record, user) : Encoding.UTF8.GetString(user.Data)));
                }

                first = false;
                if (follow)
                {
                    await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                }
            }
            while (follow);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C while following.
        }

        return 0;
    }

    /// <summary>A JSON row with its place in the stream; the row stays an object, so <c>jq .row.pixel_id</c> works.</summary>
    private static string RowToJson(StreamRecord record)
    {
        JsonNode? row;
        try
        {
            row = JsonNode.Parse(record.Data.Span);
        }
        catch (JsonException)
        {
            // Not written by the enrich stage; shown as text rather than hidden.
            row = JsonValue.Create(Encoding.UTF8.GetString(record.Data.Span));
        }

        var fields = new JsonObject
        {
            ["shard"] = record.ShardId,
            ["sequence"] = record.SequenceNumber,
            ["arrival"] = record.ApproximateArrivalTimestamp.ToString("O"),
            ["pk"] = record.PartitionKey,
            ["row"] = row,
        };
        return fields.ToJsonString(ReadableJson);
    }

    private static string ToJson(StreamRecord record, in DeaggregatedRecord user)
    {
        var fields = new Dictionary<string, string>
        {
            ["shard"] = record.ShardId,
            ["sequence"] = record.SequenceNumber,
            ["arrival"] = record.ApproximateArrivalTimestamp.ToString("O"),
            ["pk"] = user.PartitionKey,
            ["data"] = Encoding.UTF8.GetString(user.Data),
        };
        if (user.IsAggregated)
        {
            fields["sub"] = user.SubSequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return JsonSerializer.Serialize(fields, ReadableJson);
    }
}
