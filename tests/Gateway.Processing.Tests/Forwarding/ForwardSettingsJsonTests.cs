using Gateway.Processing.Forwarding;

namespace Gateway.Processing.Tests.Forwarding;

/// <summary>The forward configuration document: reading, the problems it names, writing back and hidden secrets.</summary>
public sealed class ForwardSettingsJsonTests
{
    private const string Full = """
        {
          // Comments and trailing commas are fine, as in the rest of gateway.json.
          "pixels": [
            { "id": "1234567890", "name": "Shop", "destinations": ["meta", "crm"], "events": { "purchase": "Purchase", "signup": "CompleteRegistration" } },
            { "id": "blog", "enabled": false, "destinations": ["crm"] },
          ],
          "domains": { "allow": ["Shop.Example.com.", "*.example.com"], "block": ["staging.example.com"] },
          "destinations": [
            { "name": "meta", "type": "meta", "accessToken": { "env": "META_TOKEN" }, "testEventCode": "TEST123", "maxBatchEvents": 500 },
            { "name": "crm", "type": "webhook", "url": "https://hooks.example.com/gateway", "secret": "0123456789abcdef0123" }
          ],
          "forwardBots": true
        }
        """;

    [Fact]
    public void A_full_document_reads_into_the_model()
    {
        var settings = ForwardSettingsJson.Parse(Full);

        Assert.Equal(["1234567890", "blog"], settings.Pixels.Select(p => p.Id));
        var shop = settings.Pixel("1234567890")!;
        Assert.Equal("Shop", shop.Name);
        Assert.True(shop.Enabled);
        Assert.Equal(["meta", "crm"], shop.Destinations);
        Assert.Equal("CompleteRegistration", shop.PublishedEvents["signup"]);
        Assert.False(shop.PublishedEvents.ContainsKey("pageview"));
        // A pixel without rules publishes the standard names.
        Assert.Equal("PageView", settings.Pixel("blog")!.PublishedEvents["pageview"]);
        Assert.False(settings.Pixel("blog")!.Enabled);
        // Hosts are normalized: lower case, no trailing dot.
        Assert.Equal(["shop.example.com", "*.example.com"], settings.Domains.Allow);
        var meta = settings.Destination("meta")!;
        Assert.Equal(DestinationKind.Meta, meta.Kind);
        Assert.Equal("META_TOKEN", meta.Secret.Environment);
        Assert.Equal(new Uri("https://graph.facebook.com"), meta.Endpoint);
        Assert.Equal("v24.0", meta.ApiVersion);
        Assert.Equal(500, meta.MaxBatchEvents);
        Assert.Equal("TEST123", meta.TestEventCode);
        var crm = settings.Destination("crm")!;
        Assert.Equal(100, crm.MaxBatchEvents);
        Assert.Equal("0123456789abcdef0123", crm.Secret.Value);
        Assert.True(settings.ForwardBots);
        Assert.False(settings.ForwardMachineOpens);
    }

    [Theory]
    // Each case: a document and the field the first problem names, with a word of its message.
    [InlineData("""{"pixels":[{"name":"x"}]}""", "pixels[0].id", "required")]
    [InlineData("""{"pixels":[{"id":"a b"}]}""", "pixels[0].id", "not a pixel id")]
    [InlineData("""{"pixels":[{"id":"123","destinations":["nope"]}]}""", "pixels[0].destinations[0]", "names no destination 'nope'")]
    [InlineData("""{"pixels":[{"id":"123"},{"id":"123"}]}""", "pixels[1].id", "configured twice")]
    [InlineData("""{"pixels":[{"id":"123","events":{"purchase":""}}]}""", "pixels[0].events.purchase", "destination's event name")]
    [InlineData("""{"pixels":[{"id":"123","enabled":"yes"}]}""", "pixels[0].enabled", "true or false")]
    [InlineData("""{"pixel":[]}""", "pixel", "did you mean pixels?")]
    [InlineData("""{"domains":{"allow":["https://shop.example.com/"]}}""", "domains.allow[0]", "host name")]
    [InlineData("""{"domains":{"block":["*.com"]}}""", "domains.block[0]", "host name")]
    [InlineData("""{"destinations":[{"name":"m","type":"meta"}]}""", "destinations[0].accessToken", "required")]
    [InlineData("""{"destinations":[{"name":"m","type":"meta","accessToken":{"env":"A","ssm":"/b"}}]}""", "destinations[0].accessToken", "exactly one of env")]
    [InlineData("""{"destinations":[{"name":"m","type":"meta","accessToken":"t","apiVersion":"24"}]}""", "destinations[0].apiVersion", "v24.0")]
    [InlineData("""{"destinations":[{"name":"m","type":"meta","accessToken":"t","maxBatchEvents":1001}]}""", "destinations[0].maxBatchEvents", "1 to 1000")]
    [InlineData("""{"destinations":[{"name":"m","type":"meta","accessToken":"t","datasetId":"px-1"}]}""", "destinations[0].datasetId", "digits")]
    [InlineData("""{"destinations":[{"name":"m","type":"fax"}]}""", "destinations[0].type", "meta or webhook")]
    [InlineData("""{"destinations":[{"name":"Hook","type":"webhook","url":"https://h.example/","secret":"0123456789abcdef"}]}""", "destinations[0].name", "not a destination name")]
    [InlineData("""{"destinations":[{"name":"h","type":"webhook","url":"ftp://h.example/","secret":"0123456789abcdef"}]}""", "destinations[0].url", "http(s) URL")]
    [InlineData("""{"destinations":[{"name":"h","type":"webhook","url":"https://user:pw@h.example/","secret":"0123456789abcdef"}]}""", "destinations[0].url", "without credentials")]
    [InlineData("""{"destinations":[{"name":"h","type":"webhook","url":"https://h.example/","secret":"short"}]}""", "destinations[0].secret", "at least 16")]
    [InlineData("""{"destinations":[{"name":"h","type":"webhook","url":"https://h.example/","secret":"0123456789abcdef","accessToken":"x"}]}""", "destinations[0].accessToken", "unknown key")]
    // Events of a pixel go to its own id when the Meta destination has no dataset id, so the id must be Meta's.
    [InlineData("""{"pixels":[{"id":"shop","destinations":["m"]}],"destinations":[{"name":"m","type":"meta","accessToken":"t"}]}""", "pixels[0].destinations[0]", "set datasetId")]
    [InlineData("""[1,2]""", "$", "expected a JSON object")]
    [InlineData("""{"pixels": [""", "$", "not valid JSON")]
    public void A_problem_names_its_field_and_the_fix(string json, string field, string message)
    {
        var error = Assert.Throws<ForwardSettingsException>(() => ForwardSettingsJson.Parse(json));

        var problem = error.Problems[0];
        Assert.Equal(field, problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var error = Assert.Throws<ForwardSettingsException>(() => ForwardSettingsJson.Parse("""{"pixels":[{"id":""},{"id":"x","destinations":["y"]}],"bogus":1}"""));

        Assert.Equal(["bogus", "pixels[0].id", "pixels[1].destinations[0]"], error.Problems.Select(p => p.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Written_back_the_document_reads_the_same()
    {
        var settings = ForwardSettingsJson.Parse(Full);

        var again = ForwardSettingsJson.Parse(ForwardSettingsJson.ToJson(settings, revealSecrets: true));

        Assert.Equal(ForwardSettingsJson.ToJson(settings, revealSecrets: true), ForwardSettingsJson.ToJson(again, revealSecrets: true));
        Assert.Equal(settings.Destinations, again.Destinations);
        Assert.Equal(settings.Pixel("1234567890")!.PublishedEvents, again.Pixel("1234567890")!.PublishedEvents);
    }

    [Fact]
    public void Literal_secrets_are_hidden_on_output_and_kept_when_sent_back_hidden()
    {
        var current = ForwardSettingsJson.Parse(Full);

        var shown = ForwardSettingsJson.ToJson(current, revealSecrets: false);
        Assert.DoesNotContain("0123456789abcdef0123", shown, StringComparison.Ordinal);
        Assert.Contains("\"(hidden)\"", shown, StringComparison.Ordinal);
        // A reference to a variable is not a secret: it is shown.
        Assert.Contains("META_TOKEN", shown, StringComparison.Ordinal);

        var kept = ForwardSettingsJson.KeepHiddenSecrets(ForwardSettingsJson.Parse(shown), current);
        Assert.Equal("0123456789abcdef0123", kept.Destination("crm")!.Secret.Value);
    }

    [Fact]
    public void A_hidden_secret_for_a_new_destination_is_refused()
    {
        var incoming = ForwardSettingsJson.Parse("""{"destinations":[{"name":"new","type":"webhook","url":"https://h.example/","secret":"(hidden)"}]}""");

        var error = Assert.Throws<ForwardSettingsException>(() => ForwardSettingsJson.KeepHiddenSecrets(incoming, ForwardSettings.Empty));

        Assert.Equal("destinations[0].secret", error.Problems[0].Field);
    }
}
