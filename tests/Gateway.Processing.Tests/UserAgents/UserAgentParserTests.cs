using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Tests.UserAgents;

public sealed class UserAgentParserTests
{
    private static UserAgentParser Rules(string yaml) => UserAgentParser.FromYaml(yaml, "rules.yaml");

    [Fact]
    public void Default_path_finds_the_tools_install_and_loads_every_rule()
    {
        var (browsers, operatingSystems, devices) = UapFixtures.Parser.RuleCounts;

        Assert.True(File.Exists(UserAgentParser.FindDefaultRegexesPath()));
        Assert.True(browsers > 300 && operatingSystems > 100 && devices > 400, $"{browsers}/{operatingSystems}/{devices}");
    }

    [Fact]
    public void Compiled_rules_answer_as_the_default_interpreted_ones()
    {
        var userAgents = UapFixtures.Cases("test_ua.tsv", 4).Select(c => c.UserAgent).Distinct().Take(300).ToArray();
        var path = UserAgentParser.FindDefaultRegexesPath();
        var compiled = UserAgentParser.Load(path, UserAgentRegexMode.Compiled);

        Assert.All(compiled.AllPatterns(), p => Assert.True(p.IsCompiled));
        Assert.All(UapFixtures.Parser.AllPatterns(), p => Assert.False(p.IsCompiled));
        Assert.Equal(userAgents.Select(UapFixtures.Parser.Parse), userAgents.Select(compiled.Parse));
    }

    [Fact]
    public void Nothing_matching_is_other_with_no_versions()
    {
        var result = UapFixtures.Parser.Parse("zzzz-not-a-user-agent");

        Assert.Equal(new BrowserInfo("Other", null, null, null, null), result.Browser);
        Assert.Equal(new OperatingSystemInfo("Other", null, null, null, null), result.OperatingSystem);
        Assert.Equal(new DeviceInfo("Other", null, null), result.Device);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_user_agent_is_other(string? userAgent)
    {
        Assert.Equal("Other", UapFixtures.Parser.Parse(userAgent).Browser.Family);
    }

    [Fact]
    public void A_common_desktop_chrome_parses_fully()
    {
        var result = UapFixtures.Parser.Parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36");

        Assert.Equal(new BrowserInfo("Chrome", "120", "0", "6099", "130"), result.Browser);
        Assert.Equal(new OperatingSystemInfo("Windows", "10", null, null, null), result.OperatingSystem);
        Assert.Equal(new DeviceInfo("Other", null, null), result.Device);
    }

    [Fact]
    public void First_matching_rule_wins()
    {
        var parser = Rules("""
            user_agent_parsers:
              - regex: '(Foo)/(\d+)'
              - regex: '(Foo)/(\d+)\.(\d+)'
            """);

        Assert.Equal(new BrowserInfo("Foo", "1", null, null, null), parser.ParseBrowser("Foo/1.2"));
    }

    [Fact]
    public void Replacements_substitute_groups_and_versions_default_to_their_group()
    {
        var parser = Rules("""
            user_agent_parsers:
              - regex: '(Namoroka|Shiretoko|Minefield)/(\d+)\.(\d+)\.(\d+(?:pre)?)'
                family_replacement: 'Firefox ($1)'
            os_parsers:
              - regex: 'Win(95|98|NT)'
                os_replacement: 'Windows $1'
            device_parsers:
              - regex: '; *(PEDI)_(PLUS)_(W) Build'
                device_replacement: 'Odys $1 $2 $3'
                brand_replacement: 'Odys'
                model_replacement: '$1 $2 $3'
            """);
        const string ua = "Mozilla/5.0 (Linux; U; Win95; de-de; PEDI_PLUS_W Build/JDQ39) Minefield/4.0.1pre";

        var result = parser.Parse(ua);

        // The three examples of the uap-core specification.
        Assert.Equal(new BrowserInfo("Firefox (Minefield)", "4", "0", "1pre", null), result.Browser);
        Assert.Equal("Windows 95", result.OperatingSystem.Family);
        Assert.Equal(new DeviceInfo("Odys PEDI PLUS W", "Odys", "PEDI PLUS W"), result.Device);
    }

    [Fact]
    public void Version_replacements_may_reference_any_group()
    {
        var parser = Rules("""
            user_agent_parsers:
              - regex: 'App/(\d+)\.(\d+)'
                family_replacement: 'App'
                v1_replacement: '$2'
                v2_replacement: 'v$1'
            """);

        Assert.Equal(new BrowserInfo("App", "7", "v3", null, null), parser.ParseBrowser("App/3.7"));
    }

    [Fact]
    public void Absent_or_unmatched_groups_expand_to_nothing_and_empty_results_are_null()
    {
        var parser = Rules("""
            os_parsers:
              - regex: '(Os)(?: (\d+)|)'
                os_v2_replacement: '$9'
            device_parsers:
              - regex: 'Dev(?:-(\w+)|)'
                device_replacement: 'Dev $1'
                brand_replacement: '$2'
            """);

        Assert.Equal(new OperatingSystemInfo("Os", null, null, null, null), parser.ParseOperatingSystem("Os here"));
        // "Dev $1" with no group 1 is trimmed to "Dev"; brand "$2" is empty and so null; model defaults to $1, also null.
        Assert.Equal(new DeviceInfo("Dev", null, null), parser.ParseDevice("Dev"));
        Assert.Equal(new DeviceInfo("Dev x1", null, "x1"), parser.ParseDevice("Dev-x1"));
    }

    [Fact]
    public void Replacement_results_are_trimmed()
    {
        var parser = Rules("""
            device_parsers:
              - regex: '\((\w*) *\)'
                device_replacement: '  $1  '
                brand_replacement: ' B '
            """);

        Assert.Equal(new DeviceInfo("Phone", "B", "Phone"), parser.ParseDevice("(Phone )"));
    }

    [Fact]
    public void A_family_that_expands_to_nothing_is_other()
    {
        var parser = Rules("""
            user_agent_parsers:
              - regex: 'x(y*)'
            """);

        Assert.Equal("Other", parser.ParseBrowser("x").Family);
    }

    [Fact]
    public void Regex_flag_i_makes_only_that_rule_case_insensitive()
    {
        var parser = Rules("""
            device_parsers:
              - regex: 'phone'
                device_replacement: 'Sensitive'
              - regex: 'PHONE'
                regex_flag: 'i'
                device_replacement: 'Insensitive'
            """);

        Assert.Equal("Insensitive", parser.ParseDevice("Phone").Family);
        Assert.Equal("Sensitive", parser.ParseDevice("phone").Family);
    }

    [Fact]
    public void A_pattern_dotnet_cannot_compile_fails_loading_with_its_index_and_line()
    {
        const string yaml = """
            os_parsers:
              - regex: 'fine'
              - regex: 'broken(\k'
            """;

        var error = Assert.Throws<FormatException>(() => Rules(yaml));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("os_parsers[1]", error.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(error.InnerException, exactMatch: false);
    }

    [Theory]
    [InlineData("user_agent_parsers:\n  - regex: 'a'\n    os_replacement: 'b'\n", "line 2", "unknown key 'os_replacement'")]
    [InlineData("user_agent_parsers:\n  - family_replacement: 'b'\n", "line 2", "no 'regex'")]
    [InlineData("device_parsers:\n  - regex: 'a'\n    regex_flag: 'x'\n", "line 2", "regex_flag 'x'")]
    [InlineData("test_cases:\n  - regex: 'a'\n", "rules.yaml", "unknown top-level key 'test_cases'")]
    public void Entries_outside_the_format_are_rejected(string yaml, string where, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Rules(yaml));

        Assert.Contains(where, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_says_where_it_looked()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.yaml");

        var error = Assert.Throws<FileNotFoundException>(() => UserAgentParser.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_path_is_used()
    {
        var path = Path.Combine(Path.GetTempPath(), $"uap-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "user_agent_parsers:\n  - regex: '(Mine)/(\\d+)'\n");
        try
        {
            Assert.Equal(new BrowserInfo("Mine", "2", null, null, null), UserAgentParser.Load(path).ParseBrowser("Mine/2"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Parsing_is_safe_from_many_threads()
    {
        var agents = UapFixtures.Cases("test_ua.tsv", 4).Take(64).ToArray();
        var expected = agents.Select(a => UapFixtures.Parser.ParseBrowser(a.UserAgent)).ToArray();

        Parallel.For(0, 2_000, i =>
        {
            var index = i % agents.Length;
            Assert.Equal(expected[index], UapFixtures.Parser.ParseBrowser(agents[index].UserAgent));
        });
    }
}
