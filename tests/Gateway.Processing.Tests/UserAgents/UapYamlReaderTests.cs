using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Tests.UserAgents;

public sealed class UapYamlReaderTests
{
    [Fact]
    public void Sections_hold_items_with_their_keys_and_start_lines()
    {
        const string yaml = """
            # comment before anything
            user_agent_parsers:
              # comment inside a list
              - regex: 'a(b)'
                family_replacement: 'X $1'

              - regex: "c"  # trailing comment
            os_parsers:
              - regex: 'd'
            """;

        var sections = UapYamlReader.Read(yaml, "t.yaml");

        Assert.Equal(["user_agent_parsers", "os_parsers"], sections.Keys);
        var browsers = sections["user_agent_parsers"];
        Assert.Equal([4, 7], browsers.Select(e => e.Line));
        Assert.Equal("a(b)", browsers[0].Values["regex"]);
        Assert.Equal("X $1", browsers[0].Values["family_replacement"]);
        Assert.Equal("c", browsers[1].Values["regex"]);
        Assert.Equal("d", Assert.Single(sections["os_parsers"]).Values["regex"]);
    }

    [Theory]
    // Single quotes: backslashes are literal (regexes rely on this), a doubled quote is one quote.
    [InlineData(@"'\d+\.\d'", @"\d+\.\d")]
    [InlineData("'it''s'", "it's")]
    [InlineData("''", "")]
    [InlineData("'# not a comment'", "# not a comment")]
    // Double quotes: YAML escapes are decoded.
    [InlineData(@"""a\\b""", @"a\b")]
    [InlineData(@"""say \""hi\""""", @"say ""hi""")]
    [InlineData(@"""tab\there""", "tab\there")]
    [InlineData(@"""\x41\u00e9\U0001F600""", "A\u00e9\U0001F600")]
    [InlineData(@"""a\/b""", "a/b")]
    // Plain scalars run to the end of the line or a " #" comment.
    [InlineData("i", "i")]
    [InlineData("plain value # comment", "plain value")]
    public void Scalars_follow_yaml_quoting_rules(string written, string expected)
    {
        var sections = UapYamlReader.Read($"s:\n  - regex: {written}\n", "t.yaml");

        Assert.Equal(expected, sections["s"][0].Values["regex"]);
    }

    [Theory]
    // Each malformed construct is reported with its 1-based line number.
    [InlineData("s:\n  - regex: 'open\n", 2, "not closed")]
    [InlineData("s:\n  - regex: \"bad \\q\"\n", 2, "unknown escape")]
    [InlineData("s:\n  - regex: 'a'\n    regex: 'b'\n", 3, "appears twice")]
    [InlineData("s:\n  - regex: 'a'\n      family_replacement: 'b'\n", 3, "indented")]
    [InlineData("s:\n  - regex: 'a' trailing\n", 2, "unexpected text")]
    [InlineData("s:\n  - regex: [a, b]\n", 2, "outside the regexes.yaml subset")]
    [InlineData("s:\n  - regex: |\n", 2, "outside the regexes.yaml subset")]
    [InlineData("s:\n  - regex:\n", 2, "empty value")]
    [InlineData("s:\n\t- regex: 'a'\n", 2, "tab")]
    [InlineData("  - regex: 'a'\n", 1, "before any top-level key")]
    [InlineData("s: 'inline'\n", 1, "must be followed by a list")]
    [InlineData("s:\n  - regex: 'a'\ns:\n", 3, "appears twice")]
    [InlineData("s:\n  - nested:\n      deeper: 'x'\n", 2, "empty value")]
    public void Malformed_input_names_the_line(string yaml, int line, string reason)
    {
        var error = Assert.Throws<FormatException>(() => UapYamlReader.Read(yaml, "bad.yaml"));

        Assert.StartsWith($"bad.yaml: line {line}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crlf_line_endings_read_like_lf()
    {
        var sections = UapYamlReader.Read("s:\r\n  - regex: 'a'\r\n    family_replacement: 'b'\r\n", "t.yaml");

        Assert.Equal("b", sections["s"][0].Values["family_replacement"]);
    }

    [Fact]
    public void The_installed_regexes_yaml_reads_completely()
    {
        var text = File.ReadAllText(UserAgentParser.FindDefaultRegexesPath());

        var sections = UapYamlReader.Read(text, "regexes.yaml");

        // Every "- regex:" line in the file must have become an entry; a silently skipped line would lose a rule.
        var regexLines = text.Split('\n').Count(l => l.TrimStart().StartsWith("- regex:", StringComparison.Ordinal));
        Assert.Equal(regexLines, sections.Values.Sum(s => s.Count));
        Assert.All(sections.Values.SelectMany(s => s), e => Assert.True(e.Values.ContainsKey("regex")));
    }
}
