using FsCheck;
using FsCheck.Fluent;

namespace Gateway.Processing.Tests.Classification;

public sealed class ClassificationPropertyTests
{
    private static readonly Config Cases = Config.QuickThrowOnFailure.WithMaxTest(500);

    /// <summary>Arbitrary strings, and strings built from the characters that steer host and UA parsing.</summary>
    private static Arbitrary<string?> Text =>
        Arb.From(Gen.Frequency(
            (2, ArbMap.Default.GeneratorFor<string?>()),
            (3, Gen.ArrayOf(Gen.Elements("abc.-:/@[]?#*!xn--食狮 \t%0123456789".ToCharArray())).Select(chars => (string?)new string(chars)))));

    [Fact]
    public void Any_host_yields_a_domain_or_null_and_never_throws()
    {
        Check.One(Cases, Prop.ForAll(Text, host =>
        {
            var domain = Classifiers.Suffixes.GetRegistrableDomain(host);
            // An answer is always a tail of the (lower-cased) input.
            Assert.True(domain is null || host!.Trim().TrimEnd('.').ToLowerInvariant().EndsWith(domain, StringComparison.Ordinal));
        }));
    }

    [Fact]
    public void Any_referrer_yields_a_medium_and_never_throws()
    {
        Check.One(Cases, Prop.ForAll(Text, Text, (page, referrer) =>
            Assert.True(Enum.IsDefined(Classifiers.Referrers.Classify(page, referrer)))));
    }

    [Fact]
    public void Any_user_agent_yields_a_verdict_with_a_reason_when_a_bot()
    {
        Check.One(Cases, Prop.ForAll(Text, ArbMap.Default.ArbFor<uint>(), (ua, asn) =>
        {
            var verdict = Classifiers.Bots.Classify(ua, asn);
            Assert.Equal(verdict.IsBot, verdict.Reason is not null);
        }));
    }

    [Fact]
    public void Any_email_hit_yields_a_verdict_with_a_reason_when_a_machine()
    {
        Check.One(Cases, Prop.ForAll(Text, Text, (ua, ip) =>
        {
            var verdict = Classifiers.EmailOpens.Classify(ua, 714, ip);
            Assert.Equal(verdict.IsMachineOpen, verdict.Reason is not null);
        }));
    }
}
