using System.Globalization;

namespace Gateway.Dashboards.Abnormal.Internal;

/// <summary>The one-line reasons of alerts; numbers in the invariant culture, rounded to what a reader can take in.</summary>
internal static class AlertText
{
    public static string Reason(SeriesKey key, AlertCause cause, Reading reading, long quietBefore)
    {
        if (cause == AlertCause.Appeared)
        {
            var when = quietBefore < 0 ? "first seen" : $"first after {Duration(quietBefore)} quiet";
            return $"{key}: {Number(reading.Value)} events/min, {when}";
        }

        return key.IsShare
            ? $"{key}: {Percent(reading.Value)} of {Number(reading.Weight)} events against a usual {Percent(reading.Mean)} ± {Percent(reading.Deviation)} (z = {Number(reading.Z)})"
            : $"{key}: {Number(reading.Value)}/min against a usual {Number(reading.Mean)} ± {Number(reading.Deviation)}/min (z = {Number(reading.Z)})";
    }

    /// <summary>Whole numbers from 10 up, one decimal from 1, two below: 240, 4.5, 0.35.</summary>
    public static string Number(double value)
    {
        var magnitude = Math.Abs(value);
        var format = magnitude >= 10 ? "0" : magnitude >= 1 ? "0.#" : "0.##";
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    private static string Percent(double share) => Number(share * 100) + "%";

    private static string Duration(long minutes) => minutes switch
    {
        < 60 => $"{minutes} min",
        < 24 * 60 => minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min",
        _ => minutes / 60 % 24 == 0 ? $"{minutes / (24 * 60)} d" : $"{minutes / (24 * 60)} d {minutes / 60 % 24} h",
    };
}
