using System.Buffers;
using System.Net;
using System.Text.Json;
using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Forwarding;

/// <summary>One event ready for Meta: its JSON, or why it cannot be sent.</summary>
/// <param name="Json">The server event object (UTF-8), or null.</param>
/// <param name="DropReason"><see cref="DropReasons.Stale"/> or <see cref="DropReasons.Incomplete"/> when <paramref name="Json"/> is null.</param>
/// <param name="Problem">What is wrong, for the bad row; never contains contact data.</param>
public readonly record struct MetaEventBuild(byte[]? Json, string? DropReason, string? Problem);

/// <summary>
/// Builds a Conversions API server event from an enriched row and its transient hit fields (spec 10): <c>event_name</c>
/// (the pixel's published name), <c>event_time</c> in seconds, <c>event_id</c> (ours, so the browser pixel's copy
/// deduplicates against it), <c>action_source</c> (website, email, or system_generated for server events),
/// <c>event_source_url</c>, <c>user_data</c> and <c>custom_data</c>.
/// </summary>
/// <remarks>
/// <para><c>user_data</c>: <c>client_ip_address</c> and <c>client_user_agent</c> as logged; <c>fbp</c> and <c>fbc</c> in
/// clear (an <c>fbc</c> is built from <c>fbclid</c> as <c>fb.1.&lt;event time ms&gt;.&lt;fbclid&gt;</c> when the hit carries no
/// cookie or parameter); each contact key normalized and hashed by <see cref="MetaUserData"/> into an array of distinct
/// hashes, as Meta's SDK sends them. <c>external_id</c> is the tag's <c>external_id</c>, else its <c>uid</c>; unlike the
/// SDK (which sends it as given) it is hashed, as Meta recommends.</para>
/// <para><c>custom_data</c>: <c>value</c>, <c>currency</c> (upper case, as the SDK normalizes it) and the row's
/// <c>props</c> as custom properties (a key that collides with those two is left out).</para>
/// <para>Meta fails a whole request for one event older than 7 days, so an event within <see cref="StaleMargin"/> of
/// that age is not built (<see cref="DropReasons.Stale"/>), and the sender checks again before every attempt.</para>
/// </remarks>
public static class MetaServerEvent
{
    /// <summary>The oldest event Meta accepts (spec 10).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>Kept short of <see cref="MaxAge"/> so an event does not turn stale between the check and Meta's receipt.</summary>
    public static readonly TimeSpan StaleMargin = TimeSpan.FromMinutes(10);

    /// <summary>How far in the future an event time may be (clock skew); later ones are refused as Meta refuses them.</summary>
    public static readonly TimeSpan MaxFuture = TimeSpan.FromMinutes(5);

    /// <summary>Whether an event at <paramref name="eventTime"/> is too old or too far ahead to send at <paramref name="now"/>.</summary>
    public static bool IsOutOfWindow(DateTimeOffset eventTime, DateTimeOffset now) =>
        eventTime < now - MaxAge + StaleMargin || eventTime > now + MaxFuture;

    /// <summary>Builds the event; never throws on any row or hit content.</summary>
    public static MetaEventBuild Build(EventRow row, ForwardHit hit, string eventName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(hit);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (IsOutOfWindow(row.EventTime, now))
        {
            var problem = row.EventTime > now
                ? $"event_time is {(row.EventTime - now).TotalMinutes:0} minutes ahead of the clock; Meta refuses events from the future"
                : $"event_time is {(now - row.EventTime).TotalDays:0.0} days old; Meta refuses events older than 7 days";
            return new MetaEventBuild(null, DropReasons.Stale, problem);
        }

        var actionSource = row.Channel switch
        {
            "email" => "email",
            "server" => "system_generated",
            _ => "website",
        };
        if (actionSource == "website" && (string.IsNullOrEmpty(row.PageUrl) || string.IsNullOrEmpty(hit.UserAgent)))
        {
            return new MetaEventBuild(null, DropReasons.Incomplete,
                string.IsNullOrEmpty(row.PageUrl)
                    ? "a website event needs event_source_url: the tag sent no url and the request no Referer"
                    : "a website event needs client_user_agent: the request had no User-Agent");
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event_name", eventName);
            writer.WriteNumber("event_time", row.EventTime.ToUnixTimeSeconds());
            if (row.EventId.Length > 0)
            {
                writer.WriteString("event_id", row.EventId);
            }

            writer.WriteString("action_source", actionSource);
            if (!string.IsNullOrEmpty(row.PageUrl))
            {
                writer.WriteString("event_source_url", row.PageUrl);
            }

            WriteUserData(writer, row, hit);
            WriteCustomData(writer, row);
            writer.WriteEndObject();
        }

        return new MetaEventBuild(buffer.WrittenSpan.ToArray(), null, null);
    }

    private static void WriteUserData(Utf8JsonWriter writer, EventRow row, ForwardHit hit)
    {
        writer.WriteStartObject("user_data");
        if (hit.ClientIp is { } ip && IPAddress.TryParse(ip, out _))
        {
            writer.WriteString("client_ip_address", ip);
        }

        if (!string.IsNullOrEmpty(hit.UserAgent))
        {
            writer.WriteString("client_user_agent", hit.UserAgent);
        }

        if (IsCookieValue(hit.Fbp))
        {
            writer.WriteString("fbp", hit.Fbp);
        }

        var fbc = IsCookieValue(hit.Fbc) ? hit.Fbc
            : string.IsNullOrEmpty(hit.Fbclid) ? null
            : $"fb.1.{row.EventTime.ToUnixTimeMilliseconds()}.{hit.Fbclid}";
        if (fbc is not null)
        {
            writer.WriteString("fbc", fbc);
        }

        var hashes = new List<string>(2);
        foreach (var key in MetaUserData.HashedKeys)
        {
            hashes.Clear();
            foreach (var (name, value) in hit.Contact)
            {
                if (name == key && MetaUserData.TryHash(key, value, out var hash, out _) && !hashes.Contains(hash))
                {
                    hashes.Add(hash);
                }
            }

            if (key == "external_id" && hashes.Count == 0 && MetaUserData.TryHash(key, row.UserId, out var user, out _))
            {
                hashes.Add(user);
            }

            if (hashes.Count > 0)
            {
                writer.WriteStartArray(key);
                foreach (var hash in hashes)
                {
                    writer.WriteStringValue(hash);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteCustomData(Utf8JsonWriter writer, EventRow row)
    {
        var started = false;
        if (row.Value is { } value && double.IsFinite(value))
        {
            Start(writer, ref started);
            writer.WriteNumber("value", value);
        }

        if (!string.IsNullOrEmpty(row.Currency))
        {
            Start(writer, ref started);
            writer.WriteString("currency", row.Currency.ToUpperInvariant());
        }

        if (!string.IsNullOrEmpty(row.Props))
        {
            try
            {
                using var props = JsonDocument.Parse(row.Props);
                if (props.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in props.RootElement.EnumerateObject())
                    {
                        if (property.Name is "value" or "currency" or PropsWriter.TruncatedMember or "fbp" or "fbc")
                        {
                            continue;
                        }

                        Start(writer, ref started);
                        property.WriteTo(writer);
                    }
                }
            }
            catch (JsonException)
            {
                // The enricher writes props; a row from elsewhere with broken props still forwards, without them.
            }
        }

        if (started)
        {
            writer.WriteEndObject();
        }
    }

    private static void Start(Utf8JsonWriter writer, ref bool started)
    {
        if (!started)
        {
            writer.WriteStartObject("custom_data");
            started = true;
        }
    }

    // fb.<subdomain index>.<creation ms>.<id>[.<appendix>]: anything else is not a cookie value Meta can use.
    private static bool IsCookieValue(string? value)
    {
        if (value is null || value.Length > 512 || !value.StartsWith("fb.", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = value.Split('.', 4);
        return parts.Length == 4 && parts[1].Length == 1 && char.IsAsciiDigit(parts[1][0]) && parts[2].Length > 0 && parts[2].All(char.IsAsciiDigit) && parts[3].Length > 0;
    }
}
