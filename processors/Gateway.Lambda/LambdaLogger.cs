using System.Globalization;
using Gateway.Processing.Metrics;

namespace Gateway.Lambda;

/// <summary>Writes one line per message to stdout, which Lambda ships to CloudWatch Logs.</summary>
/// <remarks>
/// The shell logs ids, sizes, timings and errors, never event payloads: events carry visitor data (IP prefixes,
/// user agents, page URLs) that must stay in the lake, not in a log group with a different retention.
/// </remarks>
public sealed class LambdaLogger
{
    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly string _requestId;

    /// <summary>Creates a logger for the init phase, before any request id exists.</summary>
    public LambdaLogger(TextWriter output, TimeProvider time)
        : this(output, time, "-")
    {
    }

    private LambdaLogger(TextWriter output, TimeProvider time, string requestId)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(time);
        _output = output;
        _time = time;
        _requestId = requestId;
    }

    /// <summary>A logger whose lines carry <paramref name="requestId"/>.</summary>
    public LambdaLogger ForRequest(string requestId) => new(_output, _time, requestId);

    /// <summary>Logs an informational message.</summary>
    public void Info(string message) => Write("INFO", message);

    /// <summary>Logs a warning.</summary>
    public void Warn(string message) => Write("WARN", message);

    /// <summary>Logs an error, with the exception's type, message and stack when given.</summary>
    public void Error(string message, Exception? exception = null) =>
        Write("ERROR", exception is null ? message : $"{message}: {exception}");

    /// <summary>
    /// Writes the invocation's metrics as Embedded Metric Format lines, each a bare JSON object on its own line: CloudWatch
    /// Logs extracts metrics only from log events that are the JSON document itself. A set that cannot be written is
    /// logged as a warning instead, so metrics never fail an invocation.
    /// </summary>
    public void Metrics(GatewayMetricSet metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        IReadOnlyList<string> lines;
        try
        {
            lines = metrics.ToLines();
        }
        catch (ArgumentException e)
        {
            Warn($"metrics not written: {e.Message}");
            return;
        }

        lock (_output)
        {
            foreach (var line in lines)
            {
                _output.WriteLine(line);
            }

            _output.Flush();
        }
    }

    private void Write(string level, string message)
    {
        // CloudWatch turns every stdout line into its own log event; carriage returns keep a multi-line message
        // (a stack trace) in one event.
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ}\t{_requestId}\t{level}\t{message.ReplaceLineEndings("\r")}");
        lock (_output)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }
}
