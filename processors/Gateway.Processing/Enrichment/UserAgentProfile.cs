using Gateway.Processing.Classification;
using Gateway.Processing.UserAgents;

namespace Gateway.Processing.Enrichment;

/// <summary>Everything the enricher derives from the user-agent string alone, ready for the row; cached per UA string.</summary>
internal sealed class UserAgentProfile
{
    public UserAgentProfile(string userAgent, UserAgentInfo info, BotVerdict bot)
    {
        UserAgent = userAgent;
        UserAgentUtf8 = System.Text.Encoding.UTF8.GetBytes(userAgent);
        Browser = info.Browser.Family;
        BrowserVersion = Version(info.Browser.Major, info.Browser.Minor, info.Browser.Patch);
        OperatingSystem = info.OperatingSystem.Family;
        OperatingSystemVersion = Version(info.OperatingSystem.Major, info.OperatingSystem.Minor, info.OperatingSystem.Patch);
        Device = info.Device.Family;
        Bot = bot;
    }

    /// <summary>The UA string itself (the cache key), decoded once.</summary>
    public string UserAgent { get; }

    /// <summary>The same as UTF-8, for the visitor-id hash.</summary>
    public byte[] UserAgentUtf8 { get; }

    public string Browser { get; }

    public string? BrowserVersion { get; }

    public string OperatingSystem { get; }

    public string? OperatingSystemVersion { get; }

    public string Device { get; }

    /// <summary>The user-agent bot rules' verdict; the ASN rule is applied per hit.</summary>
    public BotVerdict Bot { get; }

    /// <summary>"major.minor.patch" with the missing tail left off; null without a major version.</summary>
    internal static string? Version(string? major, string? minor, string? patch) =>
        string.IsNullOrEmpty(major) ? null
        : string.IsNullOrEmpty(minor) ? major
        : string.IsNullOrEmpty(patch) ? string.Concat(major, ".", minor)
        : string.Concat(major, ".", minor, ".", patch);
}
