using Gateway.Processing.Internal;

namespace Gateway.Processing.UserAgents;

/// <summary>
/// A bounded least-recently-used cache in front of <see cref="UserAgentParser"/>, keyed by the exact UA string.
/// Real traffic repeats a few thousand UA strings, so a hit is one dictionary lookup and a relink, with no allocation.
/// </summary>
public sealed class CachingUserAgentParser
{
    /// <summary>Default number of UA strings kept.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly UserAgentParser _parser;
    private readonly LruCache<UserAgentInfo> _cache;
    private readonly Func<string, UserAgentInfo> _parse;

    /// <summary>Wraps <paramref name="parser"/> with a cache of at most <paramref name="capacity"/> UA strings.</summary>
    public CachingUserAgentParser(UserAgentParser parser, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _parser = parser;
        _cache = new LruCache<UserAgentInfo>(capacity);
        _parse = parser.Parse;
    }

    /// <summary>Maximum number of UA strings kept.</summary>
    public int Capacity => _cache.Capacity;

    /// <summary>UA strings currently cached.</summary>
    public int Count => _cache.Count;

    /// <summary>Lookups answered from the cache.</summary>
    public long Hits => _cache.Hits;

    /// <summary>Lookups that had to run the regexes.</summary>
    public long Misses => _cache.Misses;

    /// <summary>Parses <paramref name="userAgent"/>, from the cache when it was seen recently.</summary>
    public UserAgentInfo Parse(string? userAgent) =>
        // Empty strings are not worth a slot: the parser answers them without running a regex.
        string.IsNullOrEmpty(userAgent) ? _parser.Parse(userAgent) : _cache.GetOrAdd(userAgent, _parse);

    /// <summary>Whether <paramref name="userAgent"/> is cached, without touching its recency or the counters.</summary>
    public bool Contains(string userAgent) => _cache.Contains(userAgent);
}
