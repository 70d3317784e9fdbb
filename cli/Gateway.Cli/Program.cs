using System.CommandLine;
using Gateway.Cli;

var root = new RootCommand("Gateway: a first-party beacon pipeline (pixel edge, durable stream, enrichment, Parquet lake, forwarding).");
root.Subcommands.Add(UpCommand.Create());
root.Subcommands.Add(StreamCommand.Create());
root.Subcommands.Add(KplCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
root.Subcommands.Add(ParquetCommand.Create());
root.Subcommands.Add(QueryCommand.Create());
root.Subcommands.Add(CatalogCommand.Create());
root.Subcommands.Add(AdminCommand.Create());
root.Subcommands.Add(DlqCommand.Create());
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
