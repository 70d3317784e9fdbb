using Gateway.Processing.Forwarding;

namespace Gateway.Lambda;

/// <summary>The forward settings in force and the destinations' secrets resolved for them.</summary>
/// <param name="Settings">The settings.</param>
/// <param name="Router">Routes events by <paramref name="Settings"/>.</param>
/// <param name="Secrets">Each destination's secret, or null when it could not be found (its events are dead-lettered with the fix).</param>
public sealed record ForwardControlState(ForwardSettings Settings, ForwardRouter Router, IReadOnlyDictionary<SecretReference, string?> Secrets)
{
    /// <summary>The secret of <paramref name="reference"/>, or null.</summary>
    public string? Secret(SecretReference reference) => Secrets.GetValueOrDefault(reference);

    /// <summary>Whether <paramref name="other"/> resolves some secret to another value (a rotated token), so senders must be rebuilt.</summary>
    public bool SecretsDifferFrom(ForwardControlState? other) =>
        other is null || Secrets.Count != other.Secrets.Count || Secrets.Any(s => !other.Secrets.TryGetValue(s.Key, out var value) || value != s.Value);
}

/// <summary>
/// The forward Lambda's control plane: the <c>forward</c> document (the same JSON as <c>gateway.json</c>'s <c>forward</c>
/// object, or a whole <c>gateway.json</c>) read from its source, re-read every <see cref="RefreshInterval"/> so an edit
/// applies without a deployment, and the destinations' secrets (literal, environment variable or SSM SecureString)
/// resolved with it.
/// </summary>
/// <remarks>
/// <para>The first load must succeed: until it does every invocation fails, so Lambda retries the batch and nothing is
/// lost while the configuration is fixed. After that a failed or invalid re-read keeps the settings in force and is
/// logged (field paths and messages, never a secret), and the next invocation after the interval tries again.</para>
/// <para>A missing SSM secret resolves to null, which dead-letters that destination's events with the fix (they are
/// replayed with <c>gateway dlq replay</c>); any other SSM failure on the first load fails the invocation.</para>
/// </remarks>
public sealed class ForwardControl
{
    private readonly Func<CancellationToken, Task<string>> _readDocument;
    private readonly Func<string, CancellationToken, Task<string?>>? _readParameter;
    private readonly IEnvironmentVariables _environment;
    private readonly TimeProvider _time;
    private ForwardControlState? _state;
    private string? _document;
    private DateTimeOffset _loadedAt;

    /// <summary>A control plane reading its document with <paramref name="readDocument"/>.</summary>
    /// <param name="source">Where the document comes from, for messages (an environment variable or an SSM parameter name).</param>
    /// <param name="readDocument">Reads the document.</param>
    /// <param name="readParameter">Reads a SecureString parameter, decrypted; null when the parameter does not exist. Null when SSM is not available.</param>
    /// <param name="environment">Resolves <c>{"env": …}</c> secrets.</param>
    /// <param name="refreshInterval">How long a loaded document is used before it is read again.</param>
    /// <param name="time">The clock.</param>
    public ForwardControl(string source, Func<CancellationToken, Task<string>> readDocument, Func<string, CancellationToken, Task<string?>>? readParameter, IEnvironmentVariables environment, TimeSpan refreshInterval, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(readDocument);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refreshInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        Source = source;
        _readDocument = readDocument;
        _readParameter = readParameter;
        _environment = environment;
        RefreshInterval = refreshInterval;
        _time = time;
    }

    /// <summary>Where the document comes from.</summary>
    public string Source { get; }

    /// <summary>How long a loaded document is used before it is read again.</summary>
    public TimeSpan RefreshInterval { get; }

    /// <summary>The settings to use now: loaded on first use and re-read once <see cref="RefreshInterval"/> has passed.</summary>
    /// <exception cref="ForwardSettingsException">The first document is invalid (every problem named by its JSON path).</exception>
    /// <exception cref="InvalidOperationException">The first document or a secret could not be read.</exception>
    public async Task<ForwardControlState> GetAsync(LambdaLogger log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var now = _time.GetUtcNow();
        if (_state is { } current && now - _loadedAt < RefreshInterval)
        {
            return current;
        }

        if (_state is null)
        {
            _state = await LoadAsync(previous: null, cancellationToken).ConfigureAwait(false);
            _loadedAt = now;
            return _state;
        }

        // Tried once per interval whatever the outcome: a broken source costs one attempt a minute, not one per batch.
        _loadedAt = now;
        try
        {
            _state = await LoadAsync(_state, cancellationToken).ConfigureAwait(false);
        }
        catch (ForwardSettingsException e)
        {
            log.Error($"forward: the settings in {Source} are invalid, the previous ones stay in force: {string.Join("; ", e.Problems)}");
        }
        catch (InvalidOperationException e)
        {
            log.Warn($"forward: re-reading {Source} failed, the previous settings stay in force: {e.Message}");
        }

        return _state;
    }

    private async Task<ForwardControlState> LoadAsync(ForwardControlState? previous, CancellationToken cancellationToken)
    {
        string document;
        try
        {
            document = await _readDocument(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not InvalidOperationException)
        {
            throw new InvalidOperationException($"cannot read the forward settings from {Source}: {e.Message}", e);
        }

        var settings = previous is not null && document == _document ? previous.Settings : ForwardSettingsJson.ParseDocument(document);
        var secrets = new Dictionary<SecretReference, string?>();
        foreach (var destination in settings.Destinations)
        {
            if (!secrets.ContainsKey(destination.Secret))
            {
                secrets[destination.Secret] = await ResolveAsync(destination.Secret, previous, cancellationToken).ConfigureAwait(false);
            }
        }

        _document = document;
        return new ForwardControlState(settings, previous?.Settings == settings ? previous.Router : new ForwardRouter(settings), secrets);
    }

    private async Task<string?> ResolveAsync(SecretReference secret, ForwardControlState? previous, CancellationToken cancellationToken)
    {
        if (secret.Value is not null)
        {
            return secret.Value;
        }

        if (secret.Environment is { } variable)
        {
            return _environment.Get(variable);
        }

        if (_readParameter is null)
        {
            return null;
        }

        try
        {
            return await _readParameter(secret.Ssm!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A rotated token that cannot be re-read now: the one in use stays until the next refresh.
            if (previous is not null && previous.Secrets.TryGetValue(secret, out var known))
            {
                return known;
            }

            throw new InvalidOperationException($"cannot read the secret in SSM parameter {secret.Ssm}: {e.Message}", e);
        }
    }
}
