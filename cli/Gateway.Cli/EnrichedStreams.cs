using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>
/// The enrich stage's outputs: <c>events</c> (one JSON event row per record) and <c>bad-rows</c> (one JSON bad row per
/// record), embedded under the data directory. They stay local also when the raw and aggregated streams are Kinesis:
/// the store stage and the dashboards of the same process read them.
/// </summary>
internal sealed class EnrichedStreams : IAsyncDisposable
{
    private EnrichedStreams(EmbeddedStream events, EmbeddedStream badRows)
    {
        Events = events;
        BadRows = badRows;
    }

    public EmbeddedStream Events { get; }

    public EmbeddedStream BadRows { get; }

    public static async Task<EnrichedStreams> OpenAsync(GatewayConfig config, CancellationToken cancellationToken)
    {
        var events = await EmbeddedStream.OpenAsync(config.EventsStream, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var badRows = await EmbeddedStream.OpenAsync(config.BadRowsStream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return new EnrichedStreams(events, badRows);
        }
        catch
        {
            await events.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Events.DisposeAsync().ConfigureAwait(false);
        await BadRows.DisposeAsync().ConfigureAwait(false);
    }
}
