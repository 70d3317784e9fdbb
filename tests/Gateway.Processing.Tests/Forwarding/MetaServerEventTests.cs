using System.Text.Json.Nodes;
using Gateway.Processing.Forwarding;
using Gateway.Tests.Shared;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>Conversions API server events built from enriched rows and hits: the fields, the window, and Meta's SDK as the reference.</summary>
public sealed class MetaServerEventTests
{
    private static readonly DateTimeOffset Now = ForwardSamples.LineTime.AddMinutes(1);

    [Fact]
    public void A_website_purchase_carries_every_field_meta_needs()
    {
        var item = ForwardSamples.Item(
            Query(("pid", "123"), ("e", "purchase"), ("eid", "order-77"), ("url", "https://shop.example.com/cart?step=2"), ("v", "49.90"), ("cur", "eur"),
                ("em", " Joe@Example.com "), ("ph", "+1 (650) 555-1212"), ("fn", "Joe"), ("sku", "A-1")),
            cookie: "theme=dark;%20_fbp=fb.1.1699999999000.1234567890;%20other=1");

        var json = Build(item, "Purchase");

        Assert.Equal("Purchase", (string?)json["event_name"]);
        Assert.Equal(1_700_000_000, (long)json["event_time"]!);
        Assert.Equal("order-77", (string?)json["event_id"]);
        Assert.Equal("website", (string?)json["action_source"]);
        Assert.Equal("https://shop.example.com/cart?step=2", (string?)json["event_source_url"]);
        var user = json["user_data"]!.AsObject();
        Assert.Equal("198.51.100.23", (string?)user["client_ip_address"]);
        Assert.StartsWith("Mozilla/5.0 (Windows NT 10.0;", (string?)user["client_user_agent"], StringComparison.Ordinal);
        Assert.Equal("fb.1.1699999999000.1234567890", (string?)user["fbp"]);
        Assert.Null(user["fbc"]);
        Assert.Equal(MetaUserData.Sha256Hex("joe@example.com"), (string?)user["em"]![0]);
        Assert.Equal(MetaUserData.Sha256Hex("16505551212"), (string?)user["ph"]![0]);
        Assert.Equal(MetaUserData.Sha256Hex("joe"), (string?)user["fn"]![0]);
        var custom = json["custom_data"]!.AsObject();
        Assert.Equal(49.9, (double)custom["value"]!);
        Assert.Equal("EUR", (string?)custom["currency"]);
        Assert.Equal("A-1", (string?)custom["sku"]);
        // Contact data never reaches custom_data (it is not in props to begin with).
        Assert.DoesNotContain("Joe", json.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_fbclid_becomes_fbc_with_the_event_time_and_its_case_kept()
    {
        var item = ForwardSamples.Item(Query(("pid", "123"), ("url", "https://shop.example.com/"), ("fbclid", "IwAR2xYz_AbC")));

        var user = Build(item, "PageView")["user_data"]!;

        Assert.Equal($"fb.1.{item.Row.EventTime.ToUnixTimeMilliseconds()}.IwAR2xYz_AbC", (string?)user["fbc"]);
    }

    [Fact]
    public void The_tag_s_fbc_wins_over_the_cookie_and_the_fbclid()
    {
        var item = ForwardSamples.Item(Query(("pid", "123"), ("url", "https://shop.example.com/"), ("fbclid", "other"), ("fbc", "fb.1.1699999990000.FromTag")),
            cookie: "_fbc=fb.1.1699999980000.FromCookie");

        Assert.Equal("fb.1.1699999990000.FromTag", (string?)Build(item, "PageView")["user_data"]!["fbc"]);
    }

    [Fact]
    public void The_site_s_user_id_is_sent_hashed_as_external_id_when_the_tag_sends_none()
    {
        var item = ForwardSamples.Item(Query(("pid", "123"), ("url", "https://shop.example.com/"), ("uid", "User-42")));

        Assert.Equal(MetaUserData.Sha256Hex("user-42"), (string?)Build(item, "PageView")["user_data"]!["external_id"]![0]);
    }

    [Fact]
    public void An_email_open_is_sent_with_action_source_email_and_needs_no_url()
    {
        var item = ForwardSamples.Item(Query(("pid", "123"), ("e", "open"), ("ch", "email")));

        var json = Build(item, "EmailOpen");

        Assert.Equal("email", (string?)json["action_source"]);
        Assert.Null(json["event_source_url"]);
    }

    [Fact]
    public void A_website_event_without_a_url_is_not_built_and_says_why()
    {
        var item = ForwardSamples.Item(Query(("pid", "123")));

        var built = MetaServerEvent.Build(item.Row, item.Hit, "PageView", Now);

        Assert.Null(built.Json);
        Assert.Equal(DropReasons.Incomplete, built.DropReason);
        Assert.Contains("event_source_url", built.Problem, StringComparison.Ordinal);
    }

    [Theory]
    // Each case: the age of the event at build time, and whether it is sent.
    [InlineData(0, true)]
    [InlineData(6 * 24 * 60, true)]
    // Within the 10-minute margin of Meta's 7 days: a retry could cross the line, so it is not sent.
    [InlineData(7 * 24 * 60 - 5, false)]
    [InlineData(8 * 24 * 60, false)]
    // More than 5 minutes in the future.
    [InlineData(-6, false)]
    [InlineData(-4, true)]
    public void Events_outside_meta_s_window_are_refused_as_stale(int ageMinutes, bool sent)
    {
        var item = ForwardSamples.Item(Query(("pid", "123"), ("url", "https://shop.example.com/")));

        var built = MetaServerEvent.Build(item.Row, item.Hit, "PageView", item.Row.EventTime.AddMinutes(ageMinutes));

        Assert.Equal(sent, built.Json is not null);
        Assert.Equal(sent ? null : DropReasons.Stale, built.DropReason);
    }

    [Fact]
    public void Events_match_what_meta_s_sdk_builds_from_the_same_values()
    {
        (string Query, string Cookie)[] hits =
        [
            (Query(("pid", "123"), ("e", "purchase"), ("eid", "o-1"), ("url", "https://shop.example.com/a?b=c"), ("v", "10"), ("cur", "usd"),
                ("em", "A@Example.com"), ("em", "b@example.com"), ("em", "a@example.com"), ("ph", "0044 20 7946 0958"), ("ln", "Müller"),
                ("ct", "St. Louis"), ("st", "MO"), ("zp", "63101-1234"), ("country", "US"), ("ge", "Female"), ("db", "19900101"),
                ("external_id", "CRM-9"), ("color", "blue")), "_fbp=fb.2.1699999999000.987"),
            (Query(("pid", "123"), ("url", "https://shop.example.com/"), ("fbclid", "AbC123"), ("v", "0.5"), ("cur", "JPY")), "-"),
            (Query(("pid", "123"), ("e", "lead"), ("ch", "email"), ("em", "2481f36dfc515ca76451aaadf1399026942a01ee50c6d0a61988b43cef039bc2")), "-"),
        ];
        var items = hits.Select(h => ForwardSamples.Item(h.Query, cookie: h.Cookie)).ToList();
        var requests = items.Select(SdkRequest).ToList();

        var replies = NodeScript.Run("facebook-nodejs-business-sdk", Path.Combine(RepositoryRoot.Path, "tools", "capi", "server-event.js"), [], [.. requests.Select(r => r.ToJsonString())]);

        for (var i = 0; i < items.Count; i++)
        {
            Assert.True((bool)replies[i]["ok"]!, replies[i].ToJsonString());
            var reference = replies[i]["event"]!.AsObject();
            // The one deliberate difference: the SDK sends external_id as given; we hash it, as Meta recommends.
            if (reference["user_data"]!["external_id"] is JsonArray ids)
            {
                reference["user_data"]!["external_id"] = new JsonArray([.. ids.Select(id => (JsonNode)MetaUserData.Sha256Hex(((string)id!).Trim().ToLowerInvariant()))]);
            }

            var ours = Build(items[i], (string)requests[i]["event_name"]!);
            Assert.True(JsonNode.DeepEquals(Sorted(reference), Sorted(ours)), $"the SDK builds\n{Sorted(reference)}\nwe build\n{Sorted(ours)}");
        }
    }

    // The values the SDK gets: what the hit and row carry, before any normalization of ours.
    private static JsonObject SdkRequest(ForwardItem item)
    {
        var row = item.Row;
        var hit = item.Hit;
        var user = new JsonObject();
        (string Key, string Setter)[] plural = [("em", "emails"), ("ph", "phones"), ("ge", "genders"), ("fn", "first_names"), ("ln", "last_names"), ("db", "dates_of_birth"), ("ct", "cities"), ("st", "states"), ("zp", "zips"), ("country", "countries"), ("external_id", "external_ids")];
        foreach (var (key, setter) in plural)
        {
            var values = hit.Contact.Where(c => c.Key == key).Select(c => (JsonNode)c.Value).ToArray();
            if (values.Length > 0)
            {
                user[setter] = new JsonArray(values);
            }
        }

        user["client_ip_address"] = hit.ClientIp;
        user["client_user_agent"] = hit.UserAgent;
        if (hit.Fbp is not null)
        {
            user["fbp"] = hit.Fbp;
        }

        if (hit.Fbclid is not null)
        {
            user["fbc"] = $"fb.1.{row.EventTime.ToUnixTimeMilliseconds()}.{hit.Fbclid}";
        }

        var request = new JsonObject
        {
            ["event_name"] = row.EventName == "pageview" ? "PageView" : row.EventName,
            ["event_time"] = row.EventTime.ToUnixTimeSeconds(),
            ["event_id"] = row.EventId,
            ["action_source"] = row.Channel == "email" ? "email" : "website",
            ["user"] = user,
        };
        if (row.PageUrl is not null)
        {
            request["event_source_url"] = row.PageUrl;
        }

        var custom = new JsonObject();
        if (row.Value is { } value)
        {
            custom["value"] = value;
        }

        if (row.Currency is not null)
        {
            custom["currency"] = row.Currency;
        }

        if (row.Props is not null)
        {
            custom["custom_properties"] = JsonNode.Parse(row.Props);
        }

        if (custom.Count > 0)
        {
            request["custom"] = custom;
        }

        return request;
    }

    private static JsonObject Build(ForwardItem item, string eventName)
    {
        var built = MetaServerEvent.Build(item.Row, item.Hit, eventName, Now);
        Assert.True(built.Json is not null, built.Problem);
        return JsonNode.Parse(built.Json)!.AsObject();
    }

    private static JsonNode Sorted(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Sorted(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(v => v is null ? null : Sorted(v))]),
        _ => node.DeepClone(),
    };

    // A query as the log holds it: each value percent-encoded, then every % encoded once more.
    private static string Query(params (string Name, string Value)[] parameters) =>
        string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value).Replace("%", "%25", StringComparison.Ordinal)}"));
}
