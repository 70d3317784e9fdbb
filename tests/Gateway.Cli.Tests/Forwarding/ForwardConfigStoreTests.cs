using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;

namespace Gateway.Cli.Tests.Forwarding;

public sealed class ForwardConfigStoreTests : IDisposable
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gateway-forward-store-");

    [Fact]
    public void A_missing_file_or_section_is_empty_settings()
    {
        var missing = ForwardConfigStore.Open(Path.Combine(_dir.FullName, "absent.json"));
        var noSection = ForwardConfigStore.Open(ForwardSamples.WriteConfig(_dir, """{ "edge": { "location": "X" } }"""));

        Assert.Empty(missing.Current.Pixels);
        Assert.Empty(noSection.Current.Destinations);
        Assert.Equal(DropReasons.PixelNotConfigured, noSection.Router.Route(Row("shop", "purchase")).DropReason);
    }

    [Fact]
    public void The_forward_section_is_read_with_comments_and_trailing_commas()
    {
        var store = ForwardConfigStore.Open(ForwardSamples.WriteConfig(_dir));

        Assert.Equal(["shop"], store.Current.Pixels.Select(p => p.Id));
        Assert.Equal(ForwardSamples.MetaToken, store.Current.Destination("meta")!.Secret.Value);
        Assert.Equal("Purchase", Assert.Single(store.Router.Route(Row("shop", "purchase")).Routes).EventName);
    }

    [Theory]
    // A required field: named with the forward. prefix, like the other config keys.
    [InlineData("""{ "forward": { "pixels": [ { "name": "no id" } ] } }""", "forward.pixels[0].id: required")]
    [InlineData("""{ "forward": { "pixels": [ { "id": "shop", "destinations": ["nope"] } ] } }""", "forward.pixels[0].destinations[0]: names no destination 'nope'")]
    [InlineData("""{ "forward": { "pixles": [] } }""", "forward.pixles: unknown key")]
    [InlineData("""{ "forward": 5 }""", "forward: expected a JSON object")]
    // What the admin API shows for a secret is not a secret: a copied GET must not become the access token.
    [InlineData("""{ "forward": { "destinations": [ { "name": "meta", "type": "meta", "accessToken": "(hidden)" } ] } }""", "forward.destinations[0].accessToken: \"(hidden)\" stands for a hidden secret")]
    public void An_invalid_forward_section_is_a_config_error_naming_the_key(string file, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ForwardConfigStore.Open(ForwardSamples.WriteConfig(_dir, file)));

        Assert.Contains(ex.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_change_is_saved_and_a_new_store_reads_it_with_the_other_keys_unchanged()
    {
        var path = ForwardSamples.WriteConfig(_dir);
        var before = JsonNode.Parse(File.ReadAllText(path), documentOptions: Lenient)!.AsObject();
        var store = ForwardConfigStore.Open(path);

        var snapshot = store.Update(s => s with { Pixels = [.. s.Pixels, new PixelSettings("blog", null, true, ["hooks"], null)] }, store.Version);

        var reopened = ForwardConfigStore.Open(path);
        Assert.Equal(["shop", "blog"], reopened.Current.Pixels.Select(p => p.Id));
        Assert.Equal(ForwardSamples.WebhookKey, reopened.Current.Destination("hooks")!.Secret.Value);
        Assert.Equal(snapshot.Settings.Pixels.Select(p => p.Id), store.Current.Pixels.Select(p => p.Id));
        var after = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(before.Select(p => p.Key), after.Select(p => p.Key));
        foreach (var (key, value) in before.Where(p => p.Key != "forward"))
        {
            Assert.True(JsonNode.DeepEquals(value, after[key]), $"{key} changed: {after[key]?.ToJsonString()}");
        }

        // Still a gateway.json that `up` starts with.
        var config = GatewayConfig.Load(path, new Dictionary<string, string?>());
        Assert.Equal("FRA56-P1", config.Edge.EdgeLocation);
        Assert.Equal(2048, config.Edge.MaxBodyBytes);
    }

    [Fact]
    public void The_first_change_creates_the_file_owner_only()
    {
        var path = Path.Combine(_dir.FullName, "gateway.json");
        var store = ForwardConfigStore.Open(path);

        store.Update(_ => ForwardSettingsJson.Parse(ForwardSamples.Forward), null);

        Assert.Equal(["shop"], ForwardConfigStore.Open(path).Current.Pixels.Select(p => p.Id));
        if (!OperatingSystem.IsWindows())
        {
            // The file holds access tokens.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void A_save_leaves_no_temp_file_and_a_failed_save_keeps_the_old_settings_in_force()
    {
        var path = ForwardSamples.WriteConfig(_dir);
        var store = ForwardConfigStore.Open(path);
        store.Update(s => s with { ForwardBots = true }, null);
        Assert.Equal(["gateway.json"], _dir.GetFiles().Select(f => f.Name));
        var inForce = store.Snapshot;

        // The rename cannot replace a folder: the save fails after the temp file was written (tests run as root, so a
        // read-only folder would not stop the write).
        File.Delete(path);
        Directory.CreateDirectory(path);
        var ex = Record.Exception(() => store.Update(s => s with { Pixels = [] }, null));

        Assert.True(ex is IOException or UnauthorizedAccessException, ex?.ToString());
        Assert.Same(inForce, store.Snapshot);
        Assert.Equal("shop", Assert.Single(store.Current.Pixels).Id);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public void A_change_based_on_an_old_version_is_a_conflict_and_changes_nothing()
    {
        var store = ForwardConfigStore.Open(ForwardSamples.WriteConfig(_dir));
        var old = store.Version;
        store.Update(s => s with { ForwardBots = true }, old);

        var ex = Assert.Throws<ForwardConfigConflictException>(() => store.Update(s => s with { Pixels = [] }, old));

        Assert.Equal(old + 1, ex.Current);
        Assert.Single(store.Current.Pixels);
        Assert.Single(ForwardConfigStore.Open(store.Path).Current.Pixels);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_document_paths_and_nothing_is_written()
    {
        var path = ForwardSamples.WriteConfig(_dir);
        var store = ForwardConfigStore.Open(path);
        var file = File.ReadAllText(path);

        var ex = Assert.Throws<ForwardSettingsException>(() => store.Update(s => s with { Pixels = [new PixelSettings("shop", null, true, ["nope"], null)] }, null));

        Assert.Equal("pixels[0].destinations[0]", Assert.Single(ex.Problems).Field);
        Assert.Equal(file, File.ReadAllText(path));
        Assert.Equal(["meta"], store.Current.Pixels[0].Destinations);
    }

    [Fact]
    public void Changed_is_raised_with_the_new_snapshot_after_it_is_in_force()
    {
        var store = ForwardConfigStore.Open(ForwardSamples.WriteConfig(_dir));
        var seen = new List<(ForwardSnapshot Raised, ForwardSnapshot InForce)>();
        store.Changed += snapshot => seen.Add((snapshot, store.Snapshot));

        var result = store.Update(s => s with { Pixels = [] }, null);

        var (raised, inForce) = Assert.Single(seen);
        Assert.Same(result, raised);
        Assert.Same(result, inForce);
        Assert.Same(result.Settings, result.Router.Settings);
        Assert.Equal(DropReasons.PixelNotConfigured, store.Router.Route(Row("shop", "purchase")).DropReason);
    }

    [Fact]
    public void Forward_keys_in_the_file_are_not_unknown_config_keys_but_forward_variables_are_refused()
    {
        var path = ForwardSamples.WriteConfig(_dir);

        var config = GatewayConfig.Load(path, new Dictionary<string, string?>());
        var ex = Assert.Throws<ConfigException>(() => GatewayConfig.Load(path, new Dictionary<string, string?> { ["GATEWAY__FORWARD__FORWARDBOTS"] = "true" }));

        Assert.Equal("FRA56-P1", config.Edge.EdgeLocation);
        var problem = Assert.Single(ex.Problems);
        Assert.Contains("GATEWAY__FORWARD__FORWARDBOTS", problem, StringComparison.Ordinal);
        Assert.Contains("read from gateway.json only", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_up_with_an_invalid_forward_section_exits_2_naming_the_key()
    {
        var path = ForwardSamples.WriteConfig(_dir, """{ "edge": { "url": "http://127.0.0.1:0" }, "forward": { "pixels": [ { "name": "no id" } ] } }""");
        var cli = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir.FullName };
        foreach (var argument in new[] { cli, "up", "--config", path })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GATEWAY__DATADIR"] = Path.Combine(_dir.FullName, "data");
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}: {errors}");
        Assert.Contains("forward.pixels[0].id: required", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", await output, StringComparison.Ordinal);
    }

    private static EventRow Row(string pixel, string name) => new() { PixelId = pixel, EventName = name, PageHost = "shop.example.com" };

    public void Dispose() => _dir.Delete(recursive: true);
}
