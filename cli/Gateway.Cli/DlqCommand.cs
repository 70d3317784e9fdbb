using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gateway.Aws.S3;
using Gateway.Aws.Ssm;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway dlq list|replay</c>: the forward stage's dead-letter store, under <c>data/dlq/</c> (local) or, with
/// <c>--location s3://bucket/prefix/</c>, the forward Lambda's under <c>prefix/dlq/</c>.
/// </summary>
internal static class DlqCommand
{
    public static Command Create()
    {
        var command = new Command("dlq", "The forward stage's dead-letter store (data/dlq/, or the forward Lambda's in S3 with --location): events a destination rejected, kept with its message until a fix and a replay.");
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
        var (location, endpoint) = (Location(), Endpoint());
        var command = new Command("list", "List dead-lettered events by destination with the destination's message; also counts what the spill holds (events waiting out an outage, resent automatically).") { config, destination, format, location, endpoint };
        command.SetAction((result, ct) => ReportingS3Failures(() => ListAsync(result.GetValue(config), new Where(result.GetValue(location), result.GetValue(endpoint)), result.GetValue(destination), result.GetValue(format)!, ct)));
        return command;
    }

    private static Command Replay()
    {
        var config = CommonOptions.Config();
        var destination = Destination();
        var batch = new Option<string?>("--batch") { Description = "Replay one stored batch (its id as dlq list shows it)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be resent; send nothing" };
        var settingsFile = new Option<string?>("--settings") { Description = "The forward settings to send with: a JSON file holding the forward object (what the SSM parameter holds) or a whole gateway.json; default: the forward section of --config" };
        var (location, endpoint) = (Location(), Endpoint());
        var command = new Command("replay", "Resend dead-lettered events with the current configuration (after fixing a token, a rule or the destination). Accepted events leave the store; rejected ones stay with the new message. Exit 1 when some remain.") { config, destination, batch, dryRun, settingsFile, location, endpoint };
        command.SetAction((result, ct) => ReportingS3Failures(() => ReplayAsync(result.GetValue(config), new Where(result.GetValue(location), result.GetValue(endpoint)), result.GetValue(settingsFile), result.GetValue(destination), result.GetValue(batch), result.GetValue(dryRun), ct)));
        return command;
    }

    private static Option<string?> Destination() => new("--destination", "-d") { Description = "Only this destination (its name in forward.destinations)" };

    private static Option<string?> Location() => new("--location") { Description = "The forward Lambda's stores: s3://bucket/prefix/ (its GATEWAY_FORWARD_BUCKET and GATEWAY_FORWARD_PREFIX); default: this machine's data directory. Credentials and region come from the AWS SDK chain" };

    private static Option<string?> Endpoint() => new("--s3-endpoint") { Description = "An S3-API endpoint to use instead of the regional AWS one (with --location)" };

    private static async Task<int> ListAsync(string? configPath, Where where, string? destination, string format, CancellationToken cancellationToken)
    {
        if (CommonOptions.Load(configPath) is not { } config || Open(config, where) is not { } opened)
        {
            return 2;
        }

        using var s3 = opened.S3;
        var stores = opened.Stores;
        var batches = await stores.DeadLetters.ListAsync(destination, cancellationToken).ConfigureAwait(false);
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
            var errors = deliveries.GroupBy(d => d.LastError ?? "(no message)").OrderByDescending(g => g.Count()).FirstOrDefault();
            var message = errors is null ? "(no readable event)" : errors.Key + (errors.Count() < deliveries.Count ? $" (+{deliveries.Count - errors.Count()} with other messages)" : "");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {batch.Destination,-16} {batch.Id}  {deliveries.Count,6} event(s)  stored {batch.Created:yyyy-MM-dd HH:mm:ss}Z  {message}"));
            foreach (var problem in problems)
            {
                Console.WriteLine($"    unreadable: {problem}");
            }
        }

        foreach (var (name, (count, bytes)) in (await stores.Spill.TotalsAsync(cancellationToken).ConfigureAwait(false)).Where(t => destination is null || t.Key == destination))
        {
            Console.WriteLine($"spill: {name}: {count} batch(es), {bytes} bytes waiting for the destination to answer again (resent automatically)");
        }

        foreach (var (name, (count, _)) in (await opened.Expired.TotalsAsync(cancellationToken).ConfigureAwait(false)).Where(t => destination is null || t.Key == destination))
        {
            Console.WriteLine($"expired: {name}: {count} batch(es) of events too old to send, kept in {opened.Expired.Location}");
        }

        return 0;
    }

    private static async Task<int> ReplayAsync(string? configPath, Where where, string? settingsFile, string? destination, string? batchId, bool dryRun, CancellationToken cancellationToken)
    {
        if (CommonOptions.Load(configPath) is not { } config || await ReadSettingsAsync(configPath, settingsFile).ConfigureAwait(false) is not { } settings || Open(config, where) is not { } opened)
        {
            return 2;
        }

        using var s3 = opened.S3;
        var stores = opened.Stores;
        var batches = (await stores.DeadLetters.ListAsync(destination, cancellationToken).ConfigureAwait(false)).Where(b => batchId is null || b.Id == batchId).ToList();
        if (batches.Count == 0)
        {
            Console.WriteLine(batchId is null ? "nothing to replay" : $"no stored batch '{batchId}'{(destination is null ? "" : $" for {destination}")}; gateway dlq list shows them");
            return batchId is null ? 0 : 2;
        }

        IReadOnlyDictionary<SecretReference, string?> secrets;
        try
        {
            secrets = await ResolveSecretsAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Gateway.Aws.AwsServiceException or HttpRequestException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"gateway dlq replay: cannot read a destination's secret from SSM: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        using var http = ForwardDestinations.CreateHttpClient();
        // Too old to send: kept (never resent) in the expired store, so nothing leaves the dead-letter store unrecorded.
        var expired = new List<Delivery>();
        await using var destinations = new ForwardDestinations(http, stores.DeadLetters, stores.Spill, secret => secrets.GetValueOrDefault(secret), runRedrive: false)
        {
            OnStale = (delivery, message) =>
            {
                lock (expired)
                {
                    expired.Add(delivery with { LastError = message });
                }
            },
        };
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
            if (expired.Count > 0)
            {
                await opened.Expired.AddAsync(expired, cancellationToken).ConfigureAwait(false);
                expired.Clear();
            }

            Console.WriteLine($"{batch.Destination}/{batch.Id}: {counts.Accepted} accepted, {counts.DeadLettered} still rejected, {counts.Spilled} not answered (kept), {counts.Stale} too old to send (moved to {opened.Expired.Location})");
        }

        if (left > 0)
        {
            Console.WriteLine($"{left} event(s) remain in {stores.DeadLetters.Location}; gateway dlq list shows why");
        }

        return left > 0 ? 1 : 0;
    }

    /// <summary>The settings to replay with: <paramref name="settingsFile"/> when given, else the forward section of the configuration.</summary>
    private static async Task<ForwardSettings?> ReadSettingsAsync(string? configPath, string? settingsFile)
    {
        try
        {
            if (settingsFile is null)
            {
                return ForwardConfigStore.Open(configPath).Current;
            }

            return ForwardSettingsJson.ParseDocument(await File.ReadAllTextAsync(settingsFile).ConfigureAwait(false));
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
        }
        catch (ForwardSettingsException ex)
        {
            await Console.Error.WriteLineAsync($"gateway dlq replay: --settings {settingsFile}: {string.Join("; ", ex.Problems)}").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"gateway dlq replay: cannot read --settings {settingsFile}: {ex.Message}").ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Each destination's secret: the literal, the environment variable, or the SSM parameter (decrypted; null when it does not exist).</summary>
    private static async Task<IReadOnlyDictionary<SecretReference, string?>> ResolveSecretsAsync(ForwardSettings settings, CancellationToken cancellationToken)
    {
        var secrets = new Dictionary<SecretReference, string?>();
        SsmClient? ssm = null;
        try
        {
            foreach (var secret in settings.Destinations.Select(d => d.Secret).Distinct())
            {
                if (secret.Ssm is not { } name)
                {
                    secrets[secret] = SecretResolver.Resolve(secret);
                    continue;
                }

                ssm ??= new SsmClient();
                try
                {
                    secrets[secret] = (await ssm.GetParameterAsync(name, withDecryption: true, cancellationToken).ConfigureAwait(false)).Value;
                }
                catch (Gateway.Aws.AwsServiceException e) when (e.ErrorCode == "ParameterNotFound")
                {
                    secrets[secret] = null;
                }
            }
        }
        finally
        {
            ssm?.Dispose();
        }

        return secrets;
    }

    /// <summary>Runs a command; a store in S3 that cannot be reached or read is reported in one line (exit 1), not as a crash.</summary>
    private static async Task<int> ReportingS3Failures(Func<Task<int>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"gateway dlq: the store in S3 cannot be read or written: {ex.Message}; check --location, --s3-endpoint, the credentials and the region").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>Where the stores are: <see cref="Location"/> null for this machine's data directory.</summary>
    private sealed record Where(string? Location, string? Endpoint);

    /// <summary>
    /// The stores, the S3 client behind them (null for local stores), and where events too old to send are kept
    /// (<c>data/forward/expired/</c> or <c>prefix/expired/</c>); null after printing what is wrong.
    /// </summary>
    private static (S3ObjectStore? S3, (IDeliveryStore DeadLetters, IDeliveryStore Spill) Stores, IDeliveryStore Expired)? Open(GatewayConfig config, Where where)
    {
        if (where.Location is null)
        {
            return (null, ForwardStage.Stores(config), new FileDeliveryStore(Path.Combine(config.DataDirectory, "forward", "expired")));
        }

        if (!Uri.TryCreate(where.Location, UriKind.Absolute, out var url) || url.Scheme != "s3" || url.Host.Length == 0
            || !(url.AbsolutePath.Length <= 1 || url.AbsolutePath.EndsWith('/')) || url.Query.Length > 0)
        {
            Console.Error.WriteLine($"gateway dlq: --location '{where.Location}' is not s3://bucket/prefix/ (the prefix ends in '/', e.g. s3://my-bucket/forward/)");
            return null;
        }

        if (!CommonOptions.TryEndpoint(where.Endpoint, "gateway dlq: --s3-endpoint", new Uri("http://127.0.0.1:9000/"), Console.Error, out var endpoint))
        {
            return null;
        }

        var prefix = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        S3ObjectStore s3;
        try
        {
            s3 = new S3ObjectStore(new S3ObjectStoreOptions { ServiceUrl = endpoint });
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"gateway dlq: {ex.Message}");
            return null;
        }

        return (s3, (new S3DeliveryStore(s3, url.Host, prefix + "dlq/"), new S3DeliveryStore(s3, url.Host, prefix + "spill/")), new S3DeliveryStore(s3, url.Host, prefix + "expired/"));
    }
}
