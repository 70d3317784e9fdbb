using System.Net;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The forward stage of <c>gateway up</c>: a consumer of the aggregated stream (<see cref="ForwardProcessor"/>), the
/// destinations' senders with their redrive loops, the dead-letter and spill stores, and the metrics file. The control
/// plane is <see cref="ForwardConfigStore"/>: a change applies to the next batch, without a restart.
/// </summary>
internal sealed class ForwardStage : IAsyncDisposable
{
    /// <summary>How often the metrics are saved (and once more at stop).</summary>
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    private readonly ForwardConfigStore _config;
    private readonly HttpClient _http;
    private readonly string _metricsPath;

    private ForwardStage(ForwardConfigStore config, HttpClient http, ForwardDestinations destinations, ForwardMetrics metrics, string metricsPath, ForwardBadRows badRows, StreamConsumer consumer, ForwardProcessor processor)
    {
        _config = config;
        _http = http;
        Destinations = destinations;
        Metrics = metrics;
        _metricsPath = metricsPath;
        BadRows = badRows;
        Consumer = consumer;
        Processor = processor;
        _config.Changed += OnChanged;
    }

    /// <summary>The live senders.</summary>
    public ForwardDestinations Destinations { get; }

    /// <summary>Counts per pixel and event name, 30 days.</summary>
    public ForwardMetrics Metrics { get; }

    /// <summary>Bad rows of stage forward.</summary>
    public ForwardBadRows BadRows { get; }

    /// <summary>The consumer of the aggregated stream.</summary>
    public StreamConsumer Consumer { get; }

    /// <summary>The batch processor.</summary>
    public ForwardProcessor Processor { get; }

    /// <summary>The dead-letter (<c>data/dlq</c>) and spill (<c>data/forward/spill</c>) stores of a data directory.</summary>
    public static (IDeliveryStore DeadLetters, IDeliveryStore Spill) Stores(GatewayConfig config) =>
        (new FileDeliveryStore(Path.Combine(config.DataDirectory, "dlq")), new FileDeliveryStore(Path.Combine(config.DataDirectory, "forward", "spill")));

    /// <summary>Builds the stage; the metrics file is read (a corrupt one is moved aside and reported on stderr).</summary>
    public static ForwardStage Create(GatewayConfig config, ForwardConfigStore store, EventEnricher enricher, IRecordStream aggregated, IRecordStream badRowStream, ICheckpointStore checkpoints, Action<string, string, Exception, TimeSpan> onFailure)
    {
        var metricsPath = Path.Combine(config.DataDirectory, "forward", "metrics.json");
        var (metrics, problem) = ForwardMetricsFile.Load(metricsPath);
        if (problem is not null)
        {
            Console.Error.WriteLine($"gateway up: forward stage: {problem}");
        }

        var badRows = new ForwardBadRows(badRowStream);
        var (deadLetters, spill) = Stores(config);
        var http = ForwardDestinations.CreateHttpClient();
        var destinations = new ForwardDestinations(http, deadLetters, spill, SecretResolver.Resolve, metrics: metrics)
        {
            OnStale = badRows.Report,
            // The error only: spilled events carry event data, which stays out of logs.
            RedriveFailed = (name, error) => Console.Error.WriteLine($"gateway up: forward stage: resending the spill of {name} failed ({error.GetType().Name}: {error.Message}); retrying"),
        };
        destinations.Apply(store.Current);
        var forwarder = new Forwarder(() => store.Router, destinations, metrics) { OnProblem = badRows.Report };
        var processor = new ForwardProcessor(enricher, forwarder, badRows);
        var consumer = new StreamConsumer(
            "forward",
            aggregated,
            checkpoints,
            processor,
            new StreamConsumerOptions { OnFailure = (shard, error, retryIn) => onFailure("forward", shard, error, retryIn) });
        return new ForwardStage(store, http, destinations, metrics, metricsPath, badRows, consumer, processor);
    }

    /// <summary>The banner line.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        var settings = _config.Current;
        var spill = (await Destinations.Spill.TotalsAsync(cancellationToken).ConfigureAwait(false)).Sum(t => t.Value.Batches);
        var dead = (await Destinations.DeadLetters.ListAsync(null, cancellationToken).ConfigureAwait(false)).Count;
        return $"gateway up: forward stage: aggregated → {settings.Destinations.Count} destination(s) for {settings.Pixels.Count} pixel(s) (forward in {_config.Path}); "
            + $"dead letters in {Destinations.DeadLetters.Location} ({dead} batch(es)), spill in {Destinations.Spill.Location} ({spill} batch(es))";
    }

    /// <summary>Runs the consumer and the metrics saver until <paramref name="stop"/>; <paramref name="drain"/> asks the consumer to finish what is there.</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken drain)
    {
        var consuming = Consumer.RunAsync(stop, drain);
        var saving = SaveLoopAsync(stop);
        await Task.WhenAll(consuming, saving).ConfigureAwait(false);
    }

    /// <summary>Stops the redrive loops and saves the metrics.</summary>
    public async ValueTask DisposeAsync()
    {
        _config.Changed -= OnChanged;
        await Destinations.DisposeAsync().ConfigureAwait(false);
        Save();
        _http.Dispose();
    }

    private void OnChanged(ForwardSnapshot snapshot) => Destinations.Apply(snapshot.Settings);

    private async Task SaveLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SaveInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Save();
            // Bad rows a redrive loop reported between batches go out now rather than with the next batch.
            try
            {
                await BadRows.FlushAsync(stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // They stay queued; the next batch or round appends them.
            }
        }
    }

    private void Save()
    {
        try
        {
            ForwardMetricsFile.Save(Metrics, _metricsPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"gateway up: forward stage: cannot save metrics to {_metricsPath} ({ex.Message}); counts since the last save are lost on a crash");
        }
    }
}

/// <summary>Resolves a configured secret: the literal, or the environment variable it names. SSM parameters are read on AWS only.</summary>
internal static class SecretResolver
{
    public static string? Resolve(SecretReference secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Value is not null)
        {
            return secret.Value;
        }

        return secret.Environment is { } name ? Environment.GetEnvironmentVariable(name) : null;
    }
}
