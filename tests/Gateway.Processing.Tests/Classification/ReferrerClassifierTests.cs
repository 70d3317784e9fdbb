using FsCheck;
using FsCheck.Fluent;
using Gateway.Processing.Classification;

namespace Gateway.Processing.Tests.Classification;

public sealed class ReferrerClassifierTests
{
    [Theory]
    // No referrer header, or CloudFront's "-" for one.
    [InlineData("www.example.com", null, ReferrerMedium.Direct)]
    [InlineData("www.example.com", "", ReferrerMedium.Direct)]
    [InlineData("www.example.com", "-", ReferrerMedium.Direct)]
    // Same registrable domain, different subdomain.
    [InlineData("www.example.com", "https://shop.example.com/cart", ReferrerMedium.Internal)]
    // Same site given as a bare host with a port.
    [InlineData("example.co.uk", "blog.example.co.uk:8443", ReferrerMedium.Internal)]
    // A different github.io site is not internal.
    [InlineData("alice.github.io", "https://bob.github.io/", ReferrerMedium.Other)]
    // Google in any country.
    [InlineData("www.example.com", "https://www.google.com/", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://www.google.co.uk/", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://www.google.de/search?q=x", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://www.bing.com/search?q=x", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://duckduckgo.com/", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://search.yahoo.com/", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://www.baidu.com/link?url=x", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://yandex.ru/", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://www.ecosia.org/", ReferrerMedium.Search)]
    [InlineData("www.example.com", "https://search.brave.com/", ReferrerMedium.Search)]
    // Social networks, including their click-through redirect hosts.
    [InlineData("www.example.com", "https://l.facebook.com/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://m.facebook.com/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://www.instagram.com/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://t.co/abc", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://x.com/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://lnkd.in/xyz", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://www.linkedin.com/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://old.reddit.com/r/x", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://www.pinterest.fr/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://www.tiktok.com/", ReferrerMedium.Social)]
    [InlineData("www.example.com", "https://www.youtube.com/", ReferrerMedium.Social)]
    // Webmail wins over the search entry for the same company.
    [InlineData("www.example.com", "https://mail.google.com/mail/u/0/", ReferrerMedium.Email)]
    [InlineData("www.example.com", "https://outlook.live.com/", ReferrerMedium.Email)]
    [InlineData("www.example.com", "https://mail.yahoo.com/d/folders/1", ReferrerMedium.Email)]
    // The Gmail Android app's referrer.
    [InlineData("www.example.com", "android-app://com.google.android.gm/", ReferrerMedium.Email)]
    // Case does not matter.
    [InlineData("WWW.EXAMPLE.COM", "HTTPS://WWW.GOOGLE.COM/", ReferrerMedium.Search)]
    // Lookalike domains are not the listed site.
    [InlineData("www.example.com", "https://notgoogle.com/", ReferrerMedium.Other)]
    [InlineData("www.example.com", "https://facebook.com.evil.example/", ReferrerMedium.Other)]
    // An unknown site, a userinfo trick, and a URL without a host.
    [InlineData("www.example.com", "https://news.ycombinator.com/", ReferrerMedium.Other)]
    [InlineData("www.example.com", "https://www.google.com@evil.example/", ReferrerMedium.Other)]
    [InlineData("www.example.com", "file:///tmp/x.html", ReferrerMedium.Other)]
    // Without a page host nothing is internal, but lists still apply.
    [InlineData(null, "https://www.bing.com/", ReferrerMedium.Search)]
    public void Referrer_host_decides_the_medium(string? pageHost, string? referrer, ReferrerMedium expected)
    {
        Assert.Equal(expected, Classifiers.Referrers.Classify(pageHost, referrer));
    }

    [Theory]
    // Userinfo, port, path, query and fragment are stripped.
    [InlineData("https://user:pw@Host.Example:8080/p?q#f", "Host.Example")]
    // A bare host with a path.
    [InlineData("example.com/page", "example.com")]
    // IPv6 literal keeps its brackets.
    [InlineData("http://[2001:db8::1]:80/", "[2001:db8::1]")]
    public void Host_is_read_from_url_or_bare_host(string referrer, string host)
    {
        Assert.Equal(host, ReferrerClassifier.HostOf(referrer).ToString());
    }

    [Fact]
    public void Custom_lists_replace_the_embedded_ones()
    {
        var classifier = ReferrerClassifier.Create(Classifiers.Suffixes, ["# mail", "mail.example.net"], ["chat.*"], ["find.example.org"]);
        Assert.Equal(ReferrerMedium.Email, classifier.Classify("site.com", "https://x.mail.example.net/"));
        Assert.Equal(ReferrerMedium.Social, classifier.Classify("site.com", "https://www.chat.co.jp/"));
        Assert.Equal(ReferrerMedium.Search, classifier.Classify("site.com", "https://find.example.org/"));
        // The embedded lists are not consulted.
        Assert.Equal(ReferrerMedium.Other, classifier.Classify("site.com", "https://www.google.com/"));
    }

    [Fact]
    public void Cached_answers_match_the_public_suffix_list_and_the_first_answer()
    {
        // A fresh classifier, so every first lookup is a miss and every second one a hit.
        var classifier = ReferrerClassifier.Create(Classifiers.Suffixes);
        var label = Gen.Elements("www", "WWW", "shop", "google", "Facebook", "example", "co", "uk", "com", "github", "io", "xn--bcher-kva", "1", "");
        var host = Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(label, n)).Select(labels => string.Join('.', labels))
            .SelectMany(h => Gen.Elements(h, h + ".", " " + h));

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(Arb.From(host), Arb.From(host), (page, referrerHost) =>
        {
            var referrer = "https://" + referrerHost.Trim() + "/path";
            var first = classifier.Classify(page, referrer);
            var again = classifier.Classify(page, referrer);
            var host = ReferrerClassifier.HostOf(referrer);

            Assert.Equal(first, again);
            if (!host.IsEmpty && !string.IsNullOrWhiteSpace(page))
            {
                Assert.Equal(Classifiers.Suffixes.SameSite(page, host), first == ReferrerMedium.Internal);
            }
        }));
    }
}
