using Gateway.Processing.Enrichment;

namespace Gateway.Cli;

/// <summary>Builds the enrich stage's <see cref="EventEnricher"/> from the configuration: the visitor-id key and the rule sets.</summary>
internal static class EnrichStage
{
    /// <summary>The enricher, and the start-up line saying where the visitor-id key comes from (never the key).</summary>
    /// <param name="config">The validated configuration.</param>
    /// <param name="rules">The rule sets, loading (<see cref="EnricherResources.Load"/>).</param>
    /// <param name="fields">The input's real-time log fields; default: the edge's list (edge.fields, else the standard one).</param>
    /// <param name="deduplicate">Whether the enricher drops repeated event ids itself (replay filters them after it, in input order).</param>
    /// <param name="flag">A note for each event (<see cref="EnricherOptions.Flag"/>); null for none.</param>
    /// <exception cref="StartException">The key file is corrupt or unusable, or the rule sets cannot be loaded.</exception>
    public static async Task<(EventEnricher Enricher, string KeyLine)> CreateEnricherAsync(GatewayConfig config, Task<EnricherResources> rules, IReadOnlyList<Gateway.Processing.RealtimeLogField>? fields = null, bool deduplicate = true, Func<EventRow, string?>? flag = null)
    {
        var (secret, keyLine) = VisitorSecret(config);
        EnricherResources resources;
        try
        {
            resources = await rules.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new StartException($"cannot load the enrichment rule sets (uap-core, crawler-user-agents, psl under tools/node_modules): {ex.Message}; run tools/install.sh", 1, ex);
        }

        var enricher = new EventEnricher(resources, new VisitorIds(secret), new EnricherOptions
        {
            // The parser reads the lines the edge writes, so it takes the edge's field list (edge.fields, else the default).
            Fields = fields ?? config.Edge.Fields,
            Deduplicator = deduplicate ? new EventIdDeduplicator(TimeProvider.System, config.Enrich.DedupWindow, config.Enrich.DedupCapacity) : null,
            Flag = flag,
        });
        return (enricher, keyLine);
    }

    private static (byte[] Secret, string Line) VisitorSecret(GatewayConfig config)
    {
        if (config.Enrich.VisitorSecret is { } configured)
        {
            return (configured, "gateway up: visitor ids: keyed by enrich.visitorSecret");
        }

        var path = config.VisitorSecretFile;
        try
        {
            var secret = VisitorSecretFile.LoadOrCreate(path, out var created);
            return (secret, created
                ? $"gateway up: visitor ids: generated a key in {path} (enrich.visitorSecret is not set); later starts reuse it, so ids stay stable across restarts"
                : $"gateway up: visitor ids: keyed by {path} (enrich.visitorSecret is not set)");
        }
        catch (InvalidDataException ex)
        {
            // Like a config error: the fix is in the message, nothing was started.
            throw new StartException(ex.Message, 2, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartException($"cannot read or create the visitor-id key file '{path}': {ex.Message}; fix the permissions of {Path.GetDirectoryName(path)} or set enrich.visitorSecret (`openssl rand -base64 48`)", 1, ex);
        }
    }

    /// <summary>The stage cannot start; <see cref="Exception.Message"/> names the input and the fix.</summary>
    internal sealed class StartException(string message, int exitCode, Exception inner) : Exception(message, inner)
    {
        /// <summary>The process exit code: 2 for a configuration problem, 1 otherwise.</summary>
        public int ExitCode { get; } = exitCode;
    }
}
