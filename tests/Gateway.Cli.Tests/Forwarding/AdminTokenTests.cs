using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Cli.Tests.Forwarding;

public sealed class AdminTokenTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-admin-token-");

    private string DataDirectory => Path.Combine(_dir.FullName, "data");

    private string HashFile => Path.Combine(DataDirectory, "secrets", "admin-token.sha256");

    [Fact]
    public void The_first_start_prints_a_token_once_and_keeps_only_its_hash()
    {
        var config = Load();

        var first = AdminToken.ForUp(config, out var firstLine);
        var second = AdminToken.ForUp(config, out var secondLine);

        const string shown = "gateway up: admin API token (shown once, store it now): ";
        Assert.StartsWith(shown, firstLine, StringComparison.Ordinal);
        var token = firstLine[shown.Length..];
        // gwa_ and 32 bytes in base64url: 43 characters without padding.
        Assert.Matches("^gwa_[A-Za-z0-9_-]{43}$", token);
        Assert.Equal("gateway up: admin API at /admin/api/ (bearer token from the first start; reset with: gateway admin reset-token)", secondLine);
        Assert.DoesNotContain("gwa_", secondLine, StringComparison.Ordinal);

        var stored = File.ReadAllText(HashFile);
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(token[AdminToken.Prefix.Length..], stored, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))) + "\n", stored);
        Assert.Equal(["admin-token.sha256"], Directory.GetFiles(Path.GetDirectoryName(HashFile)!).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(HashFile));
        }

        Assert.True(first!.Verify(token));
        Assert.True(second!.Verify(token));
        Assert.False(second.Verify(token + "x"));
        Assert.False(second.Verify(stored.Trim()));
        Assert.False(second.Verify(""));
    }

    [Fact]
    public async Task Reset_token_makes_the_old_token_fail_and_the_new_one_work_without_a_restart()
    {
        var configPath = ForwardSamples.WriteConfig(_dir, $$"""{ "dataDir": "{{DataDirectory}}" }""");
        var token = AdminToken.ForUp(Load(configPath), out var line)!;
        var old = line[(line.LastIndexOf(' ') + 1)..];
        await using var host = await AdminApiHost.StartAsync(_dir.FullName, ForwardConfigStore.Open(configPath), token);
        Assert.Equal(HttpStatusCode.OK, await Status(host, old));

        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = AdminCommand.ResetToken(configPath, output, errors, new Dictionary<string, string?>());

        Assert.True(code == 0, errors.ToString());
        var fresh = output.ToString().Split('\n')[0].Split(' ')[^1].Trim();
        Assert.Matches("^gwa_[A-Za-z0-9_-]{43}$", fresh);
        Assert.DoesNotContain(fresh, await File.ReadAllTextAsync(HashFile), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(host, old));
        Assert.Equal(HttpStatusCode.OK, await Status(host, fresh));

        // And once more, long after the file was read: the last-write time alone tells the change.
        File.SetLastWriteTimeUtc(HashFile, DateTime.UtcNow.AddMinutes(-10));
        Assert.Equal(HttpStatusCode.OK, await Status(host, fresh));
        Assert.Equal(0, AdminCommand.ResetToken(configPath, output, errors, new Dictionary<string, string?>()));
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(host, fresh));
    }

    [Fact]
    public void An_operator_token_is_used_as_is_and_nothing_is_generated()
    {
        const string configured = "operator-chosen-token-0123456789";
        var config = Load(environment: ("GATEWAY__ADMIN__TOKEN", configured));

        var token = AdminToken.ForUp(config, out var line);
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = AdminCommand.ResetToken(null, output, errors, new Dictionary<string, string?> { ["GATEWAY__DATADIR"] = DataDirectory, ["GATEWAY__ADMIN__TOKEN"] = configured });

        Assert.True(token!.Verify(configured));
        Assert.False(token.Verify(configured + "x"));
        Assert.DoesNotContain(configured, line, StringComparison.Ordinal);
        Assert.DoesNotContain(configured, config.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(HashFile));
        Assert.Equal(2, code);
        Assert.Contains("admin.token", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(HashFile));
    }

    [Fact]
    public void A_short_operator_token_is_a_config_error_that_does_not_echo_it()
    {
        const string configured = "short-secret";

        var ex = Assert.Throws<ConfigException>(() => Load(environment: ("GATEWAY__ADMIN__TOKEN", configured)));

        Assert.Contains("GATEWAY__ADMIN__TOKEN", Assert.Single(ex.Problems), StringComparison.Ordinal);
        Assert.DoesNotContain(configured, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_can_be_turned_off_and_then_no_token_is_generated()
    {
        var token = AdminToken.ForUp(Load(environment: ("GATEWAY__ADMIN__ENABLED", "false")), out var line);

        Assert.Null(token);
        Assert.Contains("admin.enabled", line, StringComparison.Ordinal);
        Assert.False(File.Exists(HashFile));
    }

    [Fact]
    public void A_corrupt_hash_file_stops_the_start_naming_the_fix()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(HashFile)!);
        File.WriteAllText(HashFile, "not a hash\n");

        var ex = Assert.Throws<InvalidDataException>(() => AdminToken.ForUp(Load(), out _));

        Assert.Contains(HashFile, ex.Message, StringComparison.Ordinal);
        Assert.Contains("gateway admin reset-token", ex.Message, StringComparison.Ordinal);
    }

    private GatewayConfig Load(string? path = null, params (string Key, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Key, e => (string?)e.Value);
        variables.TryAdd("GATEWAY__DATADIR", DataDirectory);
        return GatewayConfig.Load(path, variables);
    }

    private static async Task<HttpStatusCode> Status(AdminApiHost host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/config");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.Anonymous.SendAsync(request);
        return response.StatusCode;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
