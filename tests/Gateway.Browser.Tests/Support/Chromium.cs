using Microsoft.Playwright;

namespace Gateway.Browser.Tests.Support;

/// <summary>Debian's Chromium driven by Playwright; the browsers Playwright would download are never installed.</summary>
internal static class Chromium
{
    // Headless without a sandbox (containers), and nothing that reaches out to the network on its own.
    private static readonly string[] HeadlessArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>The distribution's launcher, or the binary behind it.</summary>
    public static string ExecutablePath =>
        File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : File.Exists("/usr/lib/chromium/chromium") ? "/usr/lib/chromium/chromium"
        : throw new InvalidOperationException("Chromium is not installed; run `apt-get install chromium` (the tests never run `playwright install`).");

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = HeadlessArguments,
        });
}
