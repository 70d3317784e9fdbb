using System.Text;
using System.Text.Json;
using Gateway.Processing.Enrichment;
using static Gateway.Processing.Tests.Enrichment.Enrichers;

namespace Gateway.Processing.Tests.Enrichment;

/// <summary>Real-looking CloudFront lines through the whole enricher, with the columns each must produce.</summary>
public sealed class EventEnricherTests
{
    private static readonly EventEnricher Enricher = Create();

    private static EventRow Event(string line)
    {
        var result = Enricher.Enrich(line);
        Assert.True(result.Status == EnrichStatus.Event, $"expected an event, got {result.Status}: {result.BadRow?.Reason} {result.BadRow?.Message}");
        return result.Event!;
    }

    private static BadRow Bad(string line)
    {
        var result = Enricher.Enrich(line);
        Assert.Equal(EnrichStatus.BadRow, result.Status);
        return result.BadRow!;
    }

    [Fact]
    public void A_web_pageview_from_search_with_utm_and_gclid_fills_every_column()
    {
        var row = Event(Line(
            "pid=px1&e=pageview&eid=ev-001&url=https%253A%252F%252Fwww.shop.example%252Fshoes%253Fcolor%253Dred%2523top&ref=https%253A%252F%252Fwww.google.com%252F&utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=Cj0KCQ&plan=pro"));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), row.EventTime);
        Assert.Equal(row.EventTime, row.ReceivedTime);
        Assert.Equal(("ev-001", "px1", "pageview"), (row.EventId, row.PixelId, row.EventName));
        Assert.Equal("https://www.shop.example/shoes?color=red#top", row.PageUrl);
        Assert.Equal(("www.shop.example", "/shoes"), (row.PageHost, row.PagePath));
        Assert.Equal(("https://www.google.com/", "www.google.com", "search"), (row.ReferrerUrl, row.ReferrerHost, row.ReferrerMedium));
        Assert.Equal(("google", "cpc", "spring"), (row.UtmSource, row.UtmMedium, row.UtmCampaign));
        Assert.Equal(("Cj0KCQ", "gclid"), (row.ClickId, row.ClickIdType));
        Assert.Equal("{\"plan\":\"pro\"}", row.Props);
        Assert.Equal(("Chrome", "120.0.0", "Windows", "10", "Other"), (row.UaBrowser, row.UaBrowserVersion, row.UaOs, row.UaOsVersion, row.UaDevice));
        Assert.Equal(("198.51.100.0", "US", 7922L), (row.IpPrefix, row.Country, row.Asn));
        Assert.False(row.IsBot);
        Assert.False(row.IsMachineOpen);
        Assert.Equal(("web", "IAD89-C1", 200, 43L, 2.0), (row.Channel, row.EdgeLocation, row.HttpStatus, row.BytesSent, row.TimeTakenMs));
        Assert.Equal(Visitors.Anonymous("px1", "198.51.100.23", Chrome, row.ReceivedTime), row.VisitorId);
        Assert.Null(row.UserId);
        Assert.Null(row.Notes);
        Assert.Equal(new PartitionKeys("2023", "11", "14", "22"), row.Partition);
    }

    [Fact]
    public void Double_encoded_unicode_urls_are_decoded_exactly_twice()
    {
        // The client sent url=https%3A%2F%2Fshop.example%2Fcaf%C3%A9%3Fq%3D100%2525 (a literal "100%25" in the page's own query).
        var row = Event(Line("pid=px1&url=https%253A%252F%252Fshop.example%252Fcaf%25C3%25A9%253Fq%253D100%252525&note=%25E2%2598%2595"));

        Assert.Equal("https://shop.example/café?q=100%25", row.PageUrl);
        Assert.Equal("/café", row.PagePath);
        Assert.Equal("{\"note\":\"☕\"}", row.Props);
    }

    [Fact]
    public void Dashes_everywhere_give_nulls_and_an_empty_user_agent_bot()
    {
        var line = string.Join('\t', "1700000000.000", "-", "000", "-", "GET", "https", "-", "/p.gif?pid=px9", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-");
        var row = Event(line);

        Assert.Equal(("px9", "pageview"), (row.PixelId, row.EventName));
        Assert.Equal(0, row.HttpStatus);
        Assert.Null(row.BytesSent);
        Assert.Null(row.TimeTakenMs);
        Assert.Null(row.PageUrl);
        Assert.Null(row.IpPrefix);
        Assert.Null(row.Country);
        Assert.Null(row.Asn);
        Assert.Null(row.EdgeLocation);
        Assert.Equal("direct", row.ReferrerMedium);
        Assert.Equal((true, "ua:empty"), (row.IsBot, row.BotReason));
        Assert.StartsWith("fp_", row.EventId, StringComparison.Ordinal);
        Assert.Equal(32, row.VisitorId.Length);
    }

    [Fact]
    public void Ipv6_clients_keep_only_the_48_bit_prefix()
    {
        var row = Event(Line("pid=px1", ip: "2001:db8:85a3:1234:5678:8a2e:370:7334"));

        Assert.Equal("2001:db8:85a3::", row.IpPrefix);
        Assert.Equal(Visitors.Anonymous("px1", "2001:db8:85a3:1234:5678:8a2e:370:7334", Chrome, row.ReceivedTime), row.VisitorId);
    }

    [Fact]
    public void A_000_status_is_a_hit_whose_viewer_hung_up()
    {
        Assert.Equal(0, Event(Line("pid=px1", status: "000")).HttpStatus);
    }

    [Fact]
    public void A_huge_query_string_is_cut_into_bounded_props_with_a_note()
    {
        var query = "pid=px1&" + string.Join('&', Enumerable.Range(0, 1500).Select(i => $"k{i}=v{i}"));
        var row = Event(Line(query));

        Assert.NotNull(row.Props);
        Assert.InRange(Encoding.UTF8.GetByteCount(row.Props), 1, PropsWriter.MaxObjectBytes);
        using var props = JsonDocument.Parse(row.Props);
        Assert.Equal(1450, props.RootElement.GetProperty(PropsWriter.TruncatedMember).GetInt32());
        Assert.Contains("props: 1450 parameter(s) dropped", row.Notes, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mozilla/5.0%20(compatible;%20Googlebot/2.1;%20+http://www.google.com/bot.html)", "7922", "ua:crawler-user-agents:Googlebot")]
    [InlineData("curl/8.4.0", "7922", "ua:scripted:curl")]
    [InlineData("Mozilla/5.0%20(X11;%20Linux%20x86_64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20HeadlessChrome/120.0.0.0%20Safari/537.36", "7922", "ua:headless")]
    [InlineData("Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/120.0.0.0%20Safari/537.36", "16509", "asn:datacenter:16509")]
    public void Bots_are_flagged_with_the_rule_not_dropped(string userAgent, string asn, string reason)
    {
        var row = Event(Line("pid=px1", userAgent: userAgent, asn: asn));

        Assert.True(row.IsBot);
        Assert.Equal(reason, row.BotReason);
    }

    [Fact]
    public void An_apple_mpp_fetch_of_an_email_pixel_is_a_machine_open()
    {
        var row = Event(Line("pid=px1&e=open&ch=email&eid=m-1", userAgent: "Mozilla/5.0", ip: "17.58.1.9", asn: "714"));

        Assert.Equal(("email", "open"), (row.Channel, row.EventName));
        Assert.Equal((true, "email:apple-mpp:asn714"), (row.IsMachineOpen, row.MachineOpenReason));
        Assert.Equal("email", row.ReferrerMedium);
        Assert.Equal("17.58.1.0", row.IpPrefix);
    }

    [Fact]
    public void A_gmail_image_proxy_fetch_is_a_machine_open_and_a_person_in_apple_mail_is_not()
    {
        var gmail = Event(Line("pid=px1&ch=email", userAgent: "Mozilla/5.0%20(Windows%20NT%205.1;%20rv:11.0)%20Gecko%20Firefox/11.0%20(via%20ggpht.com%20GoogleImageProxy)", asn: "15169"));
        var person = Event(Line("pid=px1&ch=email", userAgent: "Mozilla/5.0%20(Macintosh;%20Intel%20Mac%20OS%20X%2010_15_7)%20AppleWebKit/605.1.15%20(KHTML,%20like%20Gecko)"));
        var web = Event(Line("pid=px1", userAgent: "Mozilla/5.0", asn: "714"));

        Assert.Equal((true, "email:google-image-proxy"), (gmail.IsMachineOpen, gmail.MachineOpenReason));
        Assert.Equal((false, null), (person.IsMachineOpen, person.MachineOpenReason));
        Assert.Equal((false, null), (web.IsMachineOpen, web.MachineOpenReason));
    }

    [Fact]
    public void A_hit_without_pid_is_a_bad_row_naming_the_fix()
    {
        var bad = Bad(Line("e=pageview&url=https%253A%252F%252Fshop.example%252F"));

        Assert.Equal(("enrich", "missing_pixel_id"), (bad.Stage, bad.Reason));
        Assert.Contains("pid=", bad.Message, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), bad.Time);
    }

    [Fact]
    public void An_invalid_percent_sequence_is_a_parse_bad_row_with_the_position_and_no_full_ip()
    {
        var bad = Bad(Line("pid=px1&q=%25zz", ip: "203.0.113.77"));

        Assert.Equal(("parse", "bad_percent_encoding"), (bad.Stage, bad.Reason));
        Assert.Contains("cs-uri-stem", bad.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.77", bad.Raw, StringComparison.Ordinal);
        Assert.Contains("\t203.0.113.0\t", bad.Raw, StringComparison.Ordinal);
        // The parse stage cannot trust the line's timestamp, so the bad row is dated by arrival.
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_100), bad.Time);
    }

    [Fact]
    public void A_wrong_field_count_is_a_bad_row_with_its_forwarded_for_list_redacted()
    {
        var bad = Bad(Line("pid=px1") + "\t203.0.113.77, 2001:db8:1:2::9");

        Assert.Equal("field_count", bad.Reason);
        Assert.EndsWith("\t203.0.113.0, 2001:db8:1::", bad.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_eid_is_reported_once_as_an_event_then_as_duplicates()
    {
        var enricher = Create(new EventIdDeduplicator(TimeProvider.System));
        var line = Line("pid=px1&eid=dup-7");

        Assert.Equal(EnrichStatus.Event, enricher.Enrich(line).Status);
        Assert.Equal(EnrichStatus.Duplicate, enricher.Enrich(line).Status);
        Assert.Equal(EnrichStatus.Duplicate, enricher.Enrich(Line("pid=px1&eid=dup-7", requestId: "other-request")).Status);
        Assert.Equal(EnrichStatus.Event, enricher.Enrich(Line("pid=px1&eid=dup-8")).Status);
    }

    [Fact]
    public void Replays_without_eid_dedup_on_the_record_fingerprint()
    {
        var enricher = Create(new EventIdDeduplicator(TimeProvider.System));

        Assert.Equal(EnrichStatus.Event, enricher.Enrich(Line("pid=px1")).Status);
        Assert.Equal(EnrichStatus.Duplicate, enricher.Enrich(Line("pid=px1")).Status);
        Assert.Equal(EnrichStatus.Event, enricher.Enrich(Line("pid=px1", requestId: "another-hit")).Status);
    }

    [Fact]
    public void Client_ts_is_used_inside_the_window_and_noted_outside_it()
    {
        var inside = Event(Line("pid=px1&ts=1699999000"));
        var outside = Event(Line("pid=px1&ts=1500000000000"));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_699_999_000), inside.EventTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), outside.EventTime);
        Assert.Contains("outside the plausible window", outside.Notes, StringComparison.Ordinal);
    }

    [Fact]
    public void A_uid_makes_a_stable_visitor_and_is_kept_as_user_id()
    {
        var first = Event(Line("pid=px1&uid=user-42", ip: "198.51.100.1"));
        var elsewhere = Event(Line("pid=px1&uid=user-42", ip: "203.0.113.9", timestamp: "1710000000.000", userAgent: "curl/8.4.0"));

        Assert.Equal("user-42", first.UserId);
        Assert.Equal(first.VisitorId, elsewhere.VisitorId);
        Assert.Equal(Visitors.FromUserId("px1", "user-42"), first.VisitorId);
    }

    [Fact]
    public void Anonymous_visitor_ids_rotate_at_utc_midnight()
    {
        var before = Event(Line("pid=px1", timestamp: "1700006399.000"));
        var after = Event(Line("pid=px1", timestamp: "1700006400.000"));

        Assert.NotEqual(before.VisitorId, after.VisitorId);
    }

    [Fact]
    public void A_same_site_referrer_is_internal()
    {
        var row = Event(Line("pid=px1&url=https%253A%252F%252Fwww.example.co.uk%252Fa&ref=https%253A%252F%252Fblog.example.co.uk%252Fpost"));

        Assert.Equal(("blog.example.co.uk", "internal"), (row.ReferrerHost, row.ReferrerMedium));
    }

    [Fact]
    public void Without_url_the_page_comes_from_the_referer_header_and_the_visit_is_direct()
    {
        var row = Event(Line("pid=px1", referer: "https://Shop.Example:443/cart?step=2"));

        Assert.Equal("https://Shop.Example:443/cart?step=2", row.PageUrl);
        Assert.Equal(("shop.example", "/cart"), (row.PageHost, row.PagePath));
        Assert.Null(row.ReferrerUrl);
        Assert.Equal("direct", row.ReferrerMedium);
    }

    [Fact]
    public void With_url_a_referer_header_naming_another_page_is_the_referrer_and_the_page_itself_is_not()
    {
        var other = Event(Line("pid=px1&url=https%253A%252F%252Fshop.example%252F&fbclid=IwAR1", referer: "https://m.facebook.com/story.php"));
        var same = Event(Line("pid=px1&url=https%253A%252F%252Fshop.example%252Fa%253Fx%253D1", referer: "https://shop.example/a"));

        Assert.Equal(("m.facebook.com", "social"), (other.ReferrerHost, other.ReferrerMedium));
        Assert.Equal(("IwAR1", "fbclid"), (other.ClickId, other.ClickIdType));
        Assert.Null(same.ReferrerUrl);
        Assert.Equal("direct", same.ReferrerMedium);
    }

    [Fact]
    public void Credentials_in_urls_never_reach_the_row()
    {
        var row = Event(Line("pid=px1&url=https%253A%252F%252Fadmin%253Asecret%2540shop.example%252Fx"));

        Assert.Equal("https://shop.example/x", row.PageUrl);
        Assert.Equal("shop.example", row.PageHost);
    }

    [Fact]
    public void Rejected_contract_values_are_noted_not_silently_dropped()
    {
        var row = Event(Line("pid=px1&e=purchase&v=12%252C50&cur=euro"));

        Assert.Null(row.Value);
        Assert.Null(row.Currency);
        Assert.Equal("v: not a decimal number, value dropped; cur: not three letters, currency dropped", row.Notes);
    }

    [Fact]
    public void A_shell_s_flag_is_appended_to_the_notes_of_the_event_it_keeps()
    {
        var enricher = new EventEnricher(Enrichers.Resources, Enrichers.Visitors, new EnricherOptions { Flag = row => row.PageHost == "staging.example" ? "not forwarded: domain_blocked" : null });

        var flagged = enricher.Enrich(Encoding.UTF8.GetBytes(Line("pid=px1&e=purchase&v=12%252C50&url=https%253A%252F%252Fstaging.example%252F")), DateTimeOffset.UnixEpoch);
        var clean = enricher.Enrich(Encoding.UTF8.GetBytes(Line("pid=px1&url=https%253A%252F%252Fshop.example%252F")), DateTimeOffset.UnixEpoch);

        Assert.Equal(EnrichStatus.Event, flagged.Status);
        Assert.Equal("v: not a decimal number, value dropped; not forwarded: domain_blocked", flagged.Event!.Notes);
        Assert.Null(clean.Event!.Notes);
    }

    [Fact]
    public void A_purchase_carries_value_and_currency()
    {
        var row = Event(Line("pid=px1&e=purchase&v=129.90&cur=eur"));

        Assert.Equal(("purchase", 129.90, "EUR"), (row.EventName, row.Value, row.Currency));
    }

    [Fact]
    public void The_row_json_has_every_column_in_order_and_reads_back()
    {
        var row = Event(Line("pid=px1&e=signup&eid=j-1&url=https%253A%252F%252Fshop.example%252F&v=5&cur=usd&x=%2522quoted%2522"));

        var json = EventRowJson.ToUtf8(row);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(EventRowJson.Columns, document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2023-11-14T22:13:20.123Z", document.RootElement.GetProperty("event_time").GetString());
        var back = EventRowJson.Read(json);
        Assert.Equal(JsonSerializer.Serialize(row), JsonSerializer.Serialize(back));
    }
}
