using Gateway.Processing.Enrichment;

namespace Gateway.Dashboards.Live;

/// <summary>
/// What the dashboard shows of one event in its recent-events table. It is cut from the event row so it carries nothing
/// that identifies a person: no IP address or prefix, no visitor, user or click id, no query string.
/// </summary>
/// <param name="Sequence">Order of arrival in this process, from 1; a live client asks for what came after the last it saw.</param>
/// <param name="Time">The event time (UTC).</param>
/// <param name="Pixel">The pixel id.</param>
/// <param name="Event">The event name.</param>
/// <param name="Channel">web, email or server.</param>
/// <param name="Page">The page's host and path, without query string or fragment; null when the hit named no page.</param>
/// <param name="ReferrerHost">The referrer's host.</param>
/// <param name="ReferrerMedium">direct, search, social, email, internal or other.</param>
/// <param name="Country">The country code.</param>
/// <param name="Browser">The browser family.</param>
/// <param name="Os">The operating system.</param>
/// <param name="Device">The device type.</param>
/// <param name="Bot">Whether a bot sent it.</param>
/// <param name="MachineOpen">Whether an email privacy proxy or scanner opened it, not a person.</param>
/// <param name="Value">The conversion value.</param>
/// <param name="Currency">The value's currency.</param>
public sealed record RecentEvent(
    long Sequence,
    DateTimeOffset Time,
    string Pixel,
    string Event,
    string Channel,
    string? Page,
    string? ReferrerHost,
    string ReferrerMedium,
    string? Country,
    string? Browser,
    string? Os,
    string? Device,
    bool Bot,
    bool MachineOpen,
    double? Value,
    string? Currency)
{
    // A table cell, not a store: values longer than this are cut.
    private const int MaxText = 256;

    /// <summary>The dashboard's view of <paramref name="row"/>.</summary>
    public static RecentEvent From(long sequence, EventRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var page = row.PageHost is { Length: > 0 } host ? host + (row.PagePath ?? "") : null;
        return new RecentEvent(
            sequence,
            row.EventTime,
            Cut(row.PixelId)!,
            Cut(row.EventName)!,
            Cut(row.Channel)!,
            Cut(page),
            Cut(row.ReferrerHost),
            Cut(row.ReferrerMedium)!,
            Cut(row.Country),
            Cut(row.UaBrowser),
            Cut(row.UaOs),
            Cut(row.UaDevice),
            row.IsBot,
            row.IsMachineOpen,
            row.Value is { } value && double.IsFinite(value) ? value : null,
            Cut(row.Currency));
    }

    private static string? Cut(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;
}

/// <summary>The last events seen, newest first on read; a fixed ring, so memory does not grow with traffic.</summary>
public sealed class RecentEvents
{
    private readonly RecentEvent?[] _ring;
    private readonly Lock _gate = new();
    private long _sequence;

    /// <summary>A ring of <paramref name="capacity"/> events.</summary>
    public RecentEvents(int capacity = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new RecentEvent?[capacity];
    }

    /// <summary>How many events the ring holds at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>The sequence number of the newest event (0 before the first).</summary>
    public long LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Keeps <paramref name="row"/>'s view, replacing the oldest when full.</summary>
    public void Add(EventRow row)
    {
        lock (_gate)
        {
            _sequence++;
            _ring[(int)(_sequence % _ring.Length)] = RecentEvent.From(_sequence, row);
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> events newer than <paramref name="after"/>, of <paramref name="pixel"/> (all pixels
    /// when null), newest first.
    /// </summary>
    public IReadOnlyList<RecentEvent> Latest(int limit, string? pixel = null, long after = 0)
    {
        var found = new List<RecentEvent>(Math.Min(limit, _ring.Length));
        lock (_gate)
        {
            for (var s = _sequence; s > after && s > _sequence - _ring.Length && found.Count < limit; s--)
            {
                if (_ring[(int)(s % _ring.Length)] is { } item && (pixel is null || item.Pixel == pixel))
                {
                    found.Add(item);
                }
            }
        }

        return found;
    }
}
