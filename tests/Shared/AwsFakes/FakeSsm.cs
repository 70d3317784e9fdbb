using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Aws;
using Gateway.Aws.Ssm;

namespace Gateway.Tests.Shared;

/// <summary>
/// Parameter Store's GetParameter behind a <see cref="FakeJson11Server"/>: parameters live in memory with every
/// version; a name may carry a <c>:version</c> selector or be the parameter's ARN. A missing parameter is an HTTP 400
/// ParameterNotFound with no message (as Parameter Store sends it), a missing version ParameterVersionNotFound (the fake
/// knows no labels, so a label selector gets that too). A SecureString read without decryption answers a stand-in
/// ciphertext, never the plaintext. The fake can be told to refuse every read with AccessDeniedException, to throttle
/// the next reads, or to treat a SecureString's KMS key as unusable (InvalidKeyId on a decrypting read).
/// </summary>
internal sealed class FakeSsm : IAsyncDisposable
{
    public const string Region = "eu-west-1";
    public const string Account = "111122223333";

    /// <summary>When the first version of a parameter was written unless a test says otherwise: 1700000000.123 in epoch seconds.</summary>
    public static DateTimeOffset DefaultLastModified { get; } = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Stored>> _parameters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _brokenKeys = new(StringComparer.Ordinal);
    private bool _denyAll;
    private int _throttled;

    private FakeSsm()
    {
    }

    public FakeJson11Server Server { get; private set; } = null!;

    public static async Task<FakeSsm> StartAsync()
    {
        var fake = new FakeSsm();
        fake.Server = await FakeJson11Server.StartAsync(SsmClient.SigningName, SsmClient.TargetPrefix, Region, TestAws.Credentials, fake.Respond);
        return fake;
    }

    /// <summary>The ARN Parameter Store gives <paramref name="name"/>: a hierarchical name keeps its leading '/'.</summary>
    public static string ArnOf(string name) => $"arn:aws:ssm:{Region}:{Account}:parameter{(name.StartsWith('/') ? "" : "/")}{name}";

    /// <summary>The stand-in for the KMS ciphertext a SecureString read without decryption returns (base64, like the real one).</summary>
    public static string CiphertextOf(string value) => "AQICAH" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Writes a new version of the parameter, as PutParameter --overwrite would, and returns its number.</summary>
    public long Put(string name, string value, string type = "String", DateTimeOffset? lastModified = null)
    {
        lock (_gate)
        {
            if (!_parameters.TryGetValue(name, out var versions))
            {
                versions = [];
                _parameters[name] = versions;
            }

            versions.Add(new Stored(type, value, lastModified ?? DefaultLastModified.AddSeconds(versions.Count)));
            return versions.Count;
        }
    }

    /// <summary>Every read answers AccessDeniedException, as for a role without ssm:GetParameter.</summary>
    public void DenyAccess()
    {
        lock (_gate)
        {
            _denyAll = true;
        }
    }

    /// <summary>The next <paramref name="count"/> reads answer ThrottlingException ("Rate exceeded").</summary>
    public void Throttle(int count)
    {
        lock (_gate)
        {
            _throttled = count;
        }
    }

    /// <summary>The KMS key of SecureString <paramref name="name"/> is unusable: a decrypting read answers InvalidKeyId.</summary>
    public void BreakKey(string name)
    {
        lock (_gate)
        {
            _brokenKeys.Add(name);
        }
    }

    /// <summary>A client for this fake, signing with the test account's keys at <see cref="TestAws.SigningTime"/>; it owns its HttpClient.</summary>
    public SsmClient Client() =>
        new(
            new SsmClientOptions { Region = Region, ServiceUrl = Server.Endpoint, Credentials = new StaticCredentialsProvider(TestAws.Credentials) },
            new FakeTimeProvider(TestAws.SigningTime));

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static (string Name, string? Selector) SplitSelector(string name)
    {
        // "name:3" or "arn:…:parameter/name:3"; the colons inside an ARN are not selectors.
        var colon = name.LastIndexOf(':');
        var isArn = name.StartsWith("arn:", StringComparison.Ordinal);
        if (colon < 0 || (isArn && !name[..colon].Contains(":parameter", StringComparison.Ordinal)))
        {
            return (name, null);
        }

        return (name[..colon], name[(colon + 1)..]);
    }

    private Json11Reply Respond(Json11Call call)
    {
        if (call.Operation != "GetParameter")
        {
            return Json11Reply.Error("UnknownOperationException", $"{call.Operation} is not an SSM operation this fake knows");
        }

        lock (_gate)
        {
            if (_throttled > 0)
            {
                _throttled--;
                return Json11Reply.Error("ThrottlingException", "Rate exceeded");
            }

            var requested = (string?)call.Body["Name"];
            if (string.IsNullOrEmpty(requested))
            {
                return Json11Reply.Error("ValidationException", "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
            }

            var (name, selector) = SplitSelector(requested);
            if (name.StartsWith("arn:", StringComparison.Ordinal))
            {
                name = _parameters.Keys.FirstOrDefault(n => ArnOf(n) == name) ?? name;
            }

            if (_denyAll)
            {
                return Json11Reply.Error(
                    "AccessDeniedException",
                    $"User: arn:aws:sts::{Account}:assumed-role/gateway-reader/session is not authorized to perform: ssm:GetParameter on resource: {ArnOf(name)} "
                    + "because no identity-based policy allows the ssm:GetParameter action");
            }

            if (!_parameters.TryGetValue(name, out var versions))
            {
                return new Json11Reply(HttpStatusCode.BadRequest, new JsonObject { ["__type"] = "ParameterNotFound" }.ToJsonString());
            }

            var version = versions.Count;
            if (selector is not null && (!int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out version) || version < 1 || version > versions.Count))
            {
                return Json11Reply.Error("ParameterVersionNotFound", $"Systems Manager could not find version {selector} of {name}. Verify the version and try again.");
            }

            var stored = versions[version - 1];
            var decrypt = (bool?)call.Body["WithDecryption"] ?? false;
            var secure = stored.Type == SsmParameter.SecureStringType;
            if (secure && decrypt && _brokenKeys.Contains(name))
            {
                return Json11Reply.Error("InvalidKeyId", $"The KMS key used to encrypt {name} is disabled.");
            }

            var parameter = new JsonObject
            {
                ["Name"] = name,
                ["Type"] = stored.Type,
                ["Value"] = secure && !decrypt ? CiphertextOf(stored.Value) : stored.Value,
                ["Version"] = version,
                // Epoch seconds with the millisecond fraction, written from a decimal so no binary rounding shows.
                ["LastModifiedDate"] = (decimal)stored.LastModified.ToUnixTimeMilliseconds() / 1000m,
                ["ARN"] = ArnOf(name),
                ["DataType"] = "text",
            };
            if (selector is not null)
            {
                parameter["Selector"] = ":" + selector;
            }

            return Json11Reply.Ok(new JsonObject { ["Parameter"] = parameter });
        }
    }

    private sealed record Stored(string Type, string Value, DateTimeOffset LastModified);
}
