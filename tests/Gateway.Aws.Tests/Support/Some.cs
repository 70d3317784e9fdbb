using System.Buffers.Binary;
using System.Globalization;
using Gateway.Tests.Shared;

namespace Gateway.Aws.Tests.Support;

/// <summary>Deterministic test data: each numeric id maps to a partition key and a payload that carries the id.</summary>
internal static class Some
{
    /// <summary>The date of AWS's published SigV4 test vectors, where the fake clock starts.</summary>
    public static DateTimeOffset SigningTime => TestAws.SigningTime;

    public static AwsCredentials Credentials => TestAws.Credentials;

    public static string PartitionKey(long id) => "user-" + (id % 997).ToString(CultureInfo.InvariantCulture);

    /// <summary>8 bytes of id, then 0..99 filler bytes derived from it.</summary>
    public static byte[] Payload(long id)
    {
        var payload = new byte[8 + (int)(id % 100)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, id);
        for (var i = 8; i < payload.Length; i++)
        {
            payload[i] = (byte)((id * 31) + i);
        }

        return payload;
    }

    public static long PayloadId(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadInt64LittleEndian(payload);

    public static PutRecordsRequestEntry Entry(long id) => new() { PartitionKey = PartitionKey(id), Data = Payload(id) };

    public static List<PutRecordsRequestEntry> Entries(int count) => Enumerable.Range(0, count).Select(i => Entry(i)).ToList();

    /// <summary>A client against <paramref name="handler"/> with static credentials at a fixed endpoint.</summary>
    public static KinesisClient Client(HttpMessageHandler handler, TimeProvider? time = null, AwsCredentials? credentials = null) =>
        new(
            new KinesisClientOptions { Region = "eu-west-1", ServiceUrl = new Uri("http://127.0.0.1:4567/") },
            new HttpClient(handler),
            new StaticCredentialsProvider(credentials ?? Credentials),
            time);
}
