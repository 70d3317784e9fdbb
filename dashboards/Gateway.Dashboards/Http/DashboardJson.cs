using System.Globalization;
using System.Text.Json;
using Gateway.Dashboards.Abnormal;
using Gateway.Dashboards.Live;

namespace Gateway.Dashboards.Http;

/// <summary>The dashboard API's JSON, written field by field (no reflection: the CLI is trimmed).</summary>
internal static class DashboardJson
{
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static void Metrics(Utf8JsonWriter json, MetricsView view)
    {
        json.WriteStartObject();
        if (view.Request.Pixel is { } pixel)
        {
            json.WriteString("pixel", pixel);
        }
        else
        {
            json.WriteNull("pixel");
        }

        json.WriteString("from", Time(view.Request.From));
        json.WriteString("to", Time(view.Request.To));
        json.WriteString("step", view.Request.Step.ToString().ToLowerInvariant());
        json.WriteString("source", view.Source);
        json.WriteStartArray("pixels");
        foreach (var p in view.Pixels)
        {
            json.WriteStringValue(p);
        }

        json.WriteEndArray();
        Array(json, "points", view.Points, Point);
        json.WritePropertyName("totals");
        json.WriteStartObject();
        PointFields(json, view.Totals, withTime: false);
        json.WriteStartObject("value");
        foreach (var (currency, value) in view.Value.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(currency, Math.Round(value, 2));
        }

        json.WriteEndObject();
        foreach (var (name, values) in view.Top)
        {
            json.WriteStartArray(name);
            foreach (var (value, count) in values)
            {
                json.WriteStartObject();
                json.WriteString("value", value);
                json.WriteNumber("count", count);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteStartObject("forward");
        json.WriteNumber("received", view.Forward.Received);
        json.WriteNumber("forwarded", view.Forward.Forwarded);
        json.WriteNumber("failed", view.Forward.Failed);
        json.WriteNumber("dropped", view.Forward.Dropped);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static void Array<T>(Utf8JsonWriter json, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> write)
    {
        json.WriteStartArray(name);
        foreach (var item in items)
        {
            write(json, item);
        }

        json.WriteEndArray();
    }

    public static void Point(Utf8JsonWriter json, MetricsPoint point)
    {
        json.WriteStartObject();
        PointFields(json, point, withTime: true);
        json.WriteEndObject();
    }

    public static void Recent(Utf8JsonWriter json, RecentEvent item)
    {
        json.WriteStartObject();
        json.WriteString("time", Time(item.Time));
        json.WriteString("pixel", item.Pixel);
        json.WriteString("event", item.Event);
        json.WriteString("channel", item.Channel);
        json.WriteString("page", item.Page);
        json.WriteString("referrerHost", item.ReferrerHost);
        json.WriteString("referrerMedium", item.ReferrerMedium);
        json.WriteString("country", item.Country);
        json.WriteString("browser", item.Browser);
        json.WriteString("os", item.Os);
        json.WriteString("device", item.Device);
        json.WriteBoolean("bot", item.Bot);
        json.WriteBoolean("machineOpen", item.MachineOpen);
        if (item.Value is { } value)
        {
            json.WriteNumber("value", value);
        }
        else
        {
            json.WriteNull("value");
        }

        json.WriteString("currency", item.Currency);
        json.WriteEndObject();
    }

    public static void Alert(Utf8JsonWriter json, AbnormalAlert alert)
    {
        json.WriteStartObject();
        json.WriteString("kind", Kind(alert.Kind));
        json.WriteString("cause", alert.Cause.ToString().ToLowerInvariant());
        json.WriteString("pixel", alert.Series.Pixel);
        json.WriteString("label", alert.Series.Label);
        json.WriteString("series", alert.Series.ToString());
        json.WriteString("reason", alert.Reason);
        json.WriteString("start", Time(alert.Start));
        json.WriteString("lastSeen", Time(alert.LastSeen));
        if (alert.End is { } end)
        {
            json.WriteString("end", Time(end));
        }
        else
        {
            json.WriteNull("end");
        }

        Number(json, "value", alert.CurrentValue);
        Number(json, "baseline", alert.BaselineMean);
        Number(json, "deviation", alert.BaselineDeviation);
        Number(json, "z", alert.Z);
        json.WriteEndObject();
    }

    public static string Kind(AbnormalKind kind) => kind switch
    {
        AbnormalKind.EventRate => "event_rate",
        AbnormalKind.BotShare => "bot_share",
        AbnormalKind.BadRowRate => "bad_row_rate",
        AbnormalKind.UnknownPixel => "unknown_pixel",
        AbnormalKind.BlockedDomain => "blocked_domain",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static void Error(Utf8JsonWriter json, string message)
    {
        json.WriteStartObject();
        json.WriteString("error", message);
        json.WriteEndObject();
    }

    private static void PointFields(Utf8JsonWriter json, MetricsPoint point, bool withTime)
    {
        if (withTime)
        {
            json.WriteString("time", Time(point.Time));
        }

        json.WriteNumber("events", point.Events);
        json.WriteNumber("bots", point.Bots);
        json.WriteNumber("humanOpens", point.HumanOpens);
        json.WriteNumber("machineOpens", point.MachineOpens);
        json.WriteNumber("conversions", point.Conversions);
        if (point.Visitors is { } visitors)
        {
            json.WriteNumber("visitors", visitors);
        }
        else
        {
            json.WriteNull("visitors");
        }
    }

    // Rounded so the JSON stays short; never NaN or infinity, which JSON cannot carry.
    private static void Number(Utf8JsonWriter json, string name, double value) =>
        json.WriteNumber(name, double.IsFinite(value) ? Math.Round(value, 4) : 0);
}
