using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.EndToEnd.Support;
using Gateway.Tests.Shared;
using Microsoft.Playwright;

namespace Gateway.Browser.Tests.Support;

/// <summary>
/// <c>gateway up</c> on a free port with a known admin token, and a Chromium page on its dashboard. Disposing kills the
/// gateway, closes the browser and deletes the data directory, whatever state the test left them in.
/// </summary>
internal sealed class DashboardSession : IAsyncDisposable
{
    /// <summary>The page's width in the tests and the screenshot: a common laptop screen.</summary>
    public const int ViewportWidth = 1366;

    private readonly DirectoryInfo _directory;
    private readonly List<string> _consoleErrors = [];
    private GatewayProcess? _gateway;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IBrowserContext? _context;

    private DashboardSession(DirectoryInfo directory, string token)
    {
        _directory = directory;
        Token = token;
    }

    public string Token { get; }

    public Uri BaseAddress => _gateway!.BaseAddress;

    public IPage Page { get; private set; } = null!;

    /// <summary>Talks to the pixel endpoints (public) and the API with the bearer token.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Console errors and uncaught exceptions, each with the address it came from.</summary>
    public IReadOnlyList<string> ConsoleErrors
    {
        get
        {
            lock (_consoleErrors)
            {
                return [.. _consoleErrors];
            }
        }
    }

    /// <summary>Where the test writes what CI keeps: the screenshot and the latency numbers.</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(RepositoryRoot.Path, ".artifacts", "browser")).FullName;

    public static async Task<DashboardSession> StartAsync()
    {
        var token = "gwt-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var session = new DashboardSession(Directory.CreateTempSubdirectory("gateway-browser-"), token);
        try
        {
            await session.StartCoreAsync();
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync()
    {
        _gateway = await GatewayProcess.StartAsync(_directory.FullName, new Dictionary<string, string>
        {
            ["GATEWAY__ADMIN__TOKEN"] = Token,
            // The test stands in for CloudFront: its X-Forwarded-For, country and ASN headers are believed.
            ["GATEWAY__EDGE__TRUSTEDPROXIES__0"] = "127.0.0.1",
        });
        Http = new HttpClient { BaseAddress = _gateway.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
        _context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = ViewportWidth, Height = 768 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        _context.SetDefaultTimeout(10_000);
        // Chromium reports CSP violations on the console too; this also catches those the console would fold together.
        await _context.AddInitScriptAsync(
            "window.__cspViolations = [];" +
            "document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
        Page = await _context.NewPageAsync();
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"{message.Text} (at {message.Location})");
            }
        };
        Page.PageError += (_, error) => Record($"uncaught: {error}");
    }

    private void Record(string error)
    {
        lock (_consoleErrors)
        {
            _consoleErrors.Add(error);
        }
    }

    /// <summary>The address of a path on the gateway, e.g. <c>/dashboard</c>.</summary>
    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <summary>Types <paramref name="token"/> into the login form and submits it; returns the login POST's status.</summary>
    public async Task<int> SubmitLoginAsync(string token)
    {
        await Page.GetByLabel("Admin token").FillAsync(token);
        var response = await Page.RunAndWaitForResponseAsync(
            () => Page.GetByTestId("login-submit").ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/dashboard/login", StringComparison.Ordinal));
        await Page.WaitForLoadStateAsync(LoadState.Load);
        return response.Status;
    }

    /// <summary>Waits until the page has the live stream and its first metrics.</summary>
    public async Task WaitForLiveAsync()
    {
        await Page.WaitForFunctionAsync(
            "() => document.querySelector('[data-testid=\"live-status\"]')?.dataset.state === 'live'" +
            " && document.querySelector('[data-testid=\"updated-at\"]')?.textContent !== '–'",
            null,
            new PageWaitForFunctionOptions { PollingInterval = 20, Timeout = 15_000 });
    }

    /// <summary>The raw number behind a <c>data-testid</c> element (its <c>data-value</c>, not the formatted text).</summary>
    public async Task<double> NumberAsync(string testId)
    {
        var text = await Page.GetByTestId(testId).GetAttributeAsync("data-value");
        return double.Parse(text ?? "NaN", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until every <c>data-testid</c> in <paramref name="expected"/> holds its value; on timeout, fails naming
    /// what the page showed instead.
    /// </summary>
    public async Task WaitForNumbersAsync(IReadOnlyDictionary<string, double> expected, TimeSpan timeout)
    {
        const string script = """
            expected => Object.entries(expected).every(([id, value]) =>
              Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.value) === value)
            """;
        try
        {
            await Page.WaitForFunctionAsync(script, expected, new PageWaitForFunctionOptions { PollingInterval = 10, Timeout = (float)timeout.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            var shown = new List<string>();
            foreach (var (id, value) in expected)
            {
                shown.Add($"{id}: expected {value}, shown {await Page.GetByTestId(id).GetAttributeAsync("data-value")}");
            }

            Assert.Fail($"the page did not show the numbers within {timeout.TotalSeconds} s: {string.Join("; ", shown)}");
        }
    }

    /// <summary>Sends <paramref name="hit"/> to the public pixel endpoint and checks it was taken.</summary>
    public async Task HitAsync(PixelHit hit)
    {
        using var request = hit.ToRequest();
        using var response = await Http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"GET /p.gif?{hit.Query} answered {(int)response.StatusCode}");
    }

    /// <summary>GET on the API with the bearer token, as a script of the operator's would.</summary>
    public async Task<JsonDocument> ApiAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>The CSP violations the current document has reported.</summary>
    public Task<string[]> CspViolationsAsync() => Page.EvaluateAsync<string[]>("() => window.__cspViolations ?? ['the CSP listener did not run']");

    public async ValueTask DisposeAsync()
    {
        // Each step on its own: a failure in one must not leave the gateway running or the directory behind.
        await Try(async () =>
        {
            if (_context is not null)
            {
                await _context.CloseAsync();
            }
        });
        await Try(async () =>
        {
            if (_browser is not null)
            {
                await _browser.CloseAsync();
            }
        });
        _playwright?.Dispose();
        Http?.Dispose();
        await Try(async () =>
        {
            if (_gateway is not null)
            {
                await _gateway.DisposeAsync();
            }
        });
        await Try(() =>
        {
            _directory.Refresh();
            if (_directory.Exists)
            {
                _directory.Delete(recursive: true);
            }

            return Task.CompletedTask;
        });
    }

    private static async Task Try(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is PlaywrightException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
        {
            // Cleanup goes on; the test's own failure, if any, is the one that matters.
        }
    }
}
