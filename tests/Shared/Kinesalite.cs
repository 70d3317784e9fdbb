using System.Globalization;
using Gateway.Aws;

namespace Gateway.Tests.Shared;

/// <summary>
/// One in-memory kinesalite server (a Kinesis-API server written by someone else) on an ephemeral 127.0.0.1 port,
/// shared by the tests of one class (<c>IClassFixture&lt;Kinesalite&gt;</c>) and stopped after them.
/// </summary>
/// <remarks>
/// Needs node and tools/node_modules/kinesalite (./test.sh installs both); when either is missing every test of the
/// class fails with that message rather than being skipped, so a broken set-up cannot pass as green.
/// </remarks>
public sealed class Kinesalite : IAsyncLifetime
{
    private NodeServer? _server;
    private int _streams;

    /// <summary>The server's URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>kinesalite checks that requests are signed, not the signature, so any keys do.</summary>
    public static AwsCredentials Credentials { get; } = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    /// <summary>A client for this server with static credentials, region us-east-1.</summary>
    public KinesisClient CreateClient(TimeProvider? time = null, HttpClient? http = null) =>
        new(new KinesisClientOptions { Region = "us-east-1", ServiceUrl = Endpoint, StatusPollInterval = TimeSpan.FromMilliseconds(20) }, http, new StaticCredentialsProvider(Credentials), time);

    /// <summary>A stream name no other test of this server uses.</summary>
    public string NewStreamName(string prefix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Interlocked.Increment(ref _streams)}");

    /// <summary>Creates a stream and waits until it is ACTIVE.</summary>
    public static async Task<StreamDescriptionSummary> CreateStreamAsync(KinesisClient client, string name, int shards)
    {
        await client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = shards });
        return await client.WaitForStreamActiveAsync(name, TimeSpan.FromSeconds(30));
    }

    public async Task InitializeAsync()
    {
        _server = await NodeServer.StartAsync("kinesalite", "kinesalite-launcher.js", Path.Combine("tests", "Shared"));
        Endpoint = _server.Endpoint;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
