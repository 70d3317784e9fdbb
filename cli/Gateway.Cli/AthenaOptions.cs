using System.CommandLine;
using Gateway.Aws.Athena;
using Gateway.Catalog.Engines;

namespace Gateway.Cli;

/// <summary>The command-line options of <c>--engine athena</c>.</summary>
internal sealed class AthenaOptions
{
    private readonly Option<string> _database = new("--database") { Description = "Athena: the Glue database of the tables", DefaultValueFactory = _ => "gateway" };
    private readonly Option<string> _workGroup = new("--workgroup") { Description = "Athena: the workgroup", DefaultValueFactory = _ => "primary" };
    private readonly Option<string?> _output = new("--output") { Description = "Athena: s3://bucket/prefix/ for result files (default: the workgroup's)" };
    private readonly Option<string?> _region = new("--region") { Description = "Athena: the AWS region (default: AWS_REGION, the profile's)" };
    private readonly Option<string?> _endpoint = new("--athena-endpoint") { Description = "Athena: another endpoint URL (a VPC endpoint, a local fake)" };

    public static AthenaOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_database);
        command.Options.Add(_workGroup);
        command.Options.Add(_output);
        command.Options.Add(_region);
        command.Options.Add(_endpoint);
    }

    public AthenaSettings Read(ParseResult result) =>
        new(result.GetValue(_database) ?? "gateway", result.GetValue(_workGroup) ?? "primary", result.GetValue(_output), result.GetValue(_region), result.GetValue(_endpoint));
}

/// <summary>What the Athena options said, before validation.</summary>
internal sealed record AthenaSettings(string Database, string WorkGroup, string? Output, string? Region, string? Endpoint)
{
    /// <summary>The engine settings, or null after printing each problem and its fix.</summary>
    public AthenaEngineSettings? Validate(TextWriter errors)
    {
        var ok = true;
        if (string.IsNullOrWhiteSpace(Database))
        {
            errors.WriteLine("gateway query: --database is empty; name the Glue database of the lake tables");
            ok = false;
        }

        if (string.IsNullOrWhiteSpace(WorkGroup))
        {
            errors.WriteLine("gateway query: --workgroup is empty; name an Athena workgroup (primary exists in every account)");
            ok = false;
        }

        if (Output is not null && !Output.StartsWith("s3://", StringComparison.Ordinal))
        {
            errors.WriteLine($"gateway query: --output '{Output}' is not an s3:// location; write it as s3://bucket/athena-results/");
            ok = false;
        }

        ok &= CommonOptions.TryEndpoint(Endpoint, "gateway query: --athena-endpoint", AthenaClient.DefaultEndpoint("eu-west-1"), errors, out var endpoint);

        return ok ? new AthenaEngineSettings(Database, WorkGroup, Output, new AthenaClientOptions { Region = Region, ServiceUrl = endpoint }) : null;
    }
}
