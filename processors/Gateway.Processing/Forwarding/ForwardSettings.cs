namespace Gateway.Processing.Forwarding;

/// <summary>
/// The forward stage's control plane: which pixels forward, to which destinations, from which domains, and which event
/// names are published under which destination names. One JSON document (the <c>forward</c> object of
/// <c>gateway.json</c>, or the SSM parameter on AWS), read by <see cref="ForwardSettingsJson"/>.
/// </summary>
/// <param name="Pixels">Pixels that forward; an event of a pixel not listed is not forwarded.</param>
/// <param name="Domains">Allow and block lists matched on <c>page_host</c>.</param>
/// <param name="Destinations">Where events go, by name.</param>
/// <param name="ForwardBots">Whether events flagged <c>is_bot</c> are forwarded (default no).</param>
/// <param name="ForwardMachineOpens">Whether email opens by a privacy proxy or scanner are forwarded (default no).</param>
public sealed record ForwardSettings(
    IReadOnlyList<PixelSettings> Pixels,
    DomainSettings Domains,
    IReadOnlyList<DestinationSettings> Destinations,
    bool ForwardBots = false,
    bool ForwardMachineOpens = false)
{
    /// <summary>Nothing configured: every event is dropped with <c>pixel_not_configured</c>.</summary>
    public static ForwardSettings Empty { get; } = new([], DomainSettings.None, []);

    /// <summary>The pixel with id <paramref name="id"/>, or null.</summary>
    public PixelSettings? Pixel(string id)
    {
        foreach (var pixel in Pixels)
        {
            if (string.Equals(pixel.Id, id, StringComparison.Ordinal))
            {
                return pixel;
            }
        }

        return null;
    }

    /// <summary>The destination named <paramref name="name"/>, or null.</summary>
    public DestinationSettings? Destination(string name)
    {
        foreach (var destination in Destinations)
        {
            if (string.Equals(destination.Name, name, StringComparison.Ordinal))
            {
                return destination;
            }
        }

        return null;
    }
}

/// <summary>One pixel's forwarding.</summary>
/// <param name="Id">The tag's <c>pid</c>.</param>
/// <param name="Name">A label for people.</param>
/// <param name="Enabled">False stops forwarding for the pixel (its events are still stored).</param>
/// <param name="Destinations">Names of the destinations its events go to.</param>
/// <param name="Events">Publishing rules: our event name → the destination's event name. Only listed names are
/// forwarded; null means <see cref="DefaultEventNames"/>.</param>
public sealed record PixelSettings(string Id, string? Name, bool Enabled, IReadOnlyList<string> Destinations, IReadOnlyDictionary<string, string>? Events)
{
    /// <summary>The publishing rules of a pixel that lists none: our tag's names → Meta's standard events.</summary>
    public static IReadOnlyDictionary<string, string> DefaultEventNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pageview"] = "PageView",
        ["view_content"] = "ViewContent",
        ["search"] = "Search",
        ["add_to_cart"] = "AddToCart",
        ["add_to_wishlist"] = "AddToWishlist",
        ["checkout"] = "InitiateCheckout",
        ["add_payment_info"] = "AddPaymentInfo",
        ["purchase"] = "Purchase",
        ["lead"] = "Lead",
        ["signup"] = "CompleteRegistration",
        ["contact"] = "Contact",
        ["subscribe"] = "Subscribe",
        ["start_trial"] = "StartTrial",
        ["schedule"] = "Schedule",
    };

    /// <summary>The rules in force: <see cref="Events"/>, or the defaults.</summary>
    public IReadOnlyDictionary<string, string> PublishedEvents => Events ?? DefaultEventNames;
}

/// <summary>Domain rules on <c>page_host</c>: <c>shop.example.com</c> matches that host, <c>*.example.com</c> every host below
/// example.com (not example.com itself). A blocked host is never forwarded; with a non-empty allow list, only allowed hosts are.</summary>
public sealed record DomainSettings(IReadOnlyList<string> Allow, IReadOnlyList<string> Block)
{
    /// <summary>No rules: every host is forwarded.</summary>
    public static DomainSettings None { get; } = new([], []);
}

/// <summary>What a destination is.</summary>
public enum DestinationKind
{
    /// <summary>Meta Conversions API (<c>POST /{version}/{dataset}/events</c>).</summary>
    Meta,

    /// <summary>A JSON POST of the enriched events, signed with HMAC-SHA256.</summary>
    Webhook,
}

/// <summary>A secret named in the configuration: a literal, an environment variable, or an SSM parameter (AWS).</summary>
public sealed record SecretReference(string? Value, string? Environment, string? Ssm)
{
    /// <summary>A literal secret.</summary>
    public static SecretReference Literal(string value) => new(value, null, null);

    /// <summary>Where the secret comes from, without the secret: "environment variable X", "SSM parameter /x", "a literal value".</summary>
    public string Describe() => Environment is not null ? $"environment variable {Environment}" : Ssm is not null ? $"SSM parameter {Ssm}" : "a literal value";
}

/// <summary>One destination.</summary>
/// <param name="Name">How pixels refer to it.</param>
/// <param name="Kind">Meta or webhook.</param>
/// <param name="Enabled">False stops sending to it: its events are counted as dropped (<c>destination_disabled</c>), not queued.</param>
/// <param name="Endpoint">Meta: the Graph API base (https://graph.facebook.com). Webhook: the URL events are posted to.</param>
/// <param name="Secret">Meta: the access token. Webhook: the HMAC key.</param>
/// <param name="DatasetId">Meta: the pixel (dataset) id events are sent to; null sends each event to its own <c>pixel_id</c>.</param>
/// <param name="ApiVersion">Meta: the Graph API version (<c>v24.0</c>).</param>
/// <param name="TestEventCode">Meta: sends to Test Events only.</param>
/// <param name="MaxBatchEvents">Events per request (Meta allows at most 1 000).</param>
/// <param name="Timeout">Per request.</param>
public sealed record DestinationSettings(
    string Name,
    DestinationKind Kind,
    bool Enabled,
    Uri Endpoint,
    SecretReference Secret,
    string? DatasetId = null,
    string ApiVersion = DestinationSettings.DefaultApiVersion,
    string? TestEventCode = null,
    int MaxBatchEvents = 1000,
    TimeSpan Timeout = default)
{
    /// <summary>The Graph API version when none is configured.</summary>
    public const string DefaultApiVersion = "v24.0";

    /// <summary>Meta's limit of events per request.</summary>
    public const int MetaMaxBatchEvents = 1000;

    /// <summary>The Graph API's base.</summary>
    public static Uri MetaEndpoint { get; } = new("https://graph.facebook.com");

    /// <summary>The request timeout in force (10 s unless configured).</summary>
    public TimeSpan RequestTimeout => Timeout > TimeSpan.Zero ? Timeout : TimeSpan.FromSeconds(10);
}
