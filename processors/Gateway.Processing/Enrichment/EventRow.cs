namespace Gateway.Processing.Enrichment;

/// <summary>One row of the <c>events</c> table: a pixel hit after every enrichment step (see <see cref="EventEnricher"/>).</summary>
/// <remarks>Property order is column order; <see cref="EventRowJson"/> writes the same names in snake case. The full
/// client IP, the raw user agent and any cookie are never part of a row.</remarks>
public sealed class EventRow
{
    /// <summary>When the event happened: the client's <c>ts</c> when plausible, else the log timestamp.</summary>
    public DateTimeOffset EventTime { get; set; }

    /// <summary>The edge's log timestamp.</summary>
    public DateTimeOffset ReceivedTime { get; set; }

    /// <summary>The client's <c>eid</c>, else a fingerprint of the record (prefix <c>fp_</c>).</summary>
    public string EventId { get; set; } = "";

    /// <summary><c>pid</c>.</summary>
    public string PixelId { get; set; } = "";

    /// <summary><c>e</c>, default <c>pageview</c>.</summary>
    public string EventName { get; set; } = TagContract.DefaultEventName;

    /// <summary><c>url</c>, else <c>cs-referer</c>; user info removed.</summary>
    public string? PageUrl { get; set; }

    /// <summary>Lower-case host of <see cref="PageUrl"/>.</summary>
    public string? PageHost { get; set; }

    /// <summary>Path of <see cref="PageUrl"/>, without query or fragment.</summary>
    public string? PagePath { get; set; }

    /// <summary><c>ref</c>, else <c>cs-referer</c> when that is not the page itself; user info removed.</summary>
    public string? ReferrerUrl { get; set; }

    /// <summary>Lower-case host of <see cref="ReferrerUrl"/>.</summary>
    public string? ReferrerHost { get; set; }

    /// <summary>search, social, email, internal, direct or other.</summary>
    public string ReferrerMedium { get; set; } = "direct";

    /// <summary><c>utm_source</c>.</summary>
    public string? UtmSource { get; set; }

    /// <summary><c>utm_medium</c>.</summary>
    public string? UtmMedium { get; set; }

    /// <summary><c>utm_campaign</c>.</summary>
    public string? UtmCampaign { get; set; }

    /// <summary><c>utm_term</c>.</summary>
    public string? UtmTerm { get; set; }

    /// <summary><c>utm_content</c>.</summary>
    public string? UtmContent { get; set; }

    /// <summary>The winning click id's value.</summary>
    public string? ClickId { get; set; }

    /// <summary>gclid, fbclid, msclkid, ttclid, li_fat_id, wbraid or gbraid.</summary>
    public string? ClickIdType { get; set; }

    /// <summary>Keyed hash of pixel, IP and UA with a daily salt, or of pixel and <c>uid</c> when the site sends one.</summary>
    public string VisitorId { get; set; } = "";

    /// <summary><c>uid</c>, as the site sent it.</summary>
    public string? UserId { get; set; }

    /// <summary>Client IP truncated to /24 (IPv4) or /48 (IPv6).</summary>
    public string? IpPrefix { get; set; }

    /// <summary><c>c-country</c>.</summary>
    public string? Country { get; set; }

    /// <summary><c>asn</c>.</summary>
    public long? Asn { get; set; }

    /// <summary>Browser family (uap-core).</summary>
    public string? UaBrowser { get; set; }

    /// <summary>Browser version, major.minor.patch as far as known.</summary>
    public string? UaBrowserVersion { get; set; }

    /// <summary>Operating-system family.</summary>
    public string? UaOs { get; set; }

    /// <summary>Operating-system version.</summary>
    public string? UaOsVersion { get; set; }

    /// <summary>Device family.</summary>
    public string? UaDevice { get; set; }

    /// <summary>Whether a bot rule matched (bots are flagged, not dropped).</summary>
    public bool IsBot { get; set; }

    /// <summary>The rule that matched, e.g. <c>ua:scripted:curl</c> or <c>asn:datacenter:16509</c>.</summary>
    public string? BotReason { get; set; }

    /// <summary>Whether an email-channel hit was fetched by a privacy proxy or scanner rather than opened by a person.</summary>
    public bool IsMachineOpen { get; set; }

    /// <summary>The rule that matched, e.g. <c>email:apple-mpp:asn714</c>.</summary>
    public string? MachineOpenReason { get; set; }

    /// <summary>web, email or server (<c>ch</c>).</summary>
    public string Channel { get; set; } = TagContract.DefaultChannel;

    /// <summary><c>v</c>.</summary>
    public double? Value { get; set; }

    /// <summary><c>cur</c>, upper case.</summary>
    public string? Currency { get; set; }

    /// <summary>Every other query parameter as a bounded JSON object (see <see cref="PropsWriter"/>).</summary>
    public string? Props { get; set; }

    /// <summary><c>x-edge-location</c>.</summary>
    public string? EdgeLocation { get; set; }

    /// <summary><c>sc-status</c>; 0 for CloudFront's <c>000</c>.</summary>
    public int? HttpStatus { get; set; }

    /// <summary><c>sc-bytes</c>.</summary>
    public long? BytesSent { get; set; }

    /// <summary><c>time-taken</c> in milliseconds.</summary>
    public double? TimeTakenMs { get; set; }

    /// <summary>What the enricher rejected, defaulted or cut, "; "-separated; null for a clean hit.</summary>
    public string? Notes { get; set; }

    /// <summary>Hive partition keys from <see cref="EventTime"/> (not a column: the lake's folders).</summary>
    public PartitionKeys Partition { get; set; }
}
