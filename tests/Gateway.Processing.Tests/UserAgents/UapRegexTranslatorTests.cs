using System.Text.RegularExpressions;
using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Tests.UserAgents;

public sealed class UapRegexTranslatorTests
{
    [Theory]
    // Python's \Z is end of input; .NET's \Z would also match before a final newline.
    [InlineData(@"abc\Z", @"abc\z")]
    // Python's named groups and back-references.
    [InlineData(@"(?P<v>\d+)-(?P=v)", @"(?<v>\d+)-\k<v>")]
    // Python reads {,3} as {0,3}.
    [InlineData(@"a{,3}b", @"a{0,3}b")]
    // Unchanged: inside a character class, escaped text, ordinary quantifiers.
    [InlineData(@"[\Z{,3}]", @"[\Z{,3}]")]
    [InlineData(@"[]\Z]x", @"[]\Z]x")]
    [InlineData(@"\\Z", @"\\Z")]
    [InlineData(@"(\d+)\.(\d+){1,2}", @"(\d+)\.(\d+){1,2}")]
    public void Python_spellings_become_dotnet_spellings(string python, string dotnet)
    {
        Assert.Equal(dotnet, UapRegexTranslator.Translate(python));
    }

    [Fact]
    public void Translated_end_anchor_no_longer_matches_before_a_trailing_newline()
    {
        var regex = new Regex(UapRegexTranslator.Translate(@"end\Z"));

        Assert.Matches(regex, "the end");
        Assert.DoesNotMatch(regex, "the end\n");
    }

    [Fact]
    public void Every_installed_pattern_compiles_unchanged_or_translated()
    {
        var text = File.ReadAllText(UserAgentParser.FindDefaultRegexesPath());
        var patterns = UapYamlReader.Read(text, "regexes.yaml").Values.SelectMany(s => s).Select(e => e.Values["regex"]).ToList();

        // Construction throws for anything .NET rejects; a non-compiled regex keeps this fast.
        Assert.All(patterns, p => _ = new Regex(UapRegexTranslator.Translate(p)));
        Assert.True(patterns.Count > 1_000);
    }
}
