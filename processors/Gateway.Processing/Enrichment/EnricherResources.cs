using Gateway.Processing.Classification;
using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Enrichment;

/// <summary>The rule sets the enricher reads: uap-core, crawler-user-agents, the Public Suffix List and the embedded host and ASN lists.</summary>
/// <remarks>Loading compiles a few hundred regexes, so load once per process and share: every member is thread-safe.</remarks>
public sealed class EnricherResources
{
    /// <summary>Bundles rule sets loaded elsewhere.</summary>
    public EnricherResources(UserAgentParser userAgents, BotClassifier bots, PublicSuffixList suffixes, ReferrerClassifier referrers, EmailOpenClassifier emailOpens)
    {
        UserAgents = userAgents ?? throw new ArgumentNullException(nameof(userAgents));
        Bots = bots ?? throw new ArgumentNullException(nameof(bots));
        Suffixes = suffixes ?? throw new ArgumentNullException(nameof(suffixes));
        Referrers = referrers ?? throw new ArgumentNullException(nameof(referrers));
        EmailOpens = emailOpens ?? throw new ArgumentNullException(nameof(emailOpens));
    }

    /// <summary>uap-core's rules.</summary>
    public UserAgentParser UserAgents { get; }

    /// <summary>Bot rules.</summary>
    public BotClassifier Bots { get; }

    /// <summary>The Public Suffix List.</summary>
    public PublicSuffixList Suffixes { get; }

    /// <summary>Referrer media.</summary>
    public ReferrerClassifier Referrers { get; }

    /// <summary>Email machine-open rules.</summary>
    public EmailOpenClassifier EmailOpens { get; }

    /// <summary>Loads every rule set from the tools/ npm install found above the binaries (or next to them in a deployment).</summary>
    public static EnricherResources Load()
    {
        var suffixes = PublicSuffixList.Load();
        return new EnricherResources(UserAgentParser.Load(), BotClassifier.Load(), suffixes, ReferrerClassifier.Create(suffixes), EmailOpenClassifier.Create());
    }
}
