using Gateway.Processing.Classification;

namespace Gateway.Processing.Tests.Classification;

public sealed class EmailOpenClassifierTests
{
    private const string AppleMailMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)";

    [Theory]
    // Apple MPP: bare "Mozilla/5.0" from Apple's network or a Private Relay egress network.
    [InlineData("Mozilla/5.0", 714u, null, "email:apple-mpp:asn714")]
    [InlineData("Mozilla/5.0", 36183u, "104.28.0.0", "email:apple-mpp:asn36183")]
    [InlineData("Mozilla/5.0", 13335u, null, "email:apple-mpp:asn13335")]
    // Apple MPP recognised by Apple's 17.0.0.0/8 when the ASN is missing.
    [InlineData("Mozilla/5.0", null, "17.58.101.0", "email:apple-mpp:ip17")]
    // Gmail's image proxy.
    [InlineData("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", 15169u, "66.249.84.0", "email:google-image-proxy")]
    // Yahoo Mail's image proxy.
    [InlineData("YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html", 36647u, null, "email:yahoo-mail-proxy")]
    // Barracuda's email security scanner.
    [InlineData("Barracuda Sentinel (EE)", 16509u, null, "email:scanner:barracuda")]
    public void Machine_opens_are_recognised(string userAgent, uint? asn, string? ipPrefix, string reason)
    {
        Assert.Equal(new EmailOpenVerdict(true, reason), Classifiers.EmailOpens.Classify(userAgent, asn, ipPrefix));
    }

    [Theory]
    // Apple Mail on a Mac without MPP sends its platform comment.
    [InlineData(AppleMailMac, 714u, "17.58.101.0")]
    // Bare "Mozilla/5.0" from a residential network is not attributed to Apple.
    [InlineData("Mozilla/5.0", 3320u, "93.184.0.0")]
    // A 17x address is not Apple's 17/8.
    [InlineData("Mozilla/5.0", null, "171.4.0.0")]
    // Outlook desktop rendering the pixel itself.
    [InlineData("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", 3320u, null)]
    // Nothing known at all.
    [InlineData(null, null, null)]
    public void Person_opens_are_not_flagged(string? userAgent, uint? asn, string? ipPrefix)
    {
        Assert.Equal(EmailOpenVerdict.Person, Classifiers.EmailOpens.Classify(userAgent, asn, ipPrefix));
    }
}
