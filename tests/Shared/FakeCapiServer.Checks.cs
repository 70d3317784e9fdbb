using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Tests.Shared;

/// <summary>The request checks: what Meta refuses, per spec 10.</summary>
internal sealed partial class FakeCapiServer
{
    // Spec 10: events older than 7 days fail the request; physical_store events may be up to 62 days old.
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);
    private static readonly TimeSpan MaxAgePhysicalStore = TimeSpan.FromDays(62);
    private static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(10);

    private static readonly HashSet<string> BodyFields = ["access_token", "data", "test_event_code", "partner_agent"];

    private static readonly HashSet<string> EventFields =
    [
        "event_name", "event_time", "event_id", "action_source", "event_source_url", "user_data", "custom_data", "opt_out",
        "data_processing_options", "data_processing_options_country", "data_processing_options_state", "referrer_url",
    ];

    private static readonly HashSet<string> ActionSources =
        ["website", "email", "app", "phone_call", "chat", "physical_store", "system_generated", "business_messaging", "other"];

    // Spec 10: Meta requires these SHA-256 hashed (external_id is only recommended there; this fake insists, as our client hashes it).
    private static readonly HashSet<string> HashedKeys = ["em", "ph", "fn", "ln", "ge", "db", "ct", "st", "zp", "country", "external_id"];

    // Spec 10's other never-hash identifiers: accepted as plain strings that must not look hashed.
    private static readonly HashSet<string> PlainIdKeys =
    [
        "subscription_id", "fb_login_id", "lead_id", "anon_id", "madid", "page_id", "page_scoped_user_id", "ctwa_clid", "ig_account_id", "ig_sid",
    ];

    [GeneratedRegex(@"^/(?<version>v[0-9]+\.[0-9]+)/(?<dataset>[0-9]+)/events\z")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^[0-9a-f]{64}\z")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex(@"^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})\z")]
    private static partial Regex HashLikePattern();

    // fbc = fb.<subdomainIndex>.<creationTime>.<fbclid>; fbp = fb.1.<creationTime>.<random>[.<appendix>].
    [GeneratedRegex(@"^fb\.[0-9]\.[0-9]+\..+\z", RegexOptions.Singleline)]
    private static partial Regex CookiePattern();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3}){3}\z")]
    private static partial Regex Ipv4Pattern();

    [GeneratedRegex(@"^[A-Za-z]{3}\z")]
    private static partial Regex CurrencyPattern();

    private static bool IsIpAddress(string text) => text.Contains(':', StringComparison.Ordinal)
        ? IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
        : Ipv4Pattern().IsMatch(text) && IPAddress.TryParse(text, out _);

    private static bool IsNonEmptyString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text);

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private FakeCapiReply Process(HttpContext context, byte[] body)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        var path = rawTarget.Split('?')[0];
        if (request.Method != HttpMethods.Post)
        {
            return Refuse($"method {request.Method}: the events edge only takes POST", $"Unsupported {request.Method.ToLowerInvariant()} request.", subcode: 33);
        }

        var match = PathPattern().Match(path);
        if (!match.Success)
        {
            return Refuse($"path '{path}': expected /v<major>.<minor>/<dataset id digits>/events", $"Unknown path components: {path}", code: 2500, subcode: null);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.CharSet is { } charset && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return Refuse($"Content-Type '{request.ContentType}': expected application/json", "Invalid parameter: the body must be application/json");
        }

        JsonObject document;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject parsed)
            {
                return Refuse("body: not a JSON object", "Invalid parameter: the body is not a JSON object");
            }

            document = parsed;
        }
        catch (JsonException e)
        {
            return Refuse($"body: not JSON ({e.Message})", "Invalid parameter: the body is not JSON");
        }

        // Graph takes the token from the body or the query string.
        var queryToken = request.Query["access_token"].FirstOrDefault();
        var token = AsString(document["access_token"]) ?? queryToken;
        if (token is null)
        {
            return Refuse("access_token: missing", "An access token is required to request this resource.", code: 104, subcode: null);
        }

        if (token != AccessToken)
        {
            return Refuse("access_token: not the token the fake was created with", InvalidTokenMessage, code: 190, subcode: null);
        }

        var problems = new List<(string Text, int Subcode)>();
        foreach (var (key, _) in document)
        {
            if (!BodyFields.Contains(key))
            {
                problems.Add(($"{key}: unknown request field", InvalidParameterSubcode));
            }
        }

        var testEventCode = document["test_event_code"];
        if (testEventCode is not null && AsString(testEventCode) is null)
        {
            problems.Add(("test_event_code: not a string", InvalidParameterSubcode));
        }

        if (document["data"] is not JsonArray data)
        {
            problems.Add(("data: missing or not an array", InvalidParameterSubcode));
            return Refuse(problems);
        }

        if (data.Count is 0 or > MaxEventsPerRequest)
        {
            problems.Add(($"data: {data.Count} events; a request carries 1 to {MaxEventsPerRequest}", InvalidParameterSubcode));
            return Refuse(problems);
        }

        var now = _time.GetUtcNow();
        for (var i = 0; i < data.Count; i++)
        {
            CheckEvent(data[i], $"data[{i}]", now, problems);
        }

        if (problems.Count > 0)
        {
            return Refuse(problems);
        }

        var events = data.Select(e => (JsonObject)e!.DeepClone()).ToList();
        if (RejectEvent is { } reject)
        {
            foreach (var e in events)
            {
                if (reject(e) is { } why)
                {
                    return FakeCapiReply.GraphError(400, why, 100);
                }
            }
        }

        Accept(new CapiRequest(match.Groups["version"].Value, match.Groups["dataset"].Value, AsString(testEventCode), events, document["access_token"] is null), now);
        return FakeCapiReply.Ok(new JsonObject { ["events_received"] = events.Count, ["messages"] = new JsonArray(), ["fbtrace_id"] = FakeFaults.TraceId() });
    }

    private static void CheckEvent(JsonNode? node, string at, DateTimeOffset now, List<(string Text, int Subcode)> problems)
    {
        void Problem(string text, int subcode = InvalidParameterSubcode) => problems.Add(($"{at}.{text}", subcode));

        if (node is not JsonObject e)
        {
            problems.Add(($"{at}: not a JSON object", InvalidParameterSubcode));
            return;
        }

        foreach (var (key, _) in e)
        {
            if (!EventFields.Contains(key))
            {
                Problem($"{key}: unknown event field");
            }
        }

        if (!IsNonEmptyString(e["event_name"]))
        {
            Problem("event_name: missing or not a non-empty string");
        }

        var actionSource = AsString(e["action_source"]);
        if (actionSource is null || !ActionSources.Contains(actionSource))
        {
            Problem($"action_source: '{e["action_source"]?.ToJsonString()}' is not one of {string.Join(", ", ActionSources)}");
        }

        if (e["event_time"] is JsonValue time && time.GetValueKind() == JsonValueKind.Number && time.TryGetValue<long>(out var seconds))
        {
            var eventTime = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
            var maxAge = actionSource == "physical_store" ? MaxAgePhysicalStore : MaxAge;
            if (now - eventTime > maxAge)
            {
                Problem($"event_time: {seconds} is more than {maxAge.TotalDays} days before the server's time {now.ToUnixTimeSeconds()}; one stale event fails the whole request", StaleEventSubcode);
            }
            else if (eventTime - now > MaxAhead)
            {
                Problem($"event_time: {seconds} is more than {MaxAhead.TotalMinutes} minutes after the server's time {now.ToUnixTimeSeconds()}");
            }
        }
        else
        {
            Problem($"event_time: '{e["event_time"]?.ToJsonString()}' is not an integer number of Unix seconds");
        }

        if (e["event_id"] is { } eventId && AsString(eventId) is null)
        {
            Problem("event_id: not a string");
        }

        if (e["event_source_url"] is { } url)
        {
            if (!Uri.TryCreate(AsString(url), UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                Problem($"event_source_url: '{url.ToJsonString()}' is not an absolute http(s) URL");
            }
        }
        else if (actionSource == "website")
        {
            Problem("event_source_url: required for website events");
        }

        if (e["user_data"] is JsonObject userData)
        {
            CheckUserData(userData, $"{at}.user_data", problems);
            if (actionSource == "website" && userData["client_user_agent"] is null)
            {
                Problem("user_data.client_user_agent: required for website events");
            }
        }
        else
        {
            Problem("user_data: missing or not an object");
        }

        if (e["custom_data"] is { } customData)
        {
            if (customData is not JsonObject custom)
            {
                Problem("custom_data: not an object");
            }
            else
            {
                if (custom["value"] is { } value && value.GetValueKind() != JsonValueKind.Number)
                {
                    Problem($"custom_data.value: '{value.ToJsonString()}' is not a number");
                }

                if (custom["currency"] is { } currency && !CurrencyPattern().IsMatch(AsString(currency) ?? ""))
                {
                    Problem($"custom_data.currency: '{currency.ToJsonString()}' is not a 3-letter ISO 4217 code");
                }
            }
        }
    }

    private static void CheckUserData(JsonObject userData, string at, List<(string Text, int Subcode)> problems)
    {
        void Problem(string text) => problems.Add(($"{at}.{text}", InvalidParameterSubcode));

        foreach (var (key, value) in userData)
        {
            if (HashedKeys.Contains(key))
            {
                var values = value is JsonArray array ? array.Select(AsString).ToList() : [AsString(value)];
                if (values.Count == 0 || values.Any(v => v is null || !Sha256Pattern().IsMatch(v)))
                {
                    Problem($"{key}: {value?.ToJsonString()} is not a SHA-256 digest (64 lower-case hex) or an array of them");
                }

                continue;
            }

            var text = AsString(value);
            var plain = !string.IsNullOrWhiteSpace(text) && !HashLikePattern().IsMatch(text);
            (bool Known, bool Ok, string Form) rule = key switch
            {
                "client_ip_address" => (true, text is not null && IsIpAddress(text), "an IPv4 or IPv6 address"),
                "fbc" or "fbp" => (true, text is not null && CookiePattern().IsMatch(text), "fb.<digit>.<digits>.<value>"),
                "client_user_agent" => (true, plain, "a non-empty string that is not a hash"),
                _ when PlainIdKeys.Contains(key) => (true, plain, "a non-empty string that is not a hash"),
                _ => (false, false, ""),
            };
            if (!rule.Known)
            {
                Problem($"{key}: unknown user_data field");
            }
            else if (!rule.Ok)
            {
                Problem($"{key}: {value?.ToJsonString()} is not sent unhashed as {rule.Form}");
            }
        }
    }
}
