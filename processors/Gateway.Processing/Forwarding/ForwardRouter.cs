using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Forwarding;

/// <summary>Why an event is not forwarded: the reason codes of the <c>dropped</c> metric and of the lake's note.</summary>
public static class DropReasons
{
    /// <summary>No pixel with the event's <c>pixel_id</c> is configured.</summary>
    public const string PixelNotConfigured = "pixel_not_configured";

    /// <summary>The pixel is configured with <c>enabled: false</c>.</summary>
    public const string PixelDisabled = "pixel_disabled";

    /// <summary>The pixel's publishing rules do not list the event name.</summary>
    public const string EventNotPublished = "event_not_published";

    /// <summary><c>page_host</c> matches a block rule.</summary>
    public const string DomainBlocked = "domain_blocked";

    /// <summary>An allow list exists and <c>page_host</c> matches none of it.</summary>
    public const string DomainNotAllowed = "domain_not_allowed";

    /// <summary>The event is flagged <c>is_bot</c> and <c>forwardBots</c> is off.</summary>
    public const string Bot = "bot";

    /// <summary>The event is an email open by a privacy proxy or scanner and <c>forwardMachineOpens</c> is off.</summary>
    public const string MachineOpen = "machine_open";

    /// <summary>The pixel lists no destination, or every one it lists is disabled.</summary>
    public const string NoDestination = "no_destination";

    /// <summary>Older than the destination accepts (Meta: 7 days); also written as a bad row.</summary>
    public const string Stale = "stale";

    /// <summary>The event lacks what the destination requires (Meta website events: a URL and a user agent); also written as a bad row.</summary>
    public const string Incomplete = "incomplete";
}

/// <summary>Where one event goes: a destination and the event name it is sent under.</summary>
public readonly record struct ForwardRoute(DestinationSettings Destination, string EventName);

/// <summary>The router's answer for one event: its routes, or why it has none.</summary>
public readonly record struct RouteDecision(IReadOnlyList<ForwardRoute> Routes, string? DropReason)
{
    /// <summary>Whether the event goes nowhere.</summary>
    public bool Dropped => DropReason is not null;

    internal static RouteDecision Drop(string reason) => new([], reason);
}

/// <summary>
/// Applies the control plane to an enriched event: pixel configured and enabled, event name published, domain rules, bot and
/// machine-open filters, then the pixel's enabled destinations. Immutable: a configuration change builds a new router.
/// </summary>
public sealed class ForwardRouter
{
    private readonly ForwardSettings _settings;
    private readonly DomainRules _domains;
    private readonly Dictionary<string, (PixelSettings Pixel, DestinationSettings[] Destinations)> _pixels;

    /// <summary>Compiles <paramref name="settings"/> (validated by <see cref="ForwardSettingsJson"/>).</summary>
    public ForwardRouter(ForwardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _domains = new DomainRules(settings.Domains);
        _pixels = new Dictionary<string, (PixelSettings, DestinationSettings[])>(StringComparer.Ordinal);
        foreach (var pixel in settings.Pixels)
        {
            var destinations = pixel.Destinations
                .Select(name => settings.Destination(name) ?? throw new ArgumentException($"pixel '{pixel.Id}' names no destination '{name}'", nameof(settings)))
                .Where(d => d.Enabled)
                .ToArray();
            _pixels[pixel.Id] = (pixel, destinations);
        }
    }

    /// <summary>The settings this router applies.</summary>
    public ForwardSettings Settings => _settings;

    /// <summary>Whether any pixel is configured.</summary>
    public bool HasPixels => _pixels.Count > 0;

    /// <summary>Whether <paramref name="pixelId"/> is a configured pixel (enabled or not).</summary>
    public bool IsConfigured(string pixelId) => _pixels.ContainsKey(pixelId);

    /// <summary>The domain verdict for <paramref name="host"/>, for flagging stored events.</summary>
    public DomainVerdict JudgeDomain(string? host) => _domains.Judge(host);

    /// <summary>
    /// The note an event gets in the lake when its page's domain keeps it from being forwarded:
    /// <c>not forwarded: domain_blocked</c> or <c>not forwarded: domain_not_allowed</c>; null otherwise.
    /// </summary>
    public string? DomainNote(EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _domains.Judge(row.PageHost) switch
        {
            DomainVerdict.Blocked => DomainBlockedNote,
            DomainVerdict.NotAllowed => DomainNotAllowedNote,
            _ => null,
        };
    }

    /// <summary>The note of an event whose page is on a blocked domain.</summary>
    public const string DomainBlockedNote = "not forwarded: " + DropReasons.DomainBlocked;

    /// <summary>The note of an event whose page is not on an allowed domain.</summary>
    public const string DomainNotAllowedNote = "not forwarded: " + DropReasons.DomainNotAllowed;

    /// <summary>Routes <paramref name="row"/>.</summary>
    public RouteDecision Route(EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!_pixels.TryGetValue(row.PixelId, out var entry))
        {
            return RouteDecision.Drop(DropReasons.PixelNotConfigured);
        }

        if (!entry.Pixel.Enabled)
        {
            return RouteDecision.Drop(DropReasons.PixelDisabled);
        }

        if (!entry.Pixel.PublishedEvents.TryGetValue(row.EventName, out var name))
        {
            return RouteDecision.Drop(DropReasons.EventNotPublished);
        }

        switch (_domains.Judge(row.PageHost))
        {
            case DomainVerdict.Blocked:
                return RouteDecision.Drop(DropReasons.DomainBlocked);
            case DomainVerdict.NotAllowed:
                return RouteDecision.Drop(DropReasons.DomainNotAllowed);
        }

        if (row.IsBot && !_settings.ForwardBots)
        {
            return RouteDecision.Drop(DropReasons.Bot);
        }

        if (row.IsMachineOpen && !_settings.ForwardMachineOpens)
        {
            return RouteDecision.Drop(DropReasons.MachineOpen);
        }

        if (entry.Destinations.Length == 0)
        {
            return RouteDecision.Drop(DropReasons.NoDestination);
        }

        var routes = new ForwardRoute[entry.Destinations.Length];
        for (var i = 0; i < routes.Length; i++)
        {
            routes[i] = new ForwardRoute(entry.Destinations[i], name);
        }

        return new RouteDecision(routes, null);
    }
}
