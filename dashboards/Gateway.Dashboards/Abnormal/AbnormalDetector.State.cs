using Gateway.Dashboards.Abnormal.Internal;

namespace Gateway.Dashboards.Abnormal;

/// <summary>Saving and restoring the detector, so a restart keeps baselines, open alerts and history.</summary>
public sealed partial class AbnormalDetector
{
    // Smallest encodings, to reject counts that cannot fit before allocating for them.
    private const int SmallestSeries = 1 + 4 + 4 + 8 + 8 + 8 + 8 + 8 + 4 + 1 + 8 + 40 + 8 + 1;
    private const int SmallestAlert = 1 + 4 + 4 + 1 + 4 + 8 + 8 + 8 + 32;

    /// <summary>
    /// The detector's state in a versioned binary format with a CRC-32: baselines, runs, open alerts, history and the open
    /// minute's totals. Options are not saved; <see cref="FromBytes"/> takes the ones to run with.
    /// </summary>
    public byte[] ToBytes()
    {
        lock (_gate)
        {
            var writer = new StateWriter();
            writer.Int64(_open);
            writer.Int64(_closedThrough);
            writer.Int64(_late);
            writer.Int32(_series.Count);
            for (var series = _oldest; series is not null; series = series.Newer)
            {
                WriteSeries(writer, series);
            }

            writer.Int32(_history.Count);
            foreach (var alert in _history)
            {
                WriteKey(writer, alert.Series);
                writer.Byte((byte)alert.Cause);
                writer.String(alert.Reason);
                writer.Int64(MinuteOf(alert.Start));
                writer.Int64(MinuteOf(alert.LastSeen));
                writer.Int64(MinuteOf(alert.End!.Value));
                writer.Double(alert.CurrentValue);
                writer.Double(alert.BaselineMean);
                writer.Double(alert.BaselineDeviation);
                writer.Double(alert.Z);
            }

            return writer.Finish();
        }
    }

    /// <summary>
    /// A detector restored from <see cref="ToBytes"/>, running with <paramref name="options"/>. The minutes between the save
    /// and the first one observed or advanced to afterwards are skipped, not counted as zero. When the state holds more series
    /// or history than the options allow, the least recently observed series and the oldest alerts are dropped.
    /// </summary>
    /// <exception cref="FormatException">The bytes are not a saved detector, come from another format version, are damaged, or are malformed; the message says which and where.</exception>
    public static AbnormalDetector FromBytes(ReadOnlySpan<byte> bytes, AbnormalDetectorOptions? options = null)
    {
        var detector = new AbnormalDetector(options);
        var reader = new StateReader(StateFormat.Open(bytes));
        detector._open = reader.Minute("open minute", orNever: true);
        detector._closedThrough = reader.Minute("last closed minute", orNever: true);
        detector._late = reader.Int64("late observations", 0, long.MaxValue);
        var seriesCount = reader.Count("series count", SmallestSeries);
        for (var i = 0; i < seriesCount; i++)
        {
            reader.Context = $"series {i + 1} of {seriesCount}";
            var series = ReadSeries(ref reader);
            if (!detector._series.TryAdd(series.Key, series))
            {
                reader.Fail($"{series.Key} appears twice");
            }

            detector.Append(series);
        }

        var historyCount = reader.Count("history count", SmallestAlert);
        for (var i = 0; i < historyCount; i++)
        {
            reader.Context = $"ended alert {i + 1} of {historyCount}";
            var key = ReadKey(ref reader);
            var cause = ReadCause(ref reader, key);
            detector._history.Enqueue(new AbnormalAlert(
                key, cause, reader.String("reason"), FromMinute(reader.Minute("start")), FromMinute(reader.Minute("last seen")),
                FromMinute(reader.Minute("end")), reader.Double("value"), reader.Double("mean"), reader.Double("deviation", 0), reader.Double("z")));
        }

        reader.Context = "end";
        reader.End();

        while (detector._series.Count > detector._options.MaxSeries)
        {
            detector.Forget(detector._oldest!, detector._open);
        }

        while (detector._history.Count > detector._options.MaxHistory)
        {
            detector._history.Dequeue();
        }

        detector._resuming = true;
        detector._historyChanged = true;
        detector._dirty = true;
        detector.PublishIfChanged();
        return detector;
    }

    private static void WriteKey(StateWriter writer, SeriesKey key)
    {
        writer.Byte((byte)key.Kind);
        writer.String(key.Pixel);
        writer.String(key.Label);
    }

    private static SeriesKey ReadKey(ref StateReader reader)
    {
        var kind = (AbnormalKind)reader.Byte("kind");
        if (kind is < AbnormalKind.EventRate or > AbnormalKind.BlockedDomain)
        {
            reader.Fail($"kind {(byte)kind} is not a series kind");
        }

        return new SeriesKey(kind, reader.String("pixel"), reader.String("label"));
    }

    private static AlertCause ReadCause(ref StateReader reader, SeriesKey key)
    {
        var cause = (AlertCause)reader.Byte("cause");
        var expected = key.AlertsOnAppearance ? cause == AlertCause.Appeared : cause is AlertCause.Spike or AlertCause.Drop;
        if (!expected)
        {
            reader.Fail($"cause {(byte)cause} does not fit a {key.Kind} series");
        }

        return cause;
    }

    private static void WriteSeries(StateWriter writer, Series series)
    {
        WriteKey(writer, series.Key);
        writer.Double(series.Sum);
        writer.Double(series.Weight);
        writer.Int64(series.Minutes);
        writer.Double(series.Mean);
        writer.Double(series.Variance);
        writer.Int32(series.Run);
        writer.Byte((byte)(sbyte)series.RunSign);
        writer.Int64(series.RunStart);
        writer.Reading(series.RunPeak);
        writer.Int64(series.LastActive);
        if (series.Alert is not { } alert)
        {
            writer.Byte(0);
            return;
        }

        writer.Byte(1);
        writer.Byte((byte)alert.Cause);
        writer.Int64(alert.Start);
        writer.Int64(alert.LastSeen);
        writer.Int32(alert.CalmRun);
        writer.Int64(alert.CalmStart);
        writer.Int64(alert.QuietBefore);
        writer.Reading(alert.Peak);
        writer.Reading(alert.Latest);
    }

    private static Series ReadSeries(ref StateReader reader)
    {
        var series = new Series(ReadKey(ref reader))
        {
            Sum = reader.Double("open minute's sum", 0),
            Weight = reader.Double("open minute's weight", 0),
            Minutes = reader.Int64("minutes learnt", 0, long.MaxValue),
            Mean = reader.Double("mean", 0, MaxCount),
            Variance = reader.Double("variance", 0, MaxCount * MaxCount),
            Run = reader.NonNegativeInt32("run"),
        };
        var sign = (sbyte)reader.Byte("run direction");
        if (sign is < -1 or > 1)
        {
            reader.Fail($"run direction is {sign}, expected -1, 0 or 1");
        }

        series.RunSign = sign;
        series.RunStart = reader.Minute("run start", orNever: true);
        if (series.Run > 0 && (sign == 0 || series.RunStart == Series.Never))
        {
            reader.Fail($"a run of abnormal minutes ({series.Run}) has no direction or start");
        }

        series.RunPeak = reader.Reading("run peak");
        series.LastActive = reader.Minute("last active minute", orNever: true);
        if (!ReadFlag(ref reader, "alert flag"))
        {
            return series;
        }

        var alert = new OpenAlert
        {
            Cause = ReadCause(ref reader, series.Key),
            Start = reader.Minute("alert start"),
            LastSeen = reader.Minute("alert last seen"),
            CalmRun = reader.NonNegativeInt32("calm run"),
            CalmStart = reader.Minute("calm start", orNever: true),
            QuietBefore = reader.Int64("quiet before", -1, long.MaxValue),
            Peak = reader.Reading("alert peak"),
            Latest = reader.Reading("alert latest"),
        };
        if (alert.CalmRun > 0 && alert.CalmStart == Series.Never)
        {
            reader.Fail($"a run of calm minutes ({alert.CalmRun}) has no start");
        }

        series.Alert = alert;
        return series;
    }

    private static bool ReadFlag(ref StateReader reader, string what)
    {
        var flag = reader.Byte(what);
        if (flag > 1)
        {
            reader.Fail($"{what} is {flag}, expected 0 or 1");
        }

        return flag == 1;
    }
}
