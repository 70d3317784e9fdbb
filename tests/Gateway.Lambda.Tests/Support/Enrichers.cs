using Gateway.Processing;
using Gateway.Processing.Enrichment;

namespace Gateway.Lambda.Tests.Support;

/// <summary>Enrich handlers over one shared load of the rule sets (loading compiles a few hundred regexes).</summary>
internal static class Enrichers
{
    private static readonly Lazy<EnricherResources> SharedResources = new(EnricherResources.Load);

    /// <summary>A 48-byte visitor-id secret, as `openssl rand -base64 48` would make one.</summary>
    public static byte[] Secret { get; } = [.. Enumerable.Range(0, 48).Select(i => (byte)(i * 37 + 11))];

    public static string SecretBase64 => Convert.ToBase64String(Secret);

    public static EnricherResources Resources => SharedResources.Value;

    /// <summary>A handler as <see cref="EnrichHandler.Create"/> builds it, without re-reading the rule sets.</summary>
    public static EnrichHandler Handler(TimeProvider? time = null, long budget = EnrichHandler.DefaultResponseBudget, IReadOnlyList<RealtimeLogField>? fields = null, EventIdDeduplicator? deduplicator = null)
    {
        time ??= TimeProvider.System;
        var enricher = new EventEnricher(Resources, new VisitorIds(Secret), new EnricherOptions { Fields = fields ?? RealtimeLogFields.Default });
        return new EnrichHandler(enricher, deduplicator ?? new EventIdDeduplicator(time), time, budget);
    }
}
