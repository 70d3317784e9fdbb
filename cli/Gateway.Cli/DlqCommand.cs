using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gateway.Processing.Forwarding;

namespace Gateway.Cli;

/// <summary><c>gateway dlq list|replay</c>: the forward stage's dead-letter store under <c>data/dlq/</c>.</summary>
internal static class DlqCommand
{
    public static Command Create()
    {
        var command = new Command("dlq", "The forward stage's dead-letter store (data/dlq/): events a destination rejected, kept with its message until a fix and a replay.");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Replay());
        return command;
    }

    private static Command List()
    {
        var config = CommonOptions.Config();
        var destination = Destination();
        var format = new Option<string>("--format") { Description = "table (default) or json (one object per stored event, payload left out)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("list", "List dead-lettered events by destination with the destination's message; also counts what the spill holds (events waiting out an outage, resent by gateway up).") { config, destination, format };
        command.SetAction((result, ct) => ListAsync(result.GetValue(config), result.GetValue(destination), result.GetValue(format)!, ct));
        return command;
    }

    private static Command Replay()
    {
        var config = CommonOptions.Config();
        var destination = Destination();
        var batch = new Option<string?>("--batch") { Description = "Replay one stored batch (its id as dlq list shows it)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be resent; send nothing" };
        var command = new Command("replay", "Resend dead-lettered events with the current configuration (after fixing a token, a rule or the destination). Accepted events leave the store; rejected ones stay with the new message. Exit 1 when some remain.") { config, destination, batch, dryRun };
        command.SetAction((result, ct) => ReplayAsync(result.GetValue(config), result.GetValue(destination), result.GetValue(batch), result.GetValue(dryRun), ct));
        return command;
    }

    private static Option<string?> Destination() => new("--destination", "-d") { Description = "Only this destination (its name in forward.destinations)" };

    private static async Task<int> ListAsync(string? configPath, string? destination, string format, CancellationToken cancellationToken)
    {
        if (CommonOptions.Load(configPath) is not { } config)
        {
            return 2;
        }

        var stores = ForwardStage.Stores(config);
        var batches = stores.DeadLetters.List(destination);
        if (format == "json")
        {
            await using var output = Console.OpenStandardOutput();
            foreach (var batch in batches)
            {
                foreach (var delivery in await stores.DeadLetters.ReadAsync(batch, null, cancellationToken).ConfigureAwait(false))
                {
                    using var writer = new Utf8JsonWriter(output);
                    writer.WriteStartObject();
                    writer.WriteString("batch", batch.Id);
                    writer.WriteString("destination", delivery.Destination);
                    writer.WriteString("target", delivery.Target);
                    writer.WriteString("pixel_id", delivery.PixelId);
                    writer.WriteString("event_name", delivery.EventName);
                    writer.WriteString("event_id", delivery.EventId);
                    writer.WriteString("event_time", delivery.EventTime);
                    writer.WriteNumber("attempts", delivery.Attempts);
                    writer.WriteString("error", delivery.LastError);
                    writer.WriteEndObject();
                    await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                    output.WriteByte((byte)'\n');
                }
            }

            return 0;
        }

        Console.WriteLine($"dead letters in {stores.DeadLetters.Location}:");
        if (batches.Count == 0)
        {
            Console.WriteLine("  none");
        }

        foreach (var batch in batches)
        {
            var problems = new List<string>();
            var deliveries = await stores.DeadLetters.ReadAsync(batch, problems, cancellationToken).ConfigureAwait(false);
            var errors = deliveries.GroupBy(d => d.LastError ?? "(no message)").OrderByDescending(g => g.Count()).First();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {batch.Destination,-16} {batch.Id}  {deliveries.Count,6} event(s)  stored {batch.Created:yyyy-MM-dd HH:mm:ss}Z  {errors.Key}{(errors.Count() < deliveries.Count ? $" (+{deliveries.Count - errors.Count()} with other messages)" : "")}"));
            foreach (var problem in problems)
            {
                Console.WriteLine($"    unreadable: {problem}");
            }
        }

        foreach (var (name, (count, bytes)) in stores.Spill.Totals().Where(t => destination is null || t.Key == destination))
        {
            Console.WriteLine($"spill: {name}: {count} batch(es), {bytes} bytes waiting for the destination to answer again (gateway up resends them)");
        }

        return 0;
    }

    private static async Task<int> ReplayAsync(string? configPath, string? destination, string? batchId, bool dryRun, CancellationToken cancellationToken)
    {
        if (CommonOptions.Load(configPath) is not { } config)
        {
            return 2;
        }

        ForwardSettings settings;
        try
        {
            settings = ForwardConfigStore.Open(configPath).Current;
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }

        var stores = ForwardStage.Stores(config);
        var batches = stores.DeadLetters.List(destination).Where(b => batchId is null || b.Id == batchId).ToList();
        if (batches.Count == 0)
        {
            Console.WriteLine(batchId is null ? "nothing to replay" : $"no stored batch '{batchId}'{(destination is null ? "" : $" for {destination}")}; gateway dlq list shows them");
            return batchId is null ? 0 : 2;
        }

        using var http = ForwardStage.HttpClient();
        await using var destinations = new ForwardDestinations(http, stores.DeadLetters, stores.Spill, SecretResolver.Resolve, runRedrive: false);
        destinations.Apply(settings);
        var left = 0;
        foreach (var batch in batches)
        {
            var count = (await stores.DeadLetters.ReadAsync(batch, null, cancellationToken).ConfigureAwait(false)).Count;
            if (destinations.Get(batch.Destination) is not { } sender)
            {
                Console.WriteLine($"{batch.Destination}/{batch.Id}: {count} event(s) kept: no destination '{batch.Destination}' is configured (forward.destinations)");
                left += count;
                continue;
            }

            if (dryRun)
            {
                Console.WriteLine($"{batch.Destination}/{batch.Id}: would resend {count} event(s) to {sender.Settings.Endpoint.GetLeftPart(UriPartial.Authority)}");
                continue;
            }

            var counts = await sender.ReplayAsync(batch, cancellationToken).ConfigureAwait(false);
            left += counts.DeadLettered + counts.Spilled;
            Console.WriteLine($"{batch.Destination}/{batch.Id}: {counts.Accepted} accepted, {counts.DeadLettered} still rejected, {counts.Spilled} not answered (kept), {counts.Stale} too old to send (dropped)");
        }

        if (left > 0)
        {
            Console.WriteLine($"{left} event(s) remain in {stores.DeadLetters.Location}; gateway dlq list shows why");
        }

        return left > 0 ? 1 : 0;
    }
}
