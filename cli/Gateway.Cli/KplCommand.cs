using System.CommandLine;
using System.Text;
using System.Text.Json;
using Gateway.Processing;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway kpl aggregate|deaggregate</c>: the KPL aggregation format as a filter over JSON lines, for the day a
/// stream "looks empty" because its records are aggregates (or are not, when they should be).
/// </summary>
internal static class KplCommand
{
    public static Command Create()
    {
        var maxBytes = new Option<int>("--max-bytes")
        {
            Description = "Target size of an aggregated record, counting magic, protobuf, MD5 and the outer partition key",
            DefaultValueFactory = _ => KplAggregatorOptions.DefaultTargetSize,
        };
        var shards = new Option<int>("--shards")
        {
            Description = "Aggregate per shard of a stream with this many evenly split shards (as Kinesis CreateStream splits them)",
            DefaultValueFactory = _ => 1,
        };
        var aggregate = new Command("aggregate", "Read user records as JSON lines {\"pk\",\"ehk\"?,\"data\"(base64)} on stdin; write Kinesis records in the same shape.") { maxBytes, shards };
        aggregate.SetAction(result => Aggregate(Console.In, Console.Out, Console.Error, result.GetValue(maxBytes), result.GetValue(shards)));

        var deaggregate = new Command(
            "deaggregate",
            "Read Kinesis records on stdin (JSON lines {\"pk\",\"ehk\"?,\"data\"}, a GetRecords response or a Lambda Kinesis event); write their user records as JSON lines.");
        deaggregate.SetAction(_ => Deaggregate(Console.In, Console.Out, Console.Error));
        return new Command("kpl", "KPL aggregation tools (the format of the aggregated stream).") { aggregate, deaggregate };
    }

    /// <summary>Aggregates JSON-lines user records; bad lines are reported on <paramref name="error"/> and make the exit code 1.</summary>
    public static int Aggregate(TextReader input, TextWriter output, TextWriter error, int maxBytes, int shardCount)
    {
        if (maxBytes < KplAggregatorOptions.MinTargetSize || maxBytes > KplAggregatorOptions.DefaultMaxRecordSize)
        {
            error.WriteLine($"--max-bytes must be between {KplAggregatorOptions.MinTargetSize} and {KplAggregatorOptions.DefaultMaxRecordSize}; got {maxBytes}");
            return 2;
        }

        if (shardCount is < 1 or > 10_000)
        {
            error.WriteLine($"--shards must be between 1 and 10000; got {shardCount}");
            return 2;
        }

        var options = new KplAggregatorOptions { TargetSize = maxBytes, ShardHashKeyRanges = HashKeyRange.SplitEvenly(shardCount) };
        var written = 0;
        var userRecords = 0;
        var bad = 0;
        using (var aggregator = new KplAggregator(options, (in KinesisPutRecord record) =>
        {
            WriteLine(output, record.PartitionKey, record.ExplicitHashKey.IsEmpty ? null : record.ExplicitHashKey.ToString(), record.Data, null, null);
            written++;
        }))
        {
            foreach (var (lineNumber, pk, ehk, data) in ParseLines(Lines(input), error, () => bad++))
            {
                if (!aggregator.TryAdd(pk, ehk, data, out var reason))
                {
                    error.WriteLine($"line {lineNumber}: {KplAggregator.Describe(reason)}");
                    bad++;
                    continue;
                }

                userRecords++;
            }

            aggregator.Flush();
        }

        error.WriteLine($"kpl aggregate: {userRecords} user record(s) in {written} Kinesis record(s){(bad > 0 ? $"; {bad} line(s) rejected" : "")}");
        return bad > 0 ? 1 : 0;
    }

    /// <summary>Splits Kinesis records into user records; input that is not JSON is reported and makes the exit code 1.</summary>
    public static int Deaggregate(TextReader input, TextWriter output, TextWriter error)
    {
        var text = input.ReadToEnd();
        var kinesisRecords = 0;
        var userRecords = 0;
        var plain = new Dictionary<NotAggregatedReason, int>();
        var bad = 0;

        void Split(string pk, string? ehk, byte[] data, string? sequence)
        {
            kinesisRecords++;
            var result = KplDeaggregator.Deaggregate(data, pk, ehk, (in DeaggregatedRecord record) =>
            {
                WriteLine(output, record.PartitionKey, record.ExplicitHashKey, record.Data, sequence, record.IsAggregated ? record.SubSequenceNumber : null);
                userRecords++;
            });
            if (!result.IsAggregated)
            {
                plain[result.Reason] = plain.GetValueOrDefault(result.Reason) + 1;
            }
        }

        if (TryParseEvent(text, out var eventRecords))
        {
            foreach (var (pk, data, sequence) in eventRecords)
            {
                Split(pk, null, data, sequence);
            }
        }
        else
        {
            foreach (var (_, pk, ehk, data) in ParseLines(text.Split('\n'), error, () => bad++))
            {
                Split(pk, ehk, data, null);
            }
        }

        var plainSummary = plain.Count == 0
            ? ""
            : "; not aggregated: " + string.Join(", ", plain.Select(p => $"{p.Value} ({Describe(p.Key)})"));
        error.WriteLine($"kpl deaggregate: {kinesisRecords} Kinesis record(s), {userRecords} user record(s){plainSummary}{(bad > 0 ? $"; {bad} line(s) rejected" : "")}");
        return bad > 0 ? 1 : 0;
    }

    private static string Describe(NotAggregatedReason reason) => reason switch
    {
        NotAggregatedReason.NoMagic => "no KPL magic: plain records",
        NotAggregatedReason.TooShort => "magic but too short",
        NotAggregatedReason.ChecksumMismatch => "magic but the MD5 does not match: corrupted or truncated",
        NotAggregatedReason.MalformedProtobuf => "magic and MD5 but the protobuf body is malformed",
        NotAggregatedReason.MissingRequiredField => "a sub-record lacks its partition key index or data",
        NotAggregatedReason.KeyIndexOutOfRange => "a sub-record's key index is past its key table",
        _ => reason.ToString(),
    };

    /// <summary>The records of JSON lines; a bad line is reported on <paramref name="error"/> with its number and skipped.</summary>
    private static IEnumerable<(int LineNumber, string Pk, string? Ehk, byte[] Data)> ParseLines(IEnumerable<string> lines, TextWriter error, Action onBad)
    {
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (TryParseLine(line, out var pk, out var ehk, out var data, out var problem))
            {
                yield return (lineNumber, pk, ehk, data);
            }
            else
            {
                error.WriteLine($"line {lineNumber}: {problem}");
                onBad();
            }
        }
    }

    private static IEnumerable<string> Lines(TextReader input)
    {
        while (input.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static bool TryParseLine(string line, out string pk, out string? ehk, out byte[] data, out string problem)
    {
        pk = "";
        ehk = null;
        data = [];
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "expected a JSON object {\"pk\":…, \"ehk\":…?, \"data\":\"<base64>\"}";
                return false;
            }

            if (!root.TryGetProperty("pk", out var pkElement) || pkElement.ValueKind != JsonValueKind.String)
            {
                problem = "\"pk\" (the partition key, a string) is missing";
                return false;
            }

            if (!root.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.String || !dataElement.TryGetBytesFromBase64(out var bytes))
            {
                problem = "\"data\" must be a base64 string";
                return false;
            }

            pk = pkElement.GetString()!;
            data = bytes;
            if (root.TryGetProperty("ehk", out var ehkElement) && ehkElement.ValueKind != JsonValueKind.Null)
            {
                if (ehkElement.ValueKind != JsonValueKind.String)
                {
                    problem = "\"ehk\" (explicit hash key) must be a decimal string";
                    return false;
                }

                ehk = ehkElement.GetString();
            }

            problem = "";
            return true;
        }
        catch (JsonException ex)
        {
            problem = $"not valid JSON ({ex.Message})";
            return false;
        }
    }

    /// <summary>A GetRecords response ({"Records":[{"Data","PartitionKey","SequenceNumber"}]}) or a Lambda Kinesis event ({"Records":[{"kinesis":{…}}]}).</summary>
    private static bool TryParseEvent(string text, out List<(string Pk, byte[] Data, string? Sequence)> records)
    {
        // JSON lines (several documents) fail to parse as one document; one line is an event only when it has "Records".
        records = [];
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty || trimmed[0] != '{')
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("Records", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var item in list.EnumerateArray())
            {
                var record = item.TryGetProperty("kinesis", out var kinesis) ? kinesis : item;
                var pk = Property(record, "partitionKey", "PartitionKey") ?? "";
                var data = Property(record, "data", "Data") is { } base64 ? Convert.FromBase64String(base64) : [];
                records.Add((pk, data, Property(record, "sequenceNumber", "SequenceNumber")));
            }

            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            records = [];
            return false;
        }
    }

    private static string? Property(JsonElement element, string lambdaName, string apiName) =>
        element.TryGetProperty(lambdaName, out var value) || element.TryGetProperty(apiName, out value) ? value.GetString() : null;

    private static void WriteLine(TextWriter output, string pk, string? ehk, ReadOnlySpan<byte> data, string? sequence, int? subSequence)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length * 4 / 3 + 128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("pk", pk);
            if (ehk is not null)
            {
                json.WriteString("ehk", ehk);
            }

            json.WriteBase64String("data", data);
            if (sequence is not null)
            {
                json.WriteString("seq", sequence);
            }

            if (subSequence is { } sub)
            {
                json.WriteNumber("sub", sub);
            }

            json.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
