using System.Text.RegularExpressions;
using Gateway.Processing.Classification;

namespace Gateway.Processing.Tests.Classification;

public sealed partial class PublicSuffixListTests
{
    /// <summary>Every active line of the PSL's own test file (publicsuffix/list tests/test_psl.txt).</summary>
    public static TheoryData<string?, string?> OfficialCases()
    {
        var data = new TheoryData<string?, string?>();
        foreach (var line in File.ReadLines(Classifiers.DataPath("test_psl.txt")))
        {
            var match = CheckLine().Match(line);
            if (match.Success)
            {
                data.Add(Argument(match.Groups["input"].Value), Argument(match.Groups["expected"].Value));
            }
        }

        return data;

        static string? Argument(string raw) => raw == "null" ? null : raw.Trim('\'');
    }

    [Fact]
    public void Official_test_file_is_read_completely()
    {
        // 78 active checkPublicSuffix lines in the copied file (4 more are commented out); a parsing slip would silently drop cases.
        Assert.Equal(78, OfficialCases().Count);
    }

    [Theory]
    [MemberData(nameof(OfficialCases))]
    public void Registrable_domain_matches_the_official_psl_test_cases(string? host, string? expected)
    {
        Assert.Equal(expected, Classifiers.Suffixes.GetRegistrableDomain(host));
    }

    [Theory]
    // A fully qualified name with its root dot names the same site.
    [InlineData("www.example.com.", "example.com")]
    // An empty label is malformed.
    [InlineData("www..example.com", null)]
    // IPv4 and IPv6 literals have no registrable domain.
    [InlineData("192.168.0.1", null)]
    [InlineData("[2001:db8::1]", null)]
    [InlineData("2001:db8::1", null)]
    // A single unlisted label is its own public suffix under the default rule.
    [InlineData("localhost", null)]
    // Private-section rule: each github.io site is its own registrable domain.
    [InlineData("user.github.io", "user.github.io")]
    [InlineData("www.user.github.io", "user.github.io")]
    // Two-level ICANN rule.
    [InlineData("www.bbc.co.uk", "bbc.co.uk")]
    // Surrounding whitespace is ignored.
    [InlineData("  Shop.Example.COM ", "example.com")]
    // Mixing Unicode and punycode labels in one host is not accepted.
    [InlineData("www.食狮.xn--55qx5d.cn", null)]
    // A label that is not valid punycode cannot be matched reliably.
    [InlineData("xn--.com", null)]
    public void Registrable_domain_handles_edge_hosts(string host, string? expected)
    {
        Assert.Equal(expected, Classifiers.Suffixes.GetRegistrableDomain(host));
    }

    [Fact]
    public void Rules_file_from_psl_package_is_loaded()
    {
        // psl 1.15.0 ships close to 10,000 rules; a few hundred would mean the wrong file or a broken reader.
        Assert.InRange(Classifiers.Suffixes.RuleCount, 9000, 20000);
    }

    [Fact]
    public void Dat_format_rules_apply_wildcards_and_exceptions()
    {
        var path = Path.GetTempFileName() + ".dat";
        File.WriteAllText(path, "// comment\n\n// ===BEGIN ICANN DOMAINS===\ntest\n*.wild.test\n!keep.wild.test\nco.test extra words\n");
        try
        {
            var list = PublicSuffixList.Load(path);
            Assert.Equal("a.b.wild.test", list.GetRegistrableDomain("x.a.b.wild.test"));
            Assert.Null(list.GetRegistrableDomain("b.wild.test"));
            Assert.Equal("keep.wild.test", list.GetRegistrableDomain("www.keep.wild.test"));
            Assert.Equal("shop.co.test", list.GetRegistrableDomain("www.shop.co.test"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    // Subdomains of one registrable domain are the same site.
    [InlineData("www.example.com", "shop.example.com", true)]
    // Different github.io users are different sites.
    [InlineData("alice.github.io", "bob.github.io", false)]
    // Hosts without a registrable domain compare whole.
    [InlineData("localhost", "LOCALHOST", true)]
    [InlineData("10.0.0.1", "10.0.0.2", false)]
    public void Same_site_compares_registrable_domains(string a, string b, bool expected)
    {
        Assert.Equal(expected, Classifiers.Suffixes.SameSite(a, b));
    }

    [GeneratedRegex(@"^checkPublicSuffix\((?<input>null|'[^']*'), (?<expected>null|'[^']*')\);")]
    private static partial Regex CheckLine();
}
