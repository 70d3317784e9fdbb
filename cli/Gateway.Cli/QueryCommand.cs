using System.CommandLine;
using System.Globalization;
using Gateway.Aws;
using Gateway.Catalog.DuckDb;
using Gateway.Catalog.Engines;
using Gateway.Catalog.Queries;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway query</c>: SQL, or a named query from catalog/queries, over the local lake (DuckDB) or on Athena, with the
/// same SQL on both.
/// </summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var data = new Option<string?>("--data") { Description = "Data directory whose lake/ is queried (default: dataDir from the config, else ./data)" };
        var format = new Option<QueryFormat>("--format", "-f") { Description = "table (default), csv or json", DefaultValueFactory = _ => QueryFormat.Table };
        var named = new Option<string?>("--named", "-n") { Description = "Run the named query NAME (catalog/queries/NAME.sql); --list shows them" };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A named query's parameter, k=v (repeatable)", AllowMultipleArgumentsPerToken = false };
        var list = new Option<bool>("--list") { Description = "List the named queries and their parameters" };
        var engine = new Option<QueryEngineKind>("--engine") { Description = "duckdb (default: the local lake) or athena", DefaultValueFactory = _ => QueryEngineKind.DuckDb };
        var athena = AthenaOptions.Create();
        var sql = new Argument<string?>("SQL") { Description = "The SQL to run (views: events, bad_rows)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("query", "Run SQL over the lake: the local lake through DuckDB, or Athena with --engine athena. The same SQL runs on both.")
        {
            config, data, format, named, parameters, list, engine, sql,
        };
        athena.AddTo(command);
        command.SetAction((result, ct) => RunAsync(
            new Request(
                result.GetValue(config), result.GetValue(data), result.GetValue(format), result.GetValue(named), result.GetValue(parameters) ?? [],
                result.GetValue(list), result.GetValue(engine), athena.Read(result), result.GetValue(sql)),
            Console.Out,
            Console.Error,
            ct));
        return command;
    }

    /// <summary>Runs one request; returns the exit code (0 ok, 1 the engine refused or failed, 2 a usage or config error).</summary>
    internal static async Task<int> RunAsync(Request request, TextWriter output, TextWriter errors, CancellationToken cancellationToken, IAwsCredentialsProvider? credentials = null)
    {
        if (request.List)
        {
            return ListNamed(output, errors);
        }

        var sql = Resolve(request, errors);
        if (sql is null)
        {
            return 2;
        }

        try
        {
            QueryTable table;
            if (request.Engine == QueryEngineKind.Athena)
            {
                var settings = request.Athena.Validate(errors);
                if (settings is null)
                {
                    return 2;
                }

                table = await AthenaQueryEngine.RunAsync(settings, sql.Render(SqlDialect.Athena), cancellationToken, credentials).ConfigureAwait(false);
            }
            else
            {
                var config = CommonOptions.Load(request.ConfigPath, new Dictionary<string, string?> { ["dataDir"] = request.DataDirectory });
                if (config is null)
                {
                    return 2;
                }

                LocalQueryEngine local;
                try
                {
                    local = new LocalQueryEngine(config.LakeDirectory);
                }
                catch (Exception ex) when (ex is DirectoryNotFoundException or ArgumentException)
                {
                    // No lake yet, or a path DuckDB cannot glob safely.
                    errors.WriteLine($"gateway query: {ex.Message}");
                    return 2;
                }

                using (local)
                {
                    table = local.Run(sql.Render(SqlDialect.DuckDb));
                }
            }

            QueryOutput.Write(table, request.Format, output);
            errors.WriteLine(Summary(table));
            return 0;
        }
        catch (DuckDbException ex)
        {
            // DuckDB's text already points at the line and column of the error.
            errors.WriteLine($"gateway query: {ex.DuckDbMessage}");
            return 1;
        }
        catch (QueryFailedException ex)
        {
            errors.WriteLine($"gateway query: {ex.Message}");
            return 1;
        }
        catch (InvalidOperationException ex) when (request.Engine == QueryEngineKind.Athena)
        {
            // No credentials or no region: nothing was sent.
            errors.WriteLine($"gateway query: {ex.Message}");
            return 2;
        }
    }

    private static string Summary(QueryTable table)
    {
        var rows = table.Rows.Count == 1 ? "1 row" : string.Create(CultureInfo.InvariantCulture, $"{table.Rows.Count:N0} rows");
        var scanned = table.Statistics.BytesScanned is { } bytes ? string.Create(CultureInfo.InvariantCulture, $", {bytes:N0} bytes scanned") : "";
        var id = table.Statistics.QueryId is { } queryId ? $", query {queryId}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{rows} in {table.Statistics.Elapsed.TotalSeconds:0.000} s{scanned}{id}");
    }

    // The SQL to run, from the argument or a named query with its parameters; null after printing why not.
    private static SqlSource? Resolve(Request request, TextWriter errors)
    {
        if (request.Named is null)
        {
            if (string.IsNullOrWhiteSpace(request.Sql))
            {
                errors.WriteLine("gateway query: give the SQL as an argument, or --named NAME (gateway query --list shows the names)");
                return null;
            }

            if (request.Parameters.Length > 0)
            {
                errors.WriteLine("gateway query: --param belongs to --named queries; write the values into the SQL instead");
                return null;
            }

            return new SqlSource(request.Sql, null, null);
        }

        if (!string.IsNullOrWhiteSpace(request.Sql))
        {
            errors.WriteLine("gateway query: give either the SQL or --named NAME, not both");
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in request.Parameters)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors.WriteLine($"gateway query: --param '{pair}' is not k=v; write it as --param start=2025-06-01");
                return null;
            }

            var name = pair[..equals];
            if (!values.TryAdd(name, pair[(equals + 1)..]))
            {
                errors.WriteLine($"gateway query: --param {name} is given twice; give it once");
                return null;
            }
        }

        try
        {
            var query = NamedQueries.Find(request.Named);
            // Rendered now so a bad parameter is an error before anything runs; the dialect is picked per engine.
            _ = query.Render(values, SqlDialect.DuckDb);
            return new SqlSource(null, query, values);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or FileNotFoundException or DirectoryNotFoundException)
        {
            errors.WriteLine($"gateway query: {ex.Message}");
            return null;
        }
    }

    private static int ListNamed(TextWriter output, TextWriter errors)
    {
        IReadOnlyList<NamedQuery> queries;
        try
        {
            queries = NamedQueries.Load();
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            errors.WriteLine($"gateway query: {ex.Message}");
            return 2;
        }

        foreach (var query in queries)
        {
            output.WriteLine($"{query.Name}: {query.Summary}");
            foreach (var parameter in query.Parameters)
            {
                output.WriteLine($"    --param {parameter}");
            }
        }

        return 0;
    }

    /// <summary>What the command line asked for.</summary>
    internal sealed record Request(
        string? ConfigPath,
        string? DataDirectory,
        QueryFormat Format,
        string? Named,
        string[] Parameters,
        bool List,
        QueryEngineKind Engine,
        AthenaSettings Athena,
        string? Sql);

    // Either literal SQL or a named query and its values, rendered for the engine that runs it.
    private sealed record SqlSource(string? Sql, NamedQuery? Query, IReadOnlyDictionary<string, string>? Values)
    {
        public string Render(SqlDialect dialect) => Sql ?? Query!.Render(Values!, dialect);
    }
}

/// <summary>Which engine runs a query.</summary>
internal enum QueryEngineKind
{
    /// <summary>The local lake, through DuckDB.</summary>
    DuckDb,

    /// <summary>Amazon Athena.</summary>
    Athena,
}
