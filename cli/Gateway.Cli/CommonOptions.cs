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

    /// <summary>
    /// An endpoint option: true with null when it is not given, true with the URL when it is an absolute http(s) URL,
    /// false after printing the fix (<paramref name="usage"/> names the command and option, e.g. "gateway query: --athena-endpoint").
    /// </summary>
    public static bool TryEndpoint(string? text, string usage, Uri example, TextWriter errors, out Uri? endpoint)
    {
        endpoint = null;
        if (text is null)
        {
            return true;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            endpoint = url;
            return true;
        }

        errors.WriteLine($"{usage} '{text}' is not an http(s) URL; write it as {example}");
        return false;
    }
}
