using System.Text.RegularExpressions;

using Gateway.Processing.Internal;

namespace Gateway.Processing.UserAgents;

/// <summary>How <see cref="UserAgentParser"/> runs its ~1,200 regexes.</summary>
public enum UserAgentRegexMode
{
    /// <summary>
    /// Interpreted (the default). With the literal pre-check only a few rules run per user agent, so a cache miss costs
    /// about 75 µs against 64 µs compiled (UserAgentBenchmarks), and loading takes a fraction of a second instead of
    /// the seconds of CPU that compiling every rule costs — more than 200,000 misses' worth of the difference.
    /// </summary>
    Interpreted,

    /// <summary>Compiled to IL while loading.</summary>
    Compiled,
}

/// <summary>
/// Matches user-agent strings against uap-core's regexes.yaml: first matching rule per kind wins, "Other" when none
/// does. Immutable after loading, so one instance serves any number of threads; wrap it in
/// <see cref="CachingUserAgentParser"/> on hot paths. Each rule first checks the text its regex needs
/// (<see cref="UapLiteral"/>), so a parse runs a handful of regexes, not all of them.
/// </summary>
public sealed class UserAgentParser
{
    internal const string Other = "Other";

    private static readonly UserAgentInfo Unknown = new(
        new BrowserInfo(Other, null, null, null, null),
        new OperatingSystemInfo(Other, null, null, null, null),
        new DeviceInfo(Other, null, null));

    private static readonly string[] BrowserKeys = ["regex", "regex_flag", "family_replacement", "v1_replacement", "v2_replacement", "v3_replacement", "v4_replacement"];
    private static readonly string[] OperatingSystemKeys = ["regex", "regex_flag", "os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement", "os_v4_replacement"];
    private static readonly string[] DeviceKeys = ["regex", "regex_flag", "device_replacement", "brand_replacement", "model_replacement"];

    private const string IndexKey = "uap-index";

    private readonly BrowserRule[] _browsers;
    private readonly OperatingSystemRule[] _operatingSystems;
    private readonly DeviceRule[] _devices;

    private UserAgentParser(BrowserRule[] browsers, OperatingSystemRule[] operatingSystems, DeviceRule[] devices)
    {
        _browsers = browsers;
        _operatingSystems = operatingSystems;
        _devices = devices;
    }

    /// <summary>Number of rules loaded per kind (browser, OS, device).</summary>
    public (int Browsers, int OperatingSystems, int Devices) RuleCounts => (_browsers.Length, _operatingSystems.Length, _devices.Length);

    /// <summary>Loads regexes.yaml from <paramref name="path"/>, or from the repository's tools install when null.</summary>
    public static UserAgentParser Load(string? path = null, UserAgentRegexMode mode = UserAgentRegexMode.Interpreted)
    {
        path ??= FindDefaultRegexesPath();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"uap-core regexes not found at '{path}'. Run tools/install.sh or pass the path to regexes.yaml.", path);
        }

        return FromYaml(File.ReadAllText(path), path, mode);
    }

    /// <summary>Builds a parser from the text of a regexes.yaml; <paramref name="source"/> names it in errors.</summary>
    public static UserAgentParser FromYaml(string yaml, string source = "regexes.yaml", UserAgentRegexMode mode = UserAgentRegexMode.Interpreted)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var sections = UapYamlReader.Read(yaml, source);
        foreach (var name in sections.Keys)
        {
            if (name is not ("user_agent_parsers" or "os_parsers" or "device_parsers"))
            {
                throw new FormatException($"{source}: unknown top-level key '{name}' (expected user_agent_parsers, os_parsers, device_parsers).");
            }
        }

        var compiled = mode == UserAgentRegexMode.Compiled;
        var browsers = Build(sections, "user_agent_parsers", BrowserKeys, source, compiled, (regex, v) => new BrowserRule(
            regex, Get(v, "family_replacement"), Get(v, "v1_replacement"), Get(v, "v2_replacement"), Get(v, "v3_replacement"), Get(v, "v4_replacement")));
        var operatingSystems = Build(sections, "os_parsers", OperatingSystemKeys, source, compiled, (regex, v) => new OperatingSystemRule(
            regex, Get(v, "os_replacement"), Get(v, "os_v1_replacement"), Get(v, "os_v2_replacement"), Get(v, "os_v3_replacement"), Get(v, "os_v4_replacement")));
        var devices = Build(sections, "device_parsers", DeviceKeys, source, compiled, (regex, v) => new DeviceRule(
            regex, Get(v, "device_replacement"), Get(v, "brand_replacement"), Get(v, "model_replacement")));
        return new UserAgentParser(browsers, operatingSystems, devices);
    }

    /// <summary>
    /// tools/node_modules/uap-core/regexes.yaml under the first folder above <see cref="AppContext.BaseDirectory"/> that
    /// holds Gateway.sln; that is where tools/install.sh puts it for every build output in the repository.
    /// </summary>
    public static string FindDefaultRegexesPath() => ToolsData.Find(Path.Combine("tools", "node_modules", "uap-core", "regexes.yaml"), "uap-core's regexes.yaml");

    /// <summary>Parses <paramref name="userAgent"/> against every rule list; never caches.</summary>
    public UserAgentInfo Parse(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return Unknown;
        }

        var ascii = IsAscii(userAgent);
        return new UserAgentInfo(
            FirstMatch(_browsers, userAgent, ascii, Unknown.Browser),
            FirstMatch(_operatingSystems, userAgent, ascii, Unknown.OperatingSystem),
            FirstMatch(_devices, userAgent, ascii, Unknown.Device));
    }

    /// <summary>The browser part only.</summary>
    public BrowserInfo ParseBrowser(string userAgent) => FirstMatch(_browsers, userAgent, IsAscii(userAgent), Unknown.Browser);

    /// <summary>The operating-system part only.</summary>
    public OperatingSystemInfo ParseOperatingSystem(string userAgent) => FirstMatch(_operatingSystems, userAgent, IsAscii(userAgent), Unknown.OperatingSystem);

    /// <summary>The device part only.</summary>
    public DeviceInfo ParseDevice(string userAgent) => FirstMatch(_devices, userAgent, IsAscii(userAgent), Unknown.Device);

    // Checked once per parse: case-free literal pre-checks apply only to ASCII text (see UapLiteral.Allows).
    private static bool IsAscii(string userAgent)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        return System.Text.Ascii.IsValid(userAgent);
    }

    /// <summary>uap-core's rule: the first rule of the list that matches decides; none matching gives the "Other" result.</summary>
    private static TResult FirstMatch<TRule, TResult>(TRule[] rules, string userAgent, bool ascii, TResult fallback)
        where TRule : IUapRule<TResult>
        where TResult : class
    {
        foreach (var rule in rules)
        {
            if (rule.TryMatch(userAgent, ascii) is { } result)
            {
                return result;
            }
        }

        return fallback;
    }

    /// <summary>Every rule's pattern, browsers then operating systems then devices.</summary>
    internal IEnumerable<UapPattern> AllPatterns() =>
        _browsers.Select(r => r.Regex).Concat(_operatingSystems.Select(r => r.Regex)).Concat(_devices.Select(r => r.Regex));

    private static string? Get(IReadOnlyDictionary<string, string> values, string key) => values.GetValueOrDefault(key);

    private static T[] Build<T>(
        Dictionary<string, List<UapYamlEntry>> sections,
        string section,
        string[] allowedKeys,
        string source,
        bool compiled,
        Func<UapPattern, IReadOnlyDictionary<string, string>, T> create)
    {
        if (!sections.TryGetValue(section, out var entries))
        {
            return [];
        }

        foreach (var entry in entries)
        {
            foreach (var key in entry.Values.Keys)
            {
                if (Array.IndexOf(allowedKeys, key) < 0)
                {
                    throw new FormatException($"{source}: line {entry.Line}: unknown key '{key}' in {section} (allowed: {string.Join(", ", allowedKeys)}).");
                }
            }

            if (!entry.Values.ContainsKey("regex"))
            {
                throw new FormatException($"{source}: line {entry.Line}: {section} entry has no 'regex'.");
            }

            if (entry.Values.TryGetValue("regex_flag", out var flag) && flag != "i")
            {
                throw new FormatException($"{source}: line {entry.Line}: regex_flag '{flag}' is not supported (only 'i').");
            }
        }

        // Building ~1,200 patterns dominates load time (seconds when compiled); they are independent, so build them in parallel.
        var rules = new T[entries.Count];
        try
        {
            Parallel.For(0, entries.Count, i => rules[i] = create(Compile(entries[i], section, i, source, compiled), entries[i].Values));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is FormatException))
        {
            // Report the earliest bad pattern, whichever thread found one first.
            throw e.InnerExceptions.Cast<FormatException>().OrderBy(inner => (int)inner.Data[IndexKey]!).First();
        }

        return rules;
    }

    private static UapPattern Compile(UapYamlEntry entry, string section, int index, string source, bool compiled)
    {
        var pattern = entry.Values["regex"];
        var options = RegexOptions.CultureInvariant;
        if (entry.Values.ContainsKey("regex_flag"))
        {
            options |= RegexOptions.IgnoreCase;
        }

        try
        {
            return new UapPattern(UapRegexTranslator.Translate(pattern), options, compiled);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{source}: line {entry.Line}: {section}[{index}] regex '{pattern}' does not compile in .NET: {e.Message}", e)
            {
                Data = { [IndexKey] = index },
            };
        }
    }
}
