using Gateway.Dashboards.Abnormal.Internal;

namespace Gateway.Dashboards.Abnormal;

/// <summary>Judging one closed minute of every series: z-scores, runs, hysteresis, appearances and the baseline update.</summary>
public sealed partial class AbnormalDetector
{
    private void CloseMinute(long minute)
    {
        // Oldest first, so alerts that end in the same minute enter the history in a deterministic order.
        for (var series = _oldest; series is not null; series = series.Newer)
        {
            Judge(series, minute);
        }

        _closedThrough = minute;
    }

    private void Judge(Series series, long minute)
    {
        // Many observations of one minute can add up past the bound that one may reach.
        var sum = Math.Min(series.Sum, MaxCount);
        var weight = series.Weight;
        var share = weight > 0 ? series.Sum / weight : 0;
        weight = Math.Min(weight, MaxCount);
        series.Sum = 0;
        series.Weight = 0;

        if (series.Key.AlertsOnAppearance)
        {
            JudgeAppearance(series, minute, sum);
        }
        else if (!series.Key.IsShare)
        {
            JudgeScore(series, minute, sum, 0);
        }
        else if (weight > 0)
        {
            JudgeScore(series, minute, share, weight);
        }
        else if (series.Alert is { } alert)
        {
            // No events, so no share: nothing confirms the alert, and a pixel that went silent should not keep one open.
            Calm(series, alert, minute, _options.MinutesToEnd);
        }
    }

    private void JudgeScore(Series series, long minute, double value, double weight)
    {
        var warmedUp = series.Minutes >= _options.WarmUpMinutes;
        var deviation = Deviation(series, weight);
        var z = series.Minutes == 0 ? 0 : (value - series.Mean) / deviation;
        var reading = new Reading(value, weight, series.Mean, deviation, z);

        if (series.Alert is { } alert)
        {
            Continue(series, alert, minute, reading);
        }
        else if (warmedUp)
        {
            Watch(series, minute, reading);
        }

        Learn(series, value, deviation, clamp: warmedUp);
    }

    /// <summary>Counts consecutive abnormal minutes of one direction; enough of them open an alert starting at the first.</summary>
    private void Watch(Series series, long minute, Reading reading)
    {
        var threshold = _options.Threshold;
        // A share's expected count is its expected bot events this minute.
        var expected = series.Key.IsShare ? reading.Mean * reading.Weight : reading.Mean;
        var sign = reading.Z >= threshold ? 1 : reading.Z <= -threshold && expected >= _options.MinimumDropMean ? -1 : 0;
        if (sign == 0)
        {
            series.Run = 0;
            return;
        }

        if (series.Run == 0 || series.RunSign != sign)
        {
            series.Run = 0;
            series.RunSign = sign;
            series.RunStart = minute;
            series.RunPeak = reading;
        }

        series.Run++;
        if (Math.Abs(reading.Z) > Math.Abs(series.RunPeak.Z))
        {
            series.RunPeak = reading;
        }

        if (series.Run >= _options.MinutesToStart)
        {
            series.Alert = new OpenAlert
            {
                Cause = sign > 0 ? AlertCause.Spike : AlertCause.Drop,
                Start = series.RunStart,
                LastSeen = minute,
                Peak = series.RunPeak,
                Latest = reading,
            };
            series.Run = 0;
            _dirty = true;
        }
    }

    /// <summary>An open z-score alert: a minute outside the calm band (|z| ≥ threshold / 2 its way) keeps it; enough calm ones end it.</summary>
    private void Continue(Series series, OpenAlert alert, long minute, Reading reading)
    {
        alert.Latest = reading;
        _dirty = true;
        var toward = alert.Cause == AlertCause.Spike ? reading.Z : -reading.Z;
        if (toward < _options.Threshold / 2)
        {
            Calm(series, alert, minute, _options.MinutesToEnd);
            return;
        }

        alert.LastSeen = minute;
        alert.CalmRun = 0;
        var peak = alert.Cause == AlertCause.Spike ? alert.Peak.Z : -alert.Peak.Z;
        if (toward > peak)
        {
            alert.Peak = reading;
            alert.Reason = null;
        }
    }

    private void JudgeAppearance(Series series, long minute, double count)
    {
        var deviation = Deviation(series, 0);
        var z = series.Minutes == 0 ? 0 : (count - series.Mean) / deviation;
        var reading = new Reading(count, 0, series.Mean, deviation, z);
        if (count > 0)
        {
            var quiet = series.LastActive == Series.Never ? -1 : minute - series.LastActive - 1;
            if (series.Alert is { } alert)
            {
                alert.Latest = reading;
                alert.LastSeen = minute;
                alert.CalmRun = 0;
                _dirty = true;
            }
            else if (quiet < 0 || quiet >= _options.QuietMinutes)
            {
                series.Alert = new OpenAlert
                {
                    Cause = AlertCause.Appeared,
                    Start = minute,
                    LastSeen = minute,
                    QuietBefore = quiet,
                    Peak = reading,
                    Latest = reading,
                };
                _dirty = true;
            }

            series.LastActive = minute;
        }
        else if (series.Alert is { } alert)
        {
            alert.Latest = reading;
            Calm(series, alert, minute, _options.QuietMinutes);
        }

        // The baseline of an appearance series only feeds the alert's numbers, so it learns every minute as it is.
        Learn(series, count, deviation, clamp: false);
    }

    private void Calm(Series series, OpenAlert alert, long minute, int needed)
    {
        if (alert.CalmRun == 0)
        {
            alert.CalmStart = minute;
        }

        alert.CalmRun++;
        _dirty = true;
        if (alert.CalmRun >= needed)
        {
            EndAlert(series, alert, alert.CalmStart);
        }
    }

    private void EndAlert(Series series, OpenAlert alert, long end)
    {
        _history.Enqueue(ToRecord(series.Key, alert, end));
        while (_history.Count > _options.MaxHistory)
        {
            _history.Dequeue();
        }

        series.Alert = null;
        _historyChanged = true;
        _dirty = true;
    }

    /// <summary>The larger of the baseline's deviation and the floor (see the class remarks).</summary>
    private static double Deviation(Series series, double weight)
    {
        var spread = Math.Sqrt(series.Variance);
        if (!series.Key.IsShare)
        {
            return Math.Max(spread, Math.Sqrt(Math.Max(series.Mean, 0)) + 1);
        }

        var share = Math.Clamp((series.Mean * weight + 1) / (weight + 2), 0, 1);
        return Math.Max(spread, Math.Sqrt(share * (1 - share) / weight));
    }

    /// <summary>
    /// One EWMA step (West's incremental mean and variance). The first minutes weigh 1/n, an ordinary average, so the
    /// baseline does not lean on the first minute; after that α. Past the warm-up the value is clamped to the calm band.
    /// </summary>
    private void Learn(Series series, double value, double deviation, bool clamp)
    {
        if (clamp)
        {
            var band = _options.Threshold / 2 * deviation;
            value = Math.Clamp(value, series.Mean - band, series.Mean + band);
        }

        var weight = Math.Max(_alpha, 1.0 / (series.Minutes + 1));
        var difference = value - series.Mean;
        var step = weight * difference;
        series.Mean += step;
        series.Variance = (1 - weight) * (series.Variance + difference * step);
        if (series.Minutes < long.MaxValue)
        {
            series.Minutes++;
        }
    }
}
