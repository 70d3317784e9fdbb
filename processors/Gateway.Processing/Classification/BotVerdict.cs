namespace Gateway.Processing.Classification;

/// <summary>Whether a hit came from a bot, and the rule that said so (e.g. "ua:scripted:curl", "asn:datacenter:16509").</summary>
public readonly record struct BotVerdict(bool IsBot, string? Reason)
{
    /// <summary>Not a bot.</summary>
    public static BotVerdict Human => default;
}
