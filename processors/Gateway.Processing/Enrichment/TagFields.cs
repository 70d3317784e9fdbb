namespace Gateway.Processing.Enrichment;

/// <summary>The tag-contract fields of one hit, taken from its query parameters by <see cref="TagContract.Extract"/>.</summary>
public sealed class TagFields
{
    /// <summary>Pixel id (<c>pid</c>), or null when the hit names none.</summary>
    public string? PixelId { get; init; }

    /// <summary>Event name (<c>e</c>); <c>pageview</c> when absent.</summary>
    public string EventName { get; init; } = TagContract.DefaultEventName;

    /// <summary>Client-supplied event id (<c>eid</c>), untrimmed; see <see cref="EventIds"/> for validation.</summary>
    public string? EventId { get; init; }

    /// <summary>Site-supplied user id (<c>uid</c>).</summary>
    public string? UserId { get; init; }

    /// <summary>Page URL (<c>url</c>).</summary>
    public string? PageUrl { get; init; }

    /// <summary>Referrer URL (<c>ref</c>).</summary>
    public string? ReferrerUrl { get; init; }

    /// <summary>Value (<c>v</c>), a finite decimal number; null when absent or invalid.</summary>
    public double? Value { get; init; }

    /// <summary>ISO 4217 currency (<c>cur</c>), three upper-case letters.</summary>
    public string? Currency { get; init; }

    /// <summary>Client time (<c>ts</c>) in Unix milliseconds; see <see cref="TagContract"/> for the seconds/milliseconds rule.</summary>
    public long? ClientTimestampUnixMs { get; init; }

    /// <summary>Channel (<c>ch</c>): web, email or server; web when absent or unknown.</summary>
    public string Channel { get; init; } = TagContract.DefaultChannel;

    /// <summary><c>utm_source</c>.</summary>
    public string? UtmSource { get; init; }

    /// <summary><c>utm_medium</c>.</summary>
    public string? UtmMedium { get; init; }

    /// <summary><c>utm_campaign</c>.</summary>
    public string? UtmCampaign { get; init; }

    /// <summary><c>utm_term</c>.</summary>
    public string? UtmTerm { get; init; }

    /// <summary><c>utm_content</c>.</summary>
    public string? UtmContent { get; init; }

    /// <summary>The winning click id's value.</summary>
    public string? ClickId { get; init; }

    /// <summary>The winning click id's parameter name (gclid, fbclid, …).</summary>
    public string? ClickIdType { get; init; }

    /// <summary>Every other parameter as a bounded JSON object; null when there is none.</summary>
    public string? Props { get; init; }

    /// <summary>What was rejected, defaulted or cut, one short note each; empty when the hit was clean.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
