namespace Gateway.Cli.Tests.Forwarding;

/// <summary>Forward documents and gateway.json files for the store and admin API tests. The URLs are never contacted.</summary>
internal static class ForwardSamples
{
    public const string MetaToken = "EAAB-meta-access-token-for-tests-0001";
    public const string WebhookKey = "webhook-hmac-key-for-tests-000000001";

    /// <summary>Pixel shop → meta; destinations meta (index 0) and hooks (index 1); an allow list.</summary>
    public const string Forward = $$"""
        {
          "pixels": [
            { "id": "shop", "name": "Shop", "destinations": ["meta"], "events": { "purchase": "Purchase", "pageview": "PageView" } }
          ],
          "domains": { "allow": ["shop.example.com"], "block": ["*.staging.example.com"] },
          "destinations": [
            { "name": "meta", "type": "meta", "accessToken": "{{MetaToken}}", "datasetId": "123456789012" },
            { "name": "hooks", "type": "webhook", "url": "https://hooks.example.com/gateway", "secret": "{{WebhookKey}}" }
          ]
        }
        """;

    /// <summary>A gateway.json with other sections (and a comment) around <see cref="Forward"/>.</summary>
    public const string ConfigFile = $$"""
        {
          // the edge of the test
          "dataDir": "data",
          "edge": { "location": "FRA56-P1", "allowedOrigins": ["https://a.example", "https://b.example"], "maxBodyBytes": 2048 },
          "forward": {{Forward}},
          "lake": { "bufferSeconds": 30, "codec": "gzip" },
        }
        """;

    /// <summary>A temp folder holding <paramref name="content"/> as gateway.json; returns the file's path.</summary>
    public static string WriteConfig(DirectoryInfo directory, string content = ConfigFile)
    {
        var path = Path.Combine(directory.FullName, "gateway.json");
        File.WriteAllText(path, content);
        return path;
    }
}
