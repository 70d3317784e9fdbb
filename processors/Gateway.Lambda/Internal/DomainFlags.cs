using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;

namespace Gateway.Lambda.Internal;

/// <summary>
/// The enrich handler's view of the forward settings' domain rules: events on a blocked or not-allowed domain are stored
/// with a note (<see cref="ForwardRouter.DomainNote"/>), as the local pipeline stores them. Failing to read the settings
/// never stops the lake: the events are stored without the note and the problem is logged.
/// </summary>
internal sealed class DomainFlags(ForwardControl control)
{
    private volatile ForwardRouter? _router;
    private volatile IReadOnlyList<string>? _pixels;

    /// <summary>The note for <paramref name="row"/> by the rules last read; null before any were.</summary>
    public string? Note(EventRow row) => _router?.DomainNote(row);

    /// <summary>The pixel ids of the settings last read, in order (the pixels that get their own metric dimension); null before any were.</summary>
    public IReadOnlyList<string>? Pixels => _pixels;

    /// <summary>Takes up the settings in force (re-read by <paramref name="control"/> on its interval).</summary>
    public async Task RefreshAsync(LambdaLogger log, CancellationToken cancellationToken)
    {
        try
        {
            var state = await control.GetAsync(log, cancellationToken).ConfigureAwait(false);
            _router = state.Router;
            _pixels = [.. state.Settings.Pixels.Select(p => p.Id)];
        }
        catch (Exception e) when (e is ForwardSettingsException or InvalidOperationException)
        {
            log.Warn($"enrich: the forward settings in {control.Source} cannot be read, so events are not flagged by their domain: {e.Message}");
        }
    }
}
