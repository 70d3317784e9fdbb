using System.Globalization;
using Gateway.Dashboards.Rollups;
using Microsoft.AspNetCore.Http;

namespace Gateway.Dashboards.Http;

/// <summary>The parameters of <c>/api/metrics</c>: pixel, range and step, checked and aligned to the step.</summary>
/// <param name="Pixel">One pixel id, or null for every pixel.</param>
/// <param name="From">Start of the first step (inclusive).</param>
/// <param name="To">End of the last step (exclusive).</param>
/// <param name="Step">The resolution.</param>
public sealed record MetricsRequest(string? Pixel, DateTimeOffset From, DateTimeOffset To, RollupStep Step)
{
    /// <summary>Most points one request may ask for.</summary>
    public const int MaxPoints = 10_000;

    /// <summary>Longest pixel id accepted (longer ones were never stored whole).</summary>
    public const int MaxPixelLength = 256;

    /// <summary>The points' count.</summary>
    public int PointCount => (int)((To - From).Ticks / Width(Step).Ticks);

    /// <summary>The length of one step.</summary>
    public static TimeSpan Width(RollupStep step) => step switch
    {
        RollupStep.Minute => TimeSpan.FromMinutes(1),
        RollupStep.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>The start of the step holding <paramref name="at"/>.</summary>
    public static DateTimeOffset Floor(DateTimeOffset at, RollupStep step)
    {
        var ticks = at.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % Width(step).Ticks), TimeSpan.Zero);
    }

    /// <summary>The start of the first step at or after <paramref name="at"/>.</summary>
    public static DateTimeOffset Ceiling(DateTimeOffset at, RollupStep step)
    {
        var floor = Floor(at, step);
        return floor == at ? floor : floor + Width(step);
    }

    /// <summary>Reads the query; <paramref name="error"/> says what is wrong and how to fix it when the result is null.</summary>
    public static MetricsRequest? Parse(IQueryCollection query, DateTimeOffset now, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        error = null;
        var step = RollupStep.Minute;
        if (query.TryGetValue("step", out var stepText) && !string.IsNullOrEmpty(stepText))
        {
            switch (stepText.ToString())
            {
                case "minute": step = RollupStep.Minute; break;
                case "hour": step = RollupStep.Hour; break;
                case "day": step = RollupStep.Day; break;
                default:
                    error = "step must be minute, hour or day";
                    return null;
            }
        }

        var pixel = ReadPixel(query, out error);
        if (error is not null)
        {
            return null;
        }

        var span = step switch { RollupStep.Minute => TimeSpan.FromHours(1), RollupStep.Hour => TimeSpan.FromHours(24), _ => TimeSpan.FromDays(30) };
        var to = now;
        var from = now - span;
        if (!Instant(query, "to", ref to, out error) || !Instant(query, "from", ref from, out error))
        {
            return null;
        }

        if (from >= to)
        {
            error = "from must be before to";
            return null;
        }

        var request = new MetricsRequest(pixel, Floor(from, step), Ceiling(to, step), step);
        if ((request.To - request.From).Ticks / Width(step).Ticks > MaxPoints)
        {
            error = $"the range holds more than {MaxPoints} points at step {step.ToString().ToLowerInvariant()}; narrow from/to or use a coarser step";
            return null;
        }

        return request;
    }

    /// <summary>The <c>pixel</c> parameter: null when absent or empty.</summary>
    public static string? ReadPixel(IQueryCollection query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        error = null;
        if (!query.TryGetValue("pixel", out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return null;
        }

        if (values.Count > 1)
        {
            error = "give pixel once (one pixel id, or none for every pixel)";
            return null;
        }

        var pixel = values[0]!;
        if (pixel.Length > MaxPixelLength || pixel.Any(char.IsControl))
        {
            error = $"pixel must be at most {MaxPixelLength} characters without control characters";
            return null;
        }

        return pixel;
    }

    private static bool Instant(IQueryCollection query, string name, ref DateTimeOffset value, out string? error)
    {
        error = null;
        if (!query.TryGetValue(name, out var values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return true;
        }

        var text = values[0]!;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            if (ms is < 0 or > 253_402_300_799_999)
            {
                error = $"{name} is out of range; give Unix milliseconds from 0 or an ISO 8601 instant";
                return false;
            }

            value = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            value = at;
            return true;
        }

        error = $"{name} must be an ISO 8601 instant (2026-11-23T10:00:00Z) or Unix milliseconds";
        return false;
    }
}
