using Gateway.Processing.Internal;

namespace Gateway.Processing.Enrichment;

/// <summary>
/// Turns one CloudFront real-time log line into an <see cref="EventRow"/>, or a <see cref="BadRow"/> with the stage and
/// reason; never throws on input. Thread-safe; build one per process and share it.
/// </summary>
/// <remarks>
/// <para>Steps run in this fixed order (each reads what the earlier ones wrote):</para>
/// <list type="number">
/// <item><b>record</b>: received_time (a line without <c>timestamp</c> is a bad row), country, asn, edge location, status, bytes, time taken.</item>
/// <item><b>tags</b>: the tag contract, UTM, click ids and props (<see cref="TagContract"/>); a hit without <c>pid</c> is a bad row.</item>
/// <item><b>page-referrer</b>: page from <c>url</c> else <c>cs-referer</c>; referrer from <c>ref</c>, else <c>cs-referer</c> when it is not the page
/// itself; host/path split (<see cref="UrlParts"/>); medium from the host lists, internal when the registrable domains match; an email-channel
/// hit without referrer has medium <c>email</c>.</item>
/// <item><b>user-agent</b>: uap-core browser, OS and device through an LRU cache keyed by the UA string.</item>
/// <item><b>bot</b>: user-agent rules (cached with the UA), then the datacenter-ASN rule.</item>
/// <item><b>email-open</b>: for the email channel only, the machine-open rules (EMAIL_OPENS.md).</item>
/// <item><b>privacy</b>: ip_prefix (/24, /48), visitor_id (<see cref="VisitorIds"/>), user_id.</item>
/// <item><b>time-identity</b>: event_time (<see cref="EventTime"/>), event_id (<see cref="EventIds"/>), partition keys.</item>
/// <item><b>dedup</b>: a repeat of an event id within the window is reported as <see cref="EnrichStatus.Duplicate"/>.</item>
/// </list>
/// </remarks>
public sealed class EventEnricher
{
    /// <summary>The steps' names in order, as documented above.</summary>
    public static IReadOnlyList<string> StepNames { get; } = ["record", "tags", "page-referrer", "user-agent", "bot", "email-open", "privacy", "time-identity", "dedup"];

    private readonly RealtimeLogParser _parser;
    private readonly IEnrichmentStep[] _steps;
    private readonly LruCache<UserAgentProfile> _profiles;

    /// <summary>Creates an enricher; <paramref name="visitors"/> holds the visitor-id secret.</summary>
    public EventEnricher(EnricherResources resources, VisitorIds visitors, EnricherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(visitors);
        options ??= new EnricherOptions();
        _parser = new RealtimeLogParser(options.Fields, options.MaxLineBytes);
        _profiles = new LruCache<UserAgentProfile>(options.UserAgentCacheCapacity);
        var pool = new StringPool(4096);
        var steps = new EnrichmentSteps(resources, visitors, options, pool, _profiles);
        _steps = steps.InOrder();
        Options = options;
    }

    /// <summary>The settings in use.</summary>
    public EnricherOptions Options { get; }

    /// <summary>User-agent lookups answered from the cache.</summary>
    public long UserAgentCacheHits => _profiles.Hits;

    /// <summary>User-agent lookups that ran the rules.</summary>
    public long UserAgentCacheMisses => _profiles.Misses;

    /// <summary>Enriches one line (UTF-8, without its newline); <paramref name="arrival"/> dates a bad row whose timestamp cannot be read.</summary>
    public EnrichResult Enrich(ReadOnlySpan<byte> line, DateTimeOffset arrival) => Enrich(line, arrival, null);

    /// <summary>Like <see cref="Enrich(ReadOnlySpan{byte}, DateTimeOffset)"/>; when the line becomes an event, <paramref name="onEvent"/>
    /// also reads the parsed line (the forward stage takes the hit's transient fields from it), so nothing parses it twice.</summary>
    public EnrichResult Enrich(ReadOnlySpan<byte> line, DateTimeOffset arrival, ParsedLineReader? onEvent)
    {
        if (!_parser.TryParse(line, out var parsed, out var bad))
        {
            return new EnrichResult(EnrichStatus.BadRow, null, BadRow.Create(line, arrival, bad.Stage, ReasonCode(bad.Reason), bad.Message));
        }

        var context = new EnrichmentContext(parsed);
        var row = new EventRow();
        foreach (var step in _steps)
        {
            if (!step.Apply(ref context, row))
            {
                var time = parsed.TimestampUnixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : arrival;
                return new EnrichResult(EnrichStatus.BadRow, null,
                    BadRow.Create(line, time, BadRow.EnrichStage, context.Rejection.Reason, $"{step.Name}: {context.Rejection.Message}"));
            }

            if (context.Duplicate)
            {
                return new EnrichResult(EnrichStatus.Duplicate, row, null);
            }
        }

        if (Options.Flag?.Invoke(row) is { Length: > 0 } flag)
        {
            row.Notes = row.Notes is null ? flag : $"{row.Notes}; {flag}";
        }

        onEvent?.Invoke(in parsed);
        return new EnrichResult(EnrichStatus.Event, row, null);
    }

    /// <summary>The <c>bad_rows.reason</c> code of a parser failure, e.g. <c>field_count</c>.</summary>
    public static string ReasonCode(BadRowReason reason) => reason switch
    {
        BadRowReason.LineTooLong => "line_too_long",
        BadRowReason.FieldCount => "field_count",
        BadRowReason.Timestamp => "bad_timestamp",
        BadRowReason.Number => "bad_number",
        BadRowReason.PercentEncoding => "bad_percent_encoding",
        BadRowReason.Utf8 => "invalid_utf8",
        BadRowReason.UnknownValue => "unknown_value",
        _ => "unknown",
    };

    /// <summary>Joins notes with "; ", or null when there are none.</summary>
    internal static string? JoinNotes(List<string>? notes) => notes is null || notes.Count == 0 ? null : string.Join("; ", notes);
}

/// <summary>Reads a parsed real-time log line while it is in scope (see <see cref="EventEnricher.Enrich(ReadOnlySpan{byte}, DateTimeOffset, ParsedLineReader?)"/>).</summary>
public delegate void ParsedLineReader(in RealtimeLogLine line);
