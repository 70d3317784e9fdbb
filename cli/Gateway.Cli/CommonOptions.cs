using System.CommandLine;

namespace Gateway.Cli;

internal static class CommonOptions
{
    public static Option<string?> Config() => new("--config", "-c")
    {
        Description = "Path of the JSON config file (default: ./gateway.json when it exists). GATEWAY__* variables override it.",
    };

    /// <summary>Loads the config or prints every problem and returns null (exit code 2).</summary>
    public static GatewayConfig? Load(string? path, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        try
        {
            return GatewayConfig.Load(path, overrides: overrides);
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return null;
        }
    }
}
