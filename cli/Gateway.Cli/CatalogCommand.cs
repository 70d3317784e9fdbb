using System.CommandLine;
using Gateway.Aws;
using Gateway.Aws.Glue;
using Gateway.Catalog;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway catalog show</c> prints what the one schema generates (Glue table input, DuckDB views, the column
/// tables); <c>gateway catalog apply</c> creates or updates the Glue database and tables for users who do not deploy
/// with the CDK app.
/// </summary>
internal static class CatalogCommand
{
    private const string DatabaseDescription = "Gateway beacon lake: events and bad rows, Parquet, partitioned by UTC year/month/day/hour.";

    public static Command Create()
    {
        var command = new Command("catalog", "The lake's tables as Glue, Athena and DuckDB see them, from the one schema in catalog/Gateway.Catalog.");
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateApply());
        return command;
    }

    /// <summary>Prints every table in <paramref name="format"/>; returns the exit code (2 for an unusable --lake).</summary>
    internal static int Show(CatalogFormat format, string? lake, string lakeDirectory, TextWriter output, TextWriter errors)
    {
        if (format == CatalogFormat.Glue && Projection(lake ?? "s3://BUCKET/PREFIX/", 2024, 16, "show", errors) is null)
        {
            return 2;
        }

        foreach (var table in EventSchema.Tables)
        {
            var text = format switch
            {
                CatalogFormat.Glue => GlueTableJson.Serialize(GlueTables.For(table, lake ?? "s3://BUCKET/PREFIX/")),
                CatalogFormat.DuckDb => DuckDbViews.CreateViewSql(table, lakeDirectory, table.Columns.Concat(table.PartitionKeys).Select(c => c.Name).ToHashSet()) + ";",
                _ => $"### `{table.Name}`\n\n{SchemaMarkdown.ColumnTable(table)}",
            };
            output.WriteLine(text);
            output.WriteLine();
        }

        return 0;
    }

    /// <summary>Creates or updates the database and tables; returns the exit code (0 done, 1 Glue refused, 2 usage).</summary>
    internal static async Task<int> ApplyAsync(ApplyRequest request, TextWriter output, TextWriter errors, CancellationToken cancellationToken, IAwsCredentialsProvider? credentials = null)
    {
        var options = Projection(request.Lake, request.FirstYear, request.Years, "apply", errors);
        if (!CommonOptions.TryEndpoint(request.Endpoint, "gateway catalog apply: --glue-endpoint", GlueClient.DefaultEndpoint("eu-west-1"), errors, out var endpoint))
        {
            return 2;
        }

        if (string.IsNullOrWhiteSpace(request.Database))
        {
            errors.WriteLine("gateway catalog apply: --database is empty; name the Glue database for the lake tables (default: gateway)");
            return 2;
        }

        if (options is null)
        {
            return 2;
        }

        try
        {
            using var glue = new GlueClient(new GlueClientOptions { Region = request.Region, ServiceUrl = endpoint }, credentials: credentials);
            if (!request.DryRun)
            {
                var created = await glue.CreateDatabaseIfMissingAsync(request.Database, DatabaseDescription, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"database {request.Database}: {(created ? "created" : "exists")}");
            }

            var refused = false;
            foreach (var schema in EventSchema.Tables)
            {
                var table = GlueTables.For(schema, request.Lake!, options);
                refused |= request.DryRun
                    ? await PlanAsync(glue, request.Database, table, output, cancellationToken).ConfigureAwait(false)
                    : await ApplyAsync(glue, request.Database, table, output, cancellationToken).ConfigureAwait(false);
            }

            return refused ? 1 : 0;
        }
        catch (AwsServiceException ex)
        {
            errors.WriteLine($"gateway catalog apply: {ex.Message}");
            return 1;
        }
        catch (HttpRequestException ex)
        {
            errors.WriteLine($"gateway catalog apply: {ex.Message}");
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            // No region or no credentials: nothing was sent.
            errors.WriteLine($"gateway catalog apply: {ex.Message}");
            return 2;
        }
    }

    // One table for real; true when it was refused.
    private static async Task<bool> ApplyAsync(GlueClient glue, string database, GlueTableInput table, TextWriter output, CancellationToken cancellationToken)
    {
        try
        {
            var result = await glue.ApplyTableAsync(database, table, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"table {database}.{table.Name}: {result.Outcome.ToString().ToLowerInvariant()}");
            WriteChanges(result.Changes, output);
            return false;
        }
        catch (GlueSchemaConflictException ex)
        {
            output.WriteLine($"table {database}.{table.Name}: refused");
            WriteChanges(ex.LostColumns, output);
            output.WriteLine("  lake columns are only appended; deploy the newer gateway, or drop the table first if removing columns is really meant");
            return true;
        }
    }

    // One table, reading only; true when applying would be refused.
    private static async Task<bool> PlanAsync(GlueClient glue, string database, GlueTableInput table, TextWriter output, CancellationToken cancellationToken)
    {
        var existing = await glue.GetTableAsync(database, table.Name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            output.WriteLine($"table {database}.{table.Name}: would be created");
            return false;
        }

        var changes = GlueTableDiff.Describe(existing, table);
        var lost = GlueTableDiff.LostColumns(existing, table);
        if (changes.Count > 0 && lost.Count > 0)
        {
            output.WriteLine($"table {database}.{table.Name}: would be refused");
            WriteChanges(lost, output);
            return true;
        }

        output.WriteLine($"table {database}.{table.Name}: {(changes.Count == 0 ? "unchanged" : "would be updated")}");
        WriteChanges(changes, output);
        return false;
    }

    private static void WriteChanges(IEnumerable<string> changes, TextWriter output)
    {
        foreach (var change in changes)
        {
            output.WriteLine($"  - {change}");
        }
    }

    // The projection settings, or null after saying what is wrong with the lake location or the years.
    private static GlueTableOptions? Projection(string? lake, int firstYear, int years, string verb, TextWriter errors)
    {
        if (lake is null)
        {
            errors.WriteLine($"gateway catalog {verb}: give the lake's S3 location, --lake s3://bucket/prefix/ (or set lake.mode direct and lake.s3.bucket in the config)");
            return null;
        }

        var options = new GlueTableOptions { FirstYear = firstYear, Years = years };
        try
        {
            _ = GlueTables.For(EventSchema.Events, lake, options);
            return options;
        }
        catch (ArgumentException ex)
        {
            var fix = ex.ParamName == "lakeLocation" ? "write it as s3://bucket/prefix/" : "use --first-year 1970..9999 and --years of at least 1, ending by 9999";
            errors.WriteLine($"gateway catalog {verb}: {ex.Message.Split(" (Parameter", 2)[0]}; {fix}");
            return null;
        }
    }

    private static Command CreateShow()
    {
        var config = CommonOptions.Config();
        var data = new Option<string?>("--data") { Description = "Data directory whose lake/ the DuckDB views read (default: dataDir from the config, else ./data)" };
        var format = new Option<CatalogFormat>("--format", "-f") { Description = "glue (TableInput JSON), duckdb (view DDL) or markdown (column tables)", DefaultValueFactory = _ => CatalogFormat.Glue };
        var lake = new Option<string?>("--lake") { Description = "The lake's S3 location for the Glue tables, s3://bucket/prefix/ (default: the config's lake.s3, else a placeholder)" };
        var command = new Command("show", "Print the lake tables as Glue TableInput JSON, DuckDB view DDL or Markdown column tables") { config, data, format, lake };
        command.SetAction(result =>
        {
            var loaded = CommonOptions.Load(result.GetValue(config), new Dictionary<string, string?> { ["dataDir"] = result.GetValue(data) });
            return loaded is null ? 2 : Show(result.GetValue(format), result.GetValue(lake) ?? S3Location(loaded), loaded.LakeDirectory, Console.Out, Console.Error);
        });
        return command;
    }

    private static Command CreateApply()
    {
        var config = CommonOptions.Config();
        var lake = new Option<string?>("--lake") { Description = "The lake's S3 location, s3://bucket/prefix/ (default: the config's lake.s3 when lake.mode is direct)" };
        var database = new Option<string>("--database") { Description = "The Glue database; created when missing", DefaultValueFactory = _ => "gateway" };
        var region = new Option<string?>("--region") { Description = "The AWS region (default: the config's lake.s3.region, AWS_REGION, the profile's)" };
        var endpoint = new Option<string?>("--glue-endpoint") { Description = "Another Glue endpoint URL (a VPC endpoint, a local fake)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only read: print what would be created or changed" };
        var firstYear = new Option<int>("--first-year") { Description = "First year partition projection covers", DefaultValueFactory = _ => 2024 };
        var years = new Option<int>("--years") { Description = "How many years partition projection covers", DefaultValueFactory = _ => 16 };
        var command = new Command("apply", "Create or update the Glue database and the events and bad_rows tables (external Parquet with partition projection); columns are only ever appended")
        {
            config, lake, database, region, endpoint, dryRun, firstYear, years,
        };
        command.SetAction(async (result, ct) =>
        {
            var loaded = CommonOptions.Load(result.GetValue(config));
            if (loaded is null)
            {
                return 2;
            }

            var request = new ApplyRequest(
                result.GetValue(lake) ?? S3Location(loaded),
                result.GetValue(database) ?? "gateway",
                result.GetValue(region) ?? loaded.Lake.S3?.Region,
                result.GetValue(endpoint),
                result.GetValue(dryRun),
                result.GetValue(firstYear),
                result.GetValue(years));
            return await ApplyAsync(request, Console.Out, Console.Error, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static string? S3Location(GatewayConfig config) => config.Lake.S3 is { } s3 ? $"s3://{s3.Bucket}/{s3.Prefix}" : null;

    /// <summary>What <c>gateway catalog apply</c> was asked to do.</summary>
    internal sealed record ApplyRequest(string? Lake, string Database, string? Region, string? Endpoint, bool DryRun, int FirstYear, int Years);
}

/// <summary>What <c>gateway catalog show</c> prints.</summary>
internal enum CatalogFormat
{
    /// <summary>Glue TableInput JSON.</summary>
    Glue,

    /// <summary>DuckDB CREATE VIEW statements.</summary>
    DuckDb,

    /// <summary>Markdown column tables.</summary>
    Markdown,
}
