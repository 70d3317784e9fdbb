using System.Globalization;
using Gateway.Aws;
using Gateway.Aws.S3;
using Gateway.Tests.Shared;

namespace Gateway.Tests.S3;

/// <summary>
/// One s3rver (an S3-API server written by someone else) on an ephemeral 127.0.0.1 port with its objects in a temp
/// folder, shared by the tests of one class (<c>IClassFixture&lt;S3rver&gt;</c>) and stopped after them. The bucket
/// <see cref="Bucket"/> exists from the start.
/// </summary>
/// <remarks>
/// Needs node and tools/node_modules/s3rver (./test.sh installs both); when either is missing every test of the class
/// fails with that message rather than being skipped, so a broken set-up cannot pass as green.
/// </remarks>
public sealed class S3rver : IAsyncLifetime
{
    /// <summary>The bucket the server is started with.</summary>
    public const string Bucket = "gateway-lake";

    private readonly DirectoryInfo _storage = Directory.CreateTempSubdirectory("gateway-s3rver-");
    private NodeServer? _server;

    /// <summary>The server's URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The only key pair s3rver accepts (it checks signatures).</summary>
    public static AwsCredentials Credentials { get; } = new("S3RVER", "S3RVER");

    /// <summary>Where the server keeps its objects on disk.</summary>
    public string StorageDirectory => _storage.FullName;

    /// <summary>A store for this server: its endpoint, path-style addressing, static keys; <paramref name="configure"/> adjusts the rest.</summary>
    public S3ObjectStore CreateStore(Func<S3ObjectStoreOptions, S3ObjectStoreOptions>? configure = null)
    {
        var options = new S3ObjectStoreOptions { ServiceUrl = Endpoint, Region = "us-east-1", ForcePathStyle = true, MaxErrorRetry = 0 };
        return new S3ObjectStore(configure is null ? options : configure(options), Credentials);
    }

    public async Task InitializeAsync()
    {
        _server = await NodeServer.StartAsync("s3rver", "s3rver-launcher.js", Path.Combine("tests", "Gateway.Aws.Tests", "S3"), _storage.FullName, Bucket);
        Endpoint = _server.Endpoint;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _storage.Delete(recursive: true);
    }
}
