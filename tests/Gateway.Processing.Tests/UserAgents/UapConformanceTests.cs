namespace Gateway.Processing.Tests.UserAgents;

/// <summary>
/// Our matcher against uap-core's own expectations (tests/test_ua.yaml, test_os.yaml, test_device.yaml upstream),
/// one theory row per saved case so a failure names the fixture line and the user agent.
/// </summary>
public sealed class UapConformanceTests
{
    private const string BrowserFile = "test_ua.tsv";
    private const string OperatingSystemFile = "test_os.tsv";
    private const string DeviceFile = "test_device.tsv";

    public static TheoryData<int, string> BrowserCases => UapFixtures.Lines(BrowserFile, 4);

    public static TheoryData<int, string> OperatingSystemCases => UapFixtures.Lines(OperatingSystemFile, 5);

    public static TheoryData<int, string> DeviceCases => UapFixtures.Lines(DeviceFile, 3);

    [Theory]
    [MemberData(nameof(BrowserCases))]
    public void Browser_matches_the_upstream_fixture(int line, string userAgent)
    {
        var expected = UapFixtures.Expected(BrowserFile, 4, line);

        var actual = UapFixtures.Parser.ParseBrowser(userAgent);

        Assert.Equal(Show(expected), Show(actual.Family, actual.Major, actual.Minor, actual.Patch));
    }

    [Theory]
    [MemberData(nameof(OperatingSystemCases))]
    public void Operating_system_matches_the_upstream_fixture(int line, string userAgent)
    {
        var expected = UapFixtures.Expected(OperatingSystemFile, 5, line);

        var actual = UapFixtures.Parser.ParseOperatingSystem(userAgent);

        Assert.Equal(Show(expected), Show(actual.Family, actual.Major, actual.Minor, actual.Patch, actual.PatchMinor));
    }

    [Theory]
    [MemberData(nameof(DeviceCases))]
    public void Device_matches_the_upstream_fixture(int line, string userAgent)
    {
        var expected = UapFixtures.Expected(DeviceFile, 3, line);

        var actual = UapFixtures.Parser.ParseDevice(userAgent);

        Assert.Equal(Show(expected), Show(actual.Family, actual.Brand, actual.Model));
    }

    // One string per case so a failure prints every field side by side; null is spelled out to tell it from "".
    private static string Show(params string?[] fields) => string.Join(" | ", fields.Select(f => f ?? "(null)"));
}
