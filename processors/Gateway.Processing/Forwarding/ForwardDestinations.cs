namespace Gateway.Processing.Forwarding;

/// <summary>
/// The live senders, one per configured destination, kept in step with the configuration: <see cref="Apply"/> builds a
/// sender for a new or changed destination, retires removed ones, and (when asked to) runs each sender's redrive loop.
/// Spilled and dead-lettered events are stored by destination name, so a sender rebuilt after a change picks up its
/// predecessor's spill.
/// </summary>
public sealed class ForwardDestinations : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly IDeliveryStore _deadLetters;
    private readonly IDeliveryStore _spill;
    private readonly Func<SecretReference, string?> _resolveSecret;
    private readonly SenderOptions _options;
    private readonly ForwardMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly bool _redrive;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _senders = new(StringComparer.Ordinal);

    /// <summary>Senders sharing <paramref name="http"/> and the two stores; <paramref name="resolveSecret"/> returns null for a secret it cannot find.</summary>
    public ForwardDestinations(HttpClient http, IDeliveryStore deadLetters, IDeliveryStore spill, Func<SecretReference, string?> resolveSecret, SenderOptions? options = null, ForwardMetrics? metrics = null, TimeProvider? time = null, bool runRedrive = true)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(spill);
        ArgumentNullException.ThrowIfNull(resolveSecret);
        _http = http;
        _deadLetters = deadLetters;
        _spill = spill;
        _resolveSecret = resolveSecret;
        _options = options ?? new SenderOptions();
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _redrive = runRedrive;
    }

    /// <summary>
    /// The HTTP client for every destination: pooled connections renewed every few minutes (DNS changes are seen), a
    /// 10-second connect timeout, compressed answers accepted; request timeouts are each destination's own.
    /// </summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        MaxConnectionsPerServer = 8,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "Gateway-Forward/1" } },
    };

    /// <summary>Called for each delivery dropped as stale by any sender.</summary>
    public Action<Delivery, string>? OnStale { get; init; }

    /// <summary>Called when a redrive round fails on the store (the error only).</summary>
    public Action<string, Exception>? RedriveFailed { get; init; }

    /// <summary>The dead-letter store.</summary>
    public IDeliveryStore DeadLetters => _deadLetters;

    /// <summary>The spill store.</summary>
    public IDeliveryStore Spill => _spill;

    /// <summary>The sender of destination <paramref name="name"/>, or null when it is not configured.</summary>
    public DestinationSender? Get(string name)
    {
        lock (_gate)
        {
            return _senders.TryGetValue(name, out var entry) ? entry.Sender : null;
        }
    }

    /// <summary>Every live sender.</summary>
    public IReadOnlyList<DestinationSender> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _senders.Values.Select(e => e.Sender)];
            }
        }
    }

    /// <summary>Brings the senders in line with <paramref name="settings"/>; a sender whose settings did not change is kept, with its breaker.</summary>
    public void Apply(ForwardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var retired = new List<Entry>();
        lock (_gate)
        {
            foreach (var name in _senders.Keys.ToList())
            {
                if (settings.Destination(name) is not { } kept || kept != _senders[name].Sender.Settings)
                {
                    retired.Add(_senders[name]);
                    _senders.Remove(name);
                }
            }

            foreach (var destination in settings.Destinations)
            {
                if (!_senders.ContainsKey(destination.Name))
                {
                    _senders[destination.Name] = Start(destination);
                }
            }
        }

        foreach (var entry in retired)
        {
            // The loop ends at its next wait; its spill files stay for the sender that replaces it.
            entry.Stop.Cancel();
        }
    }

    /// <summary>Stops every redrive loop and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        List<Entry> entries;
        lock (_gate)
        {
            entries = [.. _senders.Values];
            _senders.Clear();
        }

        foreach (var entry in entries)
        {
            await entry.Stop.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(entries.Select(e => e.Loop)).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            entry.Stop.Dispose();
        }
    }

    private Entry Start(DestinationSettings destination)
    {
        var sender = new DestinationSender(destination, Client(destination), _deadLetters, _spill, _options, _metrics, _time)
        {
            OnStale = OnStale,
            RedriveFailed = RedriveFailed is { } report ? error => report(destination.Name, error) : null,
        };
        var stop = new CancellationTokenSource();
        var loop = _redrive ? Task.Run(() => sender.RunRedriveAsync(stop.Token), CancellationToken.None) : Task.CompletedTask;
        return new Entry(sender, stop, loop);
    }

    private IDestinationClient Client(DestinationSettings destination)
    {
        var secret = _resolveSecret(destination.Secret);
        if (string.IsNullOrEmpty(secret))
        {
            return new UnavailableSecretClient($"the {(destination.Kind == DestinationKind.Meta ? "access token" : "HMAC secret")} of {destination.Name} ({destination.Secret.Describe()}) is not available; set it, then run gateway dlq replay");
        }

        return destination.Kind == DestinationKind.Meta
            ? new MetaCapiClient(_http, destination, secret)
            : new WebhookClient(_http, destination, secret, _time);
    }

    private sealed record Entry(DestinationSender Sender, CancellationTokenSource Stop, Task Loop);

    // A destination whose secret is missing rejects everything into the dead-letter store with the fix, instead of
    // losing events or retrying forever; replay sends them once the secret is there.
    private sealed class UnavailableSecretClient(string message) : IDestinationClient
    {
        public Task<SendResult> SendAsync(string target, IReadOnlyList<Delivery> batch, CancellationToken cancellationToken) =>
            Task.FromResult(new SendResult(SendOutcome.Rejected, null, message));
    }
}
