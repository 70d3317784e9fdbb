using System.CommandLine;

namespace Gateway.Cli;

/// <summary><c>gateway admin reset-token</c>: replaces the admin API's bearer token; a running <c>gateway up</c> takes the new one at once.</summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var reset = new Command("reset-token", "Generate a new admin API token, print it once, and keep only its SHA-256 in <data>/secrets/admin-token.sha256. The old token stops working at once, also in a running gateway up.") { config };
        reset.SetAction(result => ResetToken(result.GetValue(config), Console.Out, Console.Error));
        return new Command("admin", "Manage the admin API (/admin/api/ on the edge's listener).") { reset };
    }

    /// <summary>Writes a new token's hash and prints the token; 2 when the configuration is invalid or names its own token (admin.token).</summary>
    /// <param name="configPath">The configuration file, as given to <c>--config</c>.</param>
    /// <param name="output">Where the token is printed.</param>
    /// <param name="errors">Where problems are printed.</param>
    /// <param name="environment">Variables to read instead of the process environment (tests).</param>
    public static int ResetToken(string? configPath, TextWriter output, TextWriter errors, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        GatewayConfig config;
        try
        {
            config = GatewayConfig.Load(configPath, environment);
        }
        catch (ConfigException ex)
        {
            errors.WriteLine(ex.Message);
            return 2;
        }

        if (config.Admin.Token is not null)
        {
            errors.WriteLine("gateway admin reset-token: admin.token (GATEWAY__ADMIN__TOKEN) is set, and gateway up uses it instead of a generated token; change or remove admin.token and restart gateway up");
            return 2;
        }

        string token;
        try
        {
            token = AdminToken.Reset(config.AdminTokenFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"gateway admin reset-token: cannot write '{config.AdminTokenFile}': {ex.Message}; fix the permissions of {Path.GetDirectoryName(config.AdminTokenFile)}");
            return 1;
        }

        output.WriteLine($"gateway admin: new admin API token (shown once, store it now): {token}");
        output.WriteLine($"gateway admin: the old token no longer works; a running gateway up accepts the new one now{(config.Admin.Enabled ? "" : " (admin.enabled is false: the API is off until you enable it)")}");
        return 0;
    }
}
