using Gateway.Processing.Classification;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Classification;

/// <summary>One instance of each classifier for all tests, built from the repository's tools/ install as production does.</summary>
internal static class Classifiers
{
    private static readonly Lazy<PublicSuffixList> LazySuffixes = new(() => PublicSuffixList.Load());
    private static readonly Lazy<ReferrerClassifier> LazyReferrers = new(() => ReferrerClassifier.Create(Suffixes));
    private static readonly Lazy<BotClassifier> LazyBots = new(() => BotClassifier.Load());
    private static readonly Lazy<EmailOpenClassifier> LazyEmailOpens = new(EmailOpenClassifier.Create);

    public static PublicSuffixList Suffixes => LazySuffixes.Value;

    public static ReferrerClassifier Referrers => LazyReferrers.Value;

    public static BotClassifier Bots => LazyBots.Value;

    public static EmailOpenClassifier EmailOpens => LazyEmailOpens.Value;

    public static string DataPath(string name) => Path.Combine(Gateway.Tests.Shared.RepositoryRoot.Path, "tests", "Gateway.Processing.Tests", "Classification", "data", name);
}
