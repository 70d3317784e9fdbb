using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>Domain rules and the router: which events go where, under which name, and why the others do not.</summary>
public sealed class ForwardRouterTests
{
    [Theory]
    // Each case: allow list, block list, host, verdict.
    [InlineData("", "", "anything.example", DomainVerdict.Allowed)]
    [InlineData("shop.example.com", "", "shop.example.com", DomainVerdict.Allowed)]
    [InlineData("shop.example.com", "", "SHOP.Example.COM.", DomainVerdict.Allowed)]
    [InlineData("shop.example.com", "", "www.shop.example.com", DomainVerdict.NotAllowed)]
    [InlineData("*.example.com", "", "a.b.example.com", DomainVerdict.Allowed)]
    // A wildcard covers hosts below the domain, not the domain itself.
    [InlineData("*.example.com", "", "example.com", DomainVerdict.NotAllowed)]
    [InlineData("*.example.com", "", "badexample.com", DomainVerdict.NotAllowed)]
    // Block wins over allow.
    [InlineData("*.example.com", "staging.example.com", "staging.example.com", DomainVerdict.Blocked)]
    [InlineData("", "*.internal.example", "x.internal.example", DomainVerdict.Blocked)]
    // International names match in either form.
    [InlineData("bücher.example", "", "xn--bcher-kva.example", DomainVerdict.Allowed)]
    [InlineData("xn--bcher-kva.example", "", "BÜCHER.example", DomainVerdict.Allowed)]
    public void Hosts_are_judged_by_the_allow_and_block_lists(string allow, string block, string host, DomainVerdict expected)
    {
        var rules = new DomainRules(new DomainSettings(List(allow), List(block)));

        Assert.Equal(expected, rules.Judge(host));
    }

    [Fact]
    public void The_lake_note_names_why_a_domain_keeps_an_event_from_being_forwarded()
    {
        var router = Router("""{"domains":{"allow":["*.example.com"],"block":["staging.example.com"]}}""");

        Assert.Equal("not forwarded: domain_blocked", router.DomainNote(new EventRow { PageHost = "staging.example.com" }));
        Assert.Equal("not forwarded: domain_not_allowed", router.DomainNote(new EventRow { PageHost = "shop.example.org" }));
        Assert.Null(router.DomainNote(new EventRow { PageHost = "shop.example.com" }));
        Assert.Null(router.DomainNote(new EventRow()));
    }

    [Fact]
    public void An_event_without_a_host_passes_the_domain_rules()
    {
        var rules = new DomainRules(new DomainSettings(["shop.example.com"], []));

        Assert.Equal(DomainVerdict.Allowed, rules.Judge(null));
    }

    [Fact]
    public void A_published_event_goes_to_each_enabled_destination_under_its_mapped_name()
    {
        var router = Router("""
            {"pixels":[{"id":"123","destinations":["meta","crm","off"],"events":{"purchase":"Purchase","signup":"CompleteRegistration"}}],
             "destinations":[{"name":"meta","type":"meta","accessToken":"t"},
                             {"name":"crm","type":"webhook","url":"https://h.example/","secret":"0123456789abcdef"},
                             {"name":"off","type":"webhook","enabled":false,"url":"https://h.example/","secret":"0123456789abcdef"}]}
            """);

        var decision = router.Route(Row(eventName: "signup"));

        Assert.False(decision.Dropped);
        Assert.Equal(["meta", "crm"], decision.Routes.Select(r => r.Destination.Name));
        Assert.All(decision.Routes, r => Assert.Equal("CompleteRegistration", r.EventName));
    }

    [Theory]
    // Each case: what differs from a forwardable purchase on shop.example.com, and the reason it is dropped.
    [InlineData("pixel", DropReasons.PixelNotConfigured)]
    [InlineData("disabled", DropReasons.PixelDisabled)]
    [InlineData("event", DropReasons.EventNotPublished)]
    [InlineData("blocked", DropReasons.DomainBlocked)]
    [InlineData("elsewhere", DropReasons.DomainNotAllowed)]
    [InlineData("bot", DropReasons.Bot)]
    [InlineData("machine", DropReasons.MachineOpen)]
    [InlineData("nowhere", DropReasons.NoDestination)]
    public void An_event_a_rule_stops_is_dropped_with_the_rule_s_reason(string change, string reason)
    {
        var router = Router("""
            {"pixels":[{"id":"123","destinations":["meta"],"events":{"purchase":"Purchase"}},
                       {"id":"456","enabled":false,"destinations":["meta"]},
                       {"id":"789","destinations":[]}],
             "domains":{"allow":["*.example.com"],"block":["staging.example.com"]},
             "destinations":[{"name":"meta","type":"meta","accessToken":"t"}]}
            """);
        var row = Row();
        switch (change)
        {
            case "pixel": row.PixelId = "999"; break;
            case "disabled": row.PixelId = "456"; break;
            case "event": row.EventName = "pageview"; break;
            case "blocked": row.PageHost = "staging.example.com"; break;
            case "elsewhere": row.PageHost = "shop.example.org"; break;
            case "bot": row.IsBot = true; break;
            case "machine": row.IsMachineOpen = true; break;
            case "nowhere": row.PixelId = "789"; row.EventName = "pageview"; break;
        }

        var decision = router.Route(row);

        Assert.True(decision.Dropped);
        Assert.Equal(reason, decision.DropReason);
        Assert.True(router.Route(Row()).Routes.Count == 1, "the unchanged event is forwarded");
    }

    [Fact]
    public void Bots_and_machine_opens_are_forwarded_when_configured_to_be()
    {
        var router = Router("""{"pixels":[{"id":"123","destinations":["meta"]}],"forwardBots":true,"forwardMachineOpens":true,"destinations":[{"name":"meta","type":"meta","accessToken":"t"}]}""");
        var row = Row();
        row.IsBot = true;
        row.IsMachineOpen = true;

        Assert.False(router.Route(row).Dropped);
    }

    private static ForwardRouter Router(string json) => new(ForwardSettingsJson.Parse(json));

    private static EventRow Row(string eventName = "purchase") => new()
    {
        PixelId = "123",
        EventName = eventName,
        EventId = "e1",
        PageHost = "shop.example.com",
        PageUrl = "https://shop.example.com/cart",
    };

    private static string[] List(string text) => text.Length == 0 ? [] : text.Split(',');
}
