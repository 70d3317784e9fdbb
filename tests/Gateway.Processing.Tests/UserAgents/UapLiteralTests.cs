using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Tests.UserAgents;

public sealed class UapLiteralTests
{
    [Theory]
    [InlineData(@"ArcGIS Client Using WinInet", "('ArcGIS Client Using WinInet')")]
    // A text-only group joins the run around it.
    [InlineData(@"(PhantomJS)/(\d+)\.(\d+)\.(\d+)", "('PhantomJS/') & ('.')")]
    [InlineData(@"(OLPC)/Update(\d+)", "('OLPC/Update')")]
    [InlineData(@"(?<name>Opera Mini)/x", "('Opera Mini/x')")]
    // Alternatives: one of their longest runs; an empty alternative (or one without text) makes the group require nothing.
    [InlineData(@"(GeoEvent Server) (\d+)(?:\.(\d+)(?:\.(\d+)|)|)", "('GeoEvent Server ')")]
    [InlineData(@"; {0,2}(?:Ideos |IDEOS )(S7) Build", "(';') & ('Ideos '|'IDEOS ') & ('S7 Build')")]
    [InlineData(@"Chrome|Firefox/\d", "('Chrome'|'Firefox/')")]
    [InlineData(@"(Chrome|[\d.]+)x", "('x')")]
    // Optional characters and groups end the run without joining it.
    [InlineData(@"Mobile ?Safari", "('Mobile') & ('Safari')")]
    [InlineData(@"ab(?:cdef)?gh", "('ab') & ('gh')")]
    [InlineData(@"abc*de", "('ab') & ('de')")]
    [InlineData(@"x{0,3}yz", "('yz')")]
    // A repeated character or group is there once; the run ends after it.
    [InlineData(@"Ver+sion", "('Ver') & ('sion')")]
    [InlineData(@"(ab)+cd", "('ab') & ('cd')")]
    [InlineData(@"(?:abcd){2}e", "('abcd') & ('e')")]
    // Classes, dots and escapes of classes break runs; escaped punctuation does not; [Bb] is a letter in either case.
    [InlineData(@"Android [\d.]+; (Kindle Fire)", "('Android ') & ('; Kindle Fire')")]
    [InlineData(@"\bDell ([A-Za-z0-9]+)", "('Dell ')")]
    [InlineData(@"DoCoMo/2\.0 ", "('DoCoMo/2.0 ')")]
    [InlineData(@"[a\]b]cd", "('cd')")]
    [InlineData(@"(?:[Ss]pider|[Bb]ot)", "i('spider'|'bot')")]
    public void Finds_the_text_every_match_contains(string pattern, string expected) =>
        Assert.Equal(expected, UapLiteral.For(pattern, ignoreCase: false)?.ToString());

    [Theory]
    // Lookarounds, inline options and quantifiers it does not read make it give up; so does a pattern without text.
    [InlineData(@"(?i)kindle")]
    [InlineData(@"(?=Chrome)Chrome")]
    [InlineData(@"abc{,3}")]
    [InlineData(@"[\d.]+")]
    [InlineData(@"(a|)")]
    [InlineData(@"")]
    public void Gives_null_when_nothing_is_known_to_be_required(string pattern) =>
        Assert.Null(UapLiteral.For(pattern, ignoreCase: false));

    [Fact]
    public void A_case_insensitive_rule_checks_ascii_text_without_case_and_skips_the_check_on_other_input()
    {
        var literal = UapLiteral.For("kindle", ignoreCase: true)!;

        Assert.Equal("i('kindle')", literal.ToString());
        Assert.True(literal.Allows("Mozilla/5.0 (KINDLE Fire)", ascii: true));
        Assert.False(literal.Allows("Mozilla/5.0 (Silk)", ascii: true));
        // The regex engine folds the Kelvin sign onto k; the check stands aside rather than disagree.
        Assert.True(literal.Allows("\u212Aindle", ascii: false));
        // A non-ASCII text is never compared without case.
        Assert.Null(UapLiteral.For("\u212Aindle", ignoreCase: true));
    }

    [Fact]
    public void Most_uap_core_rules_have_a_literal()
    {
        var patterns = UapFixtures.Parser.AllPatterns().ToList();
        var withLiteral = patterns.Count(p => p.Required is not null);

        Assert.True(withLiteral > patterns.Count * 0.7, $"{withLiteral} of {patterns.Count}");
    }

    [Fact]
    public void The_precheck_never_turns_away_a_user_agent_the_regex_matches()
    {
        // Every rule of regexes.yaml against fixture user agents (and non-ASCII variants): the pre-checked match must
        // equal the plain regex's, which proves each extracted literal against .NET's own regex engine.
        var userAgents = UapFixtures.Cases("test_ua.tsv", 4).Select(c => c.UserAgent)
            .Concat(UapFixtures.Cases("test_os.tsv", 5).Select(c => c.UserAgent))
            .Concat(UapFixtures.Cases("test_device.tsv", 3).Select(c => c.UserAgent))
            .Distinct()
            .ToList();
        userAgents.Add("Mozilla/5.0 (Linux; Android 9; \u212Aindle Fire) Version/4.0 Chrome/120.0 Mobile Safari/537.36");
        var patterns = UapFixtures.Parser.AllPatterns().ToList();
        var failures = new List<string>();

        foreach (var userAgent in userAgents)
        {
            var ascii = System.Text.Ascii.IsValid(userAgent);
            foreach (var pattern in patterns)
            {
                var expected = pattern.MatchWithoutPrecheck(userAgent);
                var actual = pattern.Match(userAgent, ascii);
                if (expected.Success != actual.Success || (expected.Success && expected.Value != actual.Value))
                {
                    failures.Add($"{pattern} (requires {pattern.Required}) on '{userAgent}'");
                }
            }
        }

        Assert.True(userAgents.Count > 500, $"{userAgents.Count} user agents");
        Assert.Empty(failures);
    }
}
