using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Processing.Metrics;

/// <content>Writing: the split into documents of at most 100 metrics and 100 values each, and the JSON of one document.</content>
public sealed partial class EmfDocument
{
    // The lines go to a log, never into HTML: leaving non-ASCII and HTML characters unescaped keeps them readable
    // for whoever searches the log group. Every string is still valid JSON.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document as JSON lines without their line breaks: one, or several when split.</summary>
    /// <exception cref="ArgumentException">A dimension named in a dimension set has no value.</exception>
    public IReadOnlyList<string> ToLines()
    {
        var documents = Split();
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer, WriterOptions);
        var lines = new List<string>(documents.Count);
        foreach (var document in documents)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            Write(writer, document);
            writer.Flush();
            lines.Add(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }

        return lines;
    }

    /// <summary>Writes the document as UTF-8 JSON lines, each ended by <c>\n</c>; returns how many lines.</summary>
    /// <exception cref="ArgumentException">A dimension named in a dimension set has no value.</exception>
    public int WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var documents = Split();
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        foreach (var document in documents)
        {
            writer.Reset(output);
            Write(writer, document);
            writer.Flush();
            output.Write("\n"u8);
        }

        return documents.Count;
    }

    /// <summary>Which values of which metric go into each document, in order.</summary>
    private List<Chunk[]> Split()
    {
        foreach (var (name, kind) in _members)
        {
            if (kind == MemberKind.Dimension && !_dimensionValues.ContainsKey(name))
            {
                throw new ArgumentException($"EMF: dimension '{name}' is in a dimension set but has no value (SetDimension)");
            }
        }

        var metrics = _metrics.ToArray();
        var written = new int[metrics.Length];
        var documents = new List<Chunk[]>();
        while (true)
        {
            // Each document takes the metrics with the most values left, at most 100 values of each. A document names
            // a metric once, so a metric with 250 values needs three documents whatever else they hold; serving the
            // longest first gives the fewest documents. aws-embedded-metrics batches the same way.
            var chosen = Enumerable.Range(0, metrics.Length)
                .Where(i => written[i] < metrics[i].Value.Values.Count)
                .OrderByDescending(i => metrics[i].Value.Values.Count - written[i])
                .Take(EmfMetrics.MaxMetricsPerDocument)
                .Order()
                .ToArray();
            if (chosen.Length == 0 && documents.Count > 0)
            {
                return documents;
            }

            var chunks = new Chunk[chosen.Length];
            for (var j = 0; j < chosen.Length; j++)
            {
                var i = chosen[j];
                var count = Math.Min(metrics[i].Value.Values.Count - written[i], EmfMetrics.MaxValuesPerMetric);
                chunks[j] = new Chunk(metrics[i].Key, metrics[i].Value, written[i], count);
                written[i] += count;
            }

            // A document without metrics is still written when there are none at all: its properties are the log line.
            documents.Add(chunks);
            if (chosen.Length == 0)
            {
                return documents;
            }
        }
    }

    private void Write(Utf8JsonWriter writer, Chunk[] chunks)
    {
        writer.WriteStartObject();
        writer.WriteStartObject(MetadataMember);
        writer.WriteNumber("Timestamp", TimestampMilliseconds);
        writer.WriteStartArray("CloudWatchMetrics");
        writer.WriteStartObject();
        writer.WriteString("Namespace", Namespace);
        writer.WriteStartArray("Dimensions");
        if (_dimensionSets.Count == 0)
        {
            // The specification's schema wants at least one set; an empty one publishes the metrics without dimensions.
            writer.WriteStartArray();
            writer.WriteEndArray();
        }

        foreach (var set in _dimensionSets)
        {
            writer.WriteStartArray();
            foreach (var name in set)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("Metrics");
        foreach (var chunk in chunks)
        {
            writer.WriteStartObject();
            writer.WriteString("Name", chunk.Name);
            writer.WriteString("Unit", EmfMetrics.UnitName(chunk.Metric.Unit));
            if (chunk.Metric.StorageResolution == EmfStorageResolution.High)
            {
                // 60 is what CloudWatch assumes, so it is left out.
                writer.WriteNumber("StorageResolution", (int)EmfStorageResolution.High);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();

        foreach (var (name, value) in _dimensionValues)
        {
            writer.WriteString(name, value);
        }

        foreach (var (name, value) in _properties)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }

        foreach (var chunk in chunks)
        {
            var values = CollectionsMarshal.AsSpan(chunk.Metric.Values).Slice(chunk.Start, chunk.Count);
            if (values.Length == 1)
            {
                // A single value as a plain number, as the specification's examples and AWS's libraries write it.
                writer.WriteNumber(chunk.Name, values[0]);
                continue;
            }

            writer.WriteStartArray(chunk.Name);
            foreach (var value in values)
            {
                writer.WriteNumberValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private readonly record struct Chunk(string Name, Metric Metric, int Start, int Count);
}
