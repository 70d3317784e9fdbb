using Gateway.Aws.Ssm;
using Gateway.Lambda.Tests.Support;
using Gateway.Processing.Forwarding;
using Gateway.Tests.Shared;

namespace Gateway.Lambda.Tests;

/// <summary>The forward Lambda's control plane: settings from their source, re-read on an interval, secrets from SSM (through the SigV4-checking fake).</summary>
public sealed class ForwardControlTests : IAsyncLifetime
{
    private const string TokenParameter = "/gateway/meta-token";
    private readonly FakeTimeProvider _time = new();
    private readonly StringWriter _log = new();
    private FakeSsm _ssm = null!;
    private SsmClient _client = null!;

    public async Task InitializeAsync()
    {
        _ssm = await FakeSsm.StartAsync();
        _client = _ssm.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _ssm.DisposeAsync();
    }

    [Fact]
    public async Task Settings_are_read_once_per_interval_and_secrets_come_decrypted_from_ssm()
    {
        _ssm.Put(TokenParameter, "EAAB-first", SsmParameter.SecureStringType);
        var reads = 0;
        var control = Control(() =>
        {
            reads++;
            return Settings(TokenParameter);
        });

        var first = await control.GetAsync(Logger, default);
        _time.Advance(TimeSpan.FromSeconds(59));
        var same = await control.GetAsync(Logger, default);

        Assert.Same(first, same);
        Assert.Equal(1, reads);
        Assert.Equal("EAAB-first", first.Secret(first.Settings.Destinations[0].Secret));
        Assert.Empty(_ssm.Server.Rejections);

        // The token is rotated in SSM: after the interval the new value is in force, and the senders must be rebuilt.
        _ssm.Put(TokenParameter, "EAAB-second", SsmParameter.SecureStringType);
        _time.Advance(TimeSpan.FromSeconds(1));
        var rotated = await control.GetAsync(Logger, default);

        Assert.Equal(2, reads);
        Assert.Equal("EAAB-second", rotated.Secret(rotated.Settings.Destinations[0].Secret));
        Assert.True(rotated.SecretsDifferFrom(first));
        Assert.Same(first.Router, rotated.Router);
        Assert.DoesNotContain("EAAB", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_resolves_to_nothing_so_its_events_are_dead_lettered_with_the_fix()
    {
        var control = Control(() => Settings("/gateway/not-there"));

        var state = await control.GetAsync(Logger, default);

        Assert.Null(state.Secret(state.Settings.Destinations[0].Secret));
    }

    [Fact]
    public async Task The_first_load_must_succeed_and_an_invalid_document_names_the_field()
    {
        var control = Control(() => """{"pixels":[{"id":"1","destinations":["nope"]}],"destinations":[]}""");

        var error = await Assert.ThrowsAsync<ForwardSettingsException>(() => control.GetAsync(Logger, default));

        Assert.Contains(error.Problems, p => p.Field == "pixels[0].destinations[0]" && p.Message.Contains("nope", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_first_secret_fails_but_a_later_failure_keeps_what_is_in_force()
    {
        _ssm.Put(TokenParameter, "EAAB-first", SsmParameter.SecureStringType);
        var document = Settings(TokenParameter);
        var control = Control(() => document);
        _ssm.DenyAccess();

        var first = await Assert.ThrowsAsync<InvalidOperationException>(() => control.GetAsync(Logger, default));
        Assert.Contains(TokenParameter, first.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAB", first.Message, StringComparison.Ordinal);

        await using var ssm = await FakeSsm.StartAsync();
        ssm.Put(TokenParameter, "EAAB-first", SsmParameter.SecureStringType);
        using var client = ssm.Client();
        var healthy = Control(() => document, client);
        var loaded = await healthy.GetAsync(Logger, default);
        ssm.DenyAccess();
        document = "{ not json";
        _time.Advance(TimeSpan.FromMinutes(2));

        var kept = await healthy.GetAsync(Logger, default);

        Assert.Same(loaded.Settings, kept.Settings);
        Assert.Contains("the previous ones stay in force", _log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_gateway_json_is_read_for_its_forward_object()
    {
        var settings = ForwardSettingsJson.ParseDocument($$"""{ "edge": { "port": 8080 }, "forward": {{Settings(TokenParameter)}} }""");

        Assert.Equal("meta", Assert.Single(settings.Destinations).Name);
    }

    private LambdaLogger Logger => new LambdaLogger(_log, _time).ForRequest("req-1");

    private ForwardControl Control(Func<string> read, SsmClient? client = null) =>
        new("test", _ => Task.FromResult(read()), ForwardHandler.SecretReader(client ?? _client), new FakeEnvironment(), TimeSpan.FromSeconds(60), _time);

    private static string Settings(string tokenParameter) => $$"""
        {
          "pixels": [{ "id": "1234567890", "destinations": ["meta"] }],
          "destinations": [{ "name": "meta", "type": "meta", "accessToken": { "ssm": "{{tokenParameter}}" } }]
        }
        """;
}
