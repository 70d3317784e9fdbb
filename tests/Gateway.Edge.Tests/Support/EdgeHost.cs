using System.Net.Sockets;
using System.Text;

namespace Gateway.Edge.Tests.Support;

/// <summary>A real Kestrel edge on 127.0.0.1 with an ephemeral port, backed by a <see cref="RecordingStream"/>.</summary>
internal sealed class EdgeHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private EdgeHost(EdgeServer server, RecordingStream stream)
    {
        Server = server;
        Stream = stream;
        BaseAddress = new Uri(server.Urls[0]);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public EdgeServer Server { get; }

    public RecordingStream Stream { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<EdgeHost> StartAsync(EdgeOptions? options = null)
    {
        var stream = new RecordingStream();
        var configured = (options ?? new EdgeOptions()) with { Url = "http://127.0.0.1:0" };
        var server = await EdgeServer.StartAsync(configured, stream, new FixedTime(Now));
        return new EdgeHost(server, stream);
    }

    /// <summary>Sends raw bytes on a fresh connection and returns whatever comes back (empty when the server just closes).</summary>
    public async Task<string> SendRawAsync(byte[] request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port);
        var network = tcp.GetStream();
        await network.WriteAsync(request);
        using var reader = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await network.CopyToAsync(reader, timeout.Token);
        return Encoding.Latin1.GetString(reader.ToArray());
    }

    /// <summary>The fields of the only record appended so far, split on tabs.</summary>
    public string[] SingleRecordFields() => Stream.SingleLine().Split('\t');

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
