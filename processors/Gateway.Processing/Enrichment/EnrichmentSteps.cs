using System.Text;
using Gateway.Processing.Classification;
using Gateway.Processing.Internal;

namespace Gateway.Processing.Enrichment;

/// <summary>The steps of <see cref="EventEnricher"/>, in the order its remarks document.</summary>
internal sealed class EnrichmentSteps(EnricherResources resources, VisitorIds visitors, EnricherOptions options, StringPool pool, LruCache<UserAgentProfile> profiles)
{
    // Longest UA decoded on the stack; longer ones (rare, and never cached well) go through the pool.
    private const int StackUserAgentBytes = 1024;

    private static readonly string[] MediumNames = ["direct", "internal", "search", "social", "email", "other"];

    public IEnrichmentStep[] InOrder() =>
    [
        new RecordStep(pool),
        new TagStep(pool),
        new PageReferrerStep(resources.Referrers, pool),
        new UserAgentStep(resources, profiles),
        new BotStep(resources.Bots),
        new EmailOpenStep(resources.EmailOpens),
        new PrivacyStep(visitors),
        new TimeIdentityStep(options.EventTimeWindow),
        new DedupStep(options.Deduplicator),
    ];

    private sealed class RecordStep(StringPool pool) : IEnrichmentStep
    {
        public string Name => "record";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            ref var line = ref context.Line;
            if (line.TimestampUnixMs is not { } ms)
            {
                context.Reject("missing_timestamp", "the timestamp field is '-' or not configured; it dates the event and its partition");
                return false;
            }

            row.ReceivedTime = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            row.Country = Pooled(line, RealtimeLogField.Country, pool);
            row.Asn = line.Asn;
            row.EdgeLocation = Pooled(line, RealtimeLogField.EdgeLocation, pool);
            row.HttpStatus = line.Status;
            row.BytesSent = line.BytesSent;
            row.TimeTakenMs = line.TimeTakenSeconds is { } seconds ? Math.Round(seconds * 1000, 3) : null;
            return true;
        }
    }

    private sealed class TagStep(StringPool pool) : IEnrichmentStep
    {
        public string Name => "tags";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            // A "-" cs-uri-query with a query in cs-uri-stem (a hand-made or older line) still yields the parameters.
            using (var query = context.Line.IsEmpty(RealtimeLogField.UriQuery) ? context.Line.QueryFrom(RealtimeLogField.UriStem) : context.Line.Query())
            {
                TagContract.Extract(query, pool, ref context.Tags);
            }

            ref var tags = ref context.Tags;
            if (tags.PixelId is null)
            {
                context.Reject("missing_pixel_id", "the query has no pid (or an empty one); add pid=<pixel id> to the tag");
                return false;
            }

            row.PixelId = tags.PixelId;
            row.EventName = tags.EventName ?? TagContract.DefaultEventName;
            row.Channel = tags.Channel ?? TagContract.DefaultChannel;
            row.UtmSource = tags.UtmSource;
            row.UtmMedium = tags.UtmMedium;
            row.UtmCampaign = tags.UtmCampaign;
            row.UtmTerm = tags.UtmTerm;
            row.UtmContent = tags.UtmContent;
            row.ClickId = tags.ClickId;
            row.ClickIdType = tags.ClickIdType;
            row.Value = tags.Value;
            row.Currency = tags.Currency;
            row.Props = tags.Props;
            return true;
        }
    }

    private sealed class PageReferrerStep(ReferrerClassifier referrers, StringPool pool) : IEnrichmentStep
    {
        // Longest cs-referer compared on the stack; a longer one is decoded to a string.
        private const int StackRefererBytes = 2048;

        public string Name => "page-referrer";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            ref var tags = ref context.Tags;
            var header = context.Line.RawValue(RealtimeLogField.Referer);
            var page = tags.PageUrl;
            var referrer = tags.ReferrerUrl;
            if (page is null)
            {
                page = context.Line.GetString(RealtimeLogField.Referer);
            }
            else if (referrer is null && !header.IsEmpty && !HeaderIsPage(context.Line, header.Length, page))
            {
                referrer = context.Line.GetString(RealtimeLogField.Referer);
            }

            row.PageUrl = UrlParts.WithoutUserInfo(page);
            var pageParts = UrlParts.Parse(row.PageUrl, pool);
            row.PageHost = pageParts.Host;
            row.PagePath = pageParts.Path;
            row.ReferrerUrl = UrlParts.WithoutUserInfo(referrer);
            row.ReferrerHost = UrlParts.Parse(row.ReferrerUrl, pool).Host;
            var medium = referrers.Classify(row.PageHost, row.ReferrerUrl);
            row.ReferrerMedium = medium == ReferrerMedium.Direct && row.Channel == "email" ? "email" : MediumNames[(int)medium];
            return true;
        }

        // With a url parameter, an image's Referer is normally the page itself, which is no referrer.
        private static bool HeaderIsPage(in RealtimeLogLine line, int rawLength, string page)
        {
            if (rawLength > StackRefererBytes)
            {
                return UrlParts.SamePage(line.GetString(RealtimeLogField.Referer), page);
            }

            Span<byte> bytes = stackalloc byte[StackRefererBytes];
            Span<char> chars = stackalloc char[StackRefererBytes];
            line.TryDecode(RealtimeLogField.Referer, bytes, out var length);
            var count = Encoding.UTF8.GetChars(bytes[..length], chars);
            return UrlParts.SamePage(chars[..count], page);
        }
    }

    private sealed class UserAgentStep(EnricherResources resources, LruCache<UserAgentProfile> profiles) : IEnrichmentStep
    {
        private readonly Func<string, UserAgentProfile> _build = logged =>
        {
            var ua = PercentCoding.DecodeToString(Encoding.UTF8.GetBytes(logged), plusIsSpace: false);
            return new UserAgentProfile(ua, resources.UserAgents.Parse(ua), resources.Bots.ClassifyUserAgent(ua));
        };

        public string Name => "user-agent";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            // Keyed by the field as logged: CloudFront percent-encodes everything outside printable ASCII, so the raw
            // bytes widen to chars without decoding, and a hit never decodes at all. A miss decodes once for the rules.
            var raw = context.Line.RawValue(RealtimeLogField.UserAgent);
            UserAgentProfile profile;
            if (raw.Length <= StackUserAgentBytes && System.Text.Ascii.IsValid(raw))
            {
                Span<char> key = stackalloc char[StackUserAgentBytes];
                System.Text.Ascii.ToUtf16(raw, key, out var length);
                profile = profiles.GetOrAdd(key[..length], _build);
            }
            else
            {
                profile = profiles.GetOrAdd(Encoding.UTF8.GetString(raw), _build);
            }

            context.Profile = profile;
            row.UaBrowser = profile.Browser;
            row.UaBrowserVersion = profile.BrowserVersion;
            row.UaOs = profile.OperatingSystem;
            row.UaOsVersion = profile.OperatingSystemVersion;
            row.UaDevice = profile.Device;
            return true;
        }
    }

    private sealed class BotStep(BotClassifier bots) : IEnrichmentStep
    {
        public string Name => "bot";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            var verdict = context.Profile!.Bot;
            if (!verdict.IsBot && AsnOf(row) is { } asn)
            {
                verdict = bots.ClassifyNetwork(asn);
            }

            row.IsBot = verdict.IsBot;
            row.BotReason = verdict.Reason;
            return true;
        }
    }

    private sealed class EmailOpenStep(EmailOpenClassifier emailOpens) : IEnrichmentStep
    {
        public string Name => "email-open";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            if (row.Channel != "email")
            {
                return true;
            }

            row.IpPrefix ??= IpPrefix.FromUtf8(context.Line.RawValue(RealtimeLogField.ClientIp));
            var verdict = emailOpens.Classify(context.Profile!.UserAgent, AsnOf(row), row.IpPrefix);
            row.IsMachineOpen = verdict.IsMachineOpen;
            row.MachineOpenReason = verdict.Reason;
            return true;
        }
    }

    private sealed class PrivacyStep(VisitorIds visitors) : IEnrichmentStep
    {
        public string Name => "privacy";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            var ip = context.Line.RawValue(RealtimeLogField.ClientIp);
            row.IpPrefix ??= IpPrefix.FromUtf8(ip);
            row.UserId = context.Tags.UserId;
            Span<byte> pixel = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(row.PixelId.Length, 256))];
            var pixelBytes = row.PixelId.Length <= 256 ? pixel[..Encoding.UTF8.GetBytes(row.PixelId, pixel)] : Encoding.UTF8.GetBytes(row.PixelId);
            if (row.UserId is { } uid)
            {
                row.VisitorId = visitors.FromUserId(row.PixelId, uid);
                return true;
            }

            row.VisitorId = visitors.Anonymous(pixelBytes, ip, context.Profile!.UserAgentUtf8, row.ReceivedTime);
            return true;
        }
    }

    private sealed class TimeIdentityStep(EventTimeWindow window) : IEnrichmentStep
    {
        public string Name => "time-identity";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            ref var tags = ref context.Tags;
            var time = EventTime.Resolve(tags.ClientTimestampUnixMs, row.ReceivedTime, window);
            row.EventTime = time.Time;
            if (tags.ClientTimestampUnixMs is not null && time.Source == EventTimeSource.LogTimestamp)
            {
                (tags.Notes ??= []).Add(time.Note);
            }

            var id = EventIds.Resolve(tags.EventId, context.Line);
            row.EventId = id.Id;
            if (id.Note is not null)
            {
                (tags.Notes ??= []).Add(id.Note);
            }

            row.Partition = PartitionKeys.From(row.EventTime);
            row.Notes = EventEnricher.JoinNotes(tags.Notes);
            return true;
        }
    }

    private sealed class DedupStep(EventIdDeduplicator? deduplicator) : IEnrichmentStep
    {
        public string Name => "dedup";

        public bool Apply(ref EnrichmentContext context, EventRow row)
        {
            context.Duplicate = deduplicator is not null && !deduplicator.TryAdd(row.EventId);
            return true;
        }
    }

    // ASNs are 32-bit; the log field is parsed as a long, so anything outside is treated as unknown.
    private static uint? AsnOf(EventRow row) => row.Asn is { } asn and >= 0 and <= uint.MaxValue ? (uint)asn : null;

    private static string? Pooled(in RealtimeLogLine line, RealtimeLogField field, StringPool pool)
    {
        var raw = line.RawValue(field);
        if (raw.IsEmpty)
        {
            return null;
        }

        if (raw.Length > StringPool.MaxPooledBytes)
        {
            return line.GetString(field);
        }

        Span<byte> decoded = stackalloc byte[StringPool.MaxPooledBytes];
        line.TryDecode(field, decoded, out var length);
        return pool.Get(decoded[..length]);
    }
}
