using System.Globalization;
using System.Text;
using Gateway.Aws;
using Gateway.Aws.S3;
using Gateway.Aws.Ssm;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Lambda;

/// <content>Reading the function's configuration and building the handler once per execution environment.</content>
public sealed partial class ForwardHandler
{
    /// <summary>The forward settings as inline JSON (the <c>forward</c> object of <c>gateway.json</c>, or the whole file).</summary>
    public const string ConfigVariable = "GATEWAY_FORWARD_CONFIG";

    /// <summary>The name of the SSM parameter holding the forward settings (what the CDK app deploys).</summary>
    public const string ConfigParameterVariable = "GATEWAY_FORWARD_CONFIG_PARAMETER";

    /// <summary>Seconds between re-reads of the settings (default 60).</summary>
    public const string RefreshVariable = "GATEWAY_FORWARD_REFRESH_SECONDS";

    /// <summary>The bucket of the dead-letter store, the spill and the forward bad rows (required).</summary>
    public const string BucketVariable = "GATEWAY_FORWARD_BUCKET";

    /// <summary>The key prefix in that bucket (default <c>forward/</c>): <c>dlq/</c>, <c>spill/</c> and <c>bad-rows/</c> go under it.</summary>
    public const string PrefixVariable = "GATEWAY_FORWARD_PREFIX";

    /// <summary>Seconds a record is retried through the stream before its undelivered events go to the spill (default 3600).</summary>
    public const string MaxRetryAgeVariable = "GATEWAY_FORWARD_MAX_RETRY_AGE_SECONDS";

    /// <summary>An S3-API endpoint to use instead of the regional AWS one.</summary>
    public const string S3EndpointVariable = "S3_ENDPOINT";

    /// <summary>An SSM-API endpoint to use instead of the regional AWS one.</summary>
    public const string SsmEndpointVariable = "SSM_ENDPOINT";

    private const string DefaultPrefix = "forward/";

    /// <summary>The factory behind <c>_HANDLER=forward</c>: reads the configuration named above, loads the rule sets and checks inline settings.</summary>
    /// <remarks>
    /// Also reads the enrich handler's <see cref="EnrichHandler.SecretVariable"/> (required: visitor ids must match the
    /// lake's), <see cref="EnrichHandler.FieldsVariable"/> and <see cref="EnrichHandler.DedupWindowVariable"/>. Settings
    /// from SSM are read on the first invocation, which fails (and is retried) until they are valid.
    /// </remarks>
    public static ILambdaHandler Create(LambdaInitContext init)
    {
        ArgumentNullException.ThrowIfNull(init);
        var environment = init.Environment;
        var visitors = EnrichHandler.ReadVisitorIds(environment, HandlerNames.Forward);
        var fields = EnrichHandler.ReadFields(environment, HandlerNames.Forward);
        var window = EnrichHandler.ReadDedupWindow(environment);
        var bucket = init.RequireVariable(BucketVariable);
        var prefix = ReadPrefix(environment);
        var refresh = TimeSpan.FromSeconds(ReadSeconds(environment, RefreshVariable, 60, 1, 3600));
        var maxRetryAge = TimeSpan.FromSeconds(ReadSeconds(environment, MaxRetryAgeVariable, 3600, 60, 7 * 86_400));
        var region = environment.Get("AWS_REGION");
        var ssmEndpoint = ReadEndpoint(environment, SsmEndpointVariable);
        var s3Endpoint = ReadEndpoint(environment, S3EndpointVariable);

        var ssm = new SsmClient(new SsmClientOptions { Region = region, ServiceUrl = ssmEndpoint }, init.Time);
        var control = ReadControl(init, () => ssm, refresh, required: true)!;
        var enricher = new EventEnricher(EnrichHandler.LoadResources(HandlerNames.Forward), visitors, new EnricherOptions { Fields = fields });
        var s3 = new S3ObjectStore(new S3ObjectStoreOptions { Region = region, ServiceUrl = s3Endpoint, RequestTimeout = TimeSpan.FromSeconds(30) });
        var deadLetters = new S3DeliveryStore(s3, bucket, prefix + "dlq/", init.Time);
        var spill = new S3DeliveryStore(s3, bucket, prefix + "spill/", init.Time);
        var http = ForwardDestinations.CreateHttpClient();
        init.Logger.Info($"forward: settings from {control.Source} (re-read every {refresh.TotalSeconds:0} s), dead letters in {deadLetters.Location}, spill in {spill.Location}, records retried through the stream for {maxRetryAge.TotalMinutes:0} min, dedup window {window.TotalSeconds:0} s");
        return new ForwardHandler(
            enricher,
            new EventIdDeduplicator(init.Time, window),
            control,
            http,
            deadLetters,
            spill,
            (rows, ct) => WriteBadRowsAsync(s3, bucket, prefix + "bad-rows/", rows, init.Time, ct),
            new ForwardHandlerOptions { MaxRetryAge = maxRetryAge },
            init.Time);
    }

    /// <summary>
    /// The key of a batch of forward bad rows: Hive partitions of the hour written, like the lake's <c>bad_rows</c>
    /// (<c>{prefix}year=YYYY/month=MM/day=DD/hour=HH/{id}.jsonl</c>).
    /// </summary>
    public static string BadRowKey(string prefix, DateTimeOffset now, long sequence)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var utc = now.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}year={utc:yyyy}/month={utc:MM}/day={utc:dd}/hour={utc:HH}/{DeliveryBatchFormat.NewBatchId(now, sequence)}");
    }

    private static long _badRowBatches;

    private static async Task WriteBadRowsAsync(S3ObjectStore s3, string bucket, string prefix, IReadOnlyList<BadRow> rows, TimeProvider time, CancellationToken cancellationToken)
    {
        var body = new StringBuilder();
        foreach (var row in rows)
        {
            body.Append(Encoding.UTF8.GetString(EventRowJson.ToUtf8(row))).Append('\n');
        }

        await s3.PutAsync(bucket, BadRowKey(prefix, time.GetUtcNow(), Interlocked.Increment(ref _badRowBatches)), Encoding.UTF8.GetBytes(body.ToString()), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The control plane named by <see cref="ConfigVariable"/> or <see cref="ConfigParameterVariable"/>; null when neither is set and it is not <paramref name="required"/>.</summary>
    /// <param name="init">The init context.</param>
    /// <param name="ssm">Reads the settings parameter (and SSM secrets when <paramref name="readSecrets"/>).</param>
    /// <param name="refresh">How often the settings are re-read.</param>
    /// <param name="required">Whether one of the two variables must be set.</param>
    /// <param name="readSecrets">Whether destinations' SSM secrets are read (not by readers of the domain rules only).</param>
    internal static ForwardControl? ReadControl(LambdaInitContext init, Func<SsmClient> ssm, TimeSpan refresh, bool required, bool readSecrets = true)
    {
        var inline = init.Environment.Get(ConfigVariable);
        var parameter = init.Environment.Get(ConfigParameterVariable);
        if (!required && string.IsNullOrWhiteSpace(inline) && string.IsNullOrWhiteSpace(parameter))
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(inline) == string.IsNullOrWhiteSpace(parameter))
        {
            throw new LambdaConfigurationException(
                $"Set exactly one of {ConfigVariable} (the forward settings as JSON) or {ConfigParameterVariable} (the name of the SSM parameter holding them); {(string.IsNullOrWhiteSpace(inline) ? "neither is set" : "both are set")}.");
        }

        var readSecret = readSecrets ? SecretReader(ssm()) : null;

        if (!string.IsNullOrWhiteSpace(inline))
        {
            try
            {
                ForwardSettingsJson.ParseDocument(inline);
            }
            catch (ForwardSettingsException e)
            {
                throw new LambdaConfigurationException($"{ConfigVariable} is not valid forward settings: {string.Join("; ", e.Problems)}", e);
            }

            return new ForwardControl($"environment variable {ConfigVariable}", _ => Task.FromResult(inline), readSecret, init.Environment, refresh, init.Time);
        }

        var client = ssm();
        return new ForwardControl(
            $"SSM parameter {parameter}",
            async ct => (await client.GetParameterAsync(parameter!, withDecryption: true, ct).ConfigureAwait(false)).Value,
            readSecret,
            init.Environment,
            refresh,
            init.Time);
    }

    /// <summary>Reads a parameter's decrypted value with <paramref name="ssm"/>; null when there is no such parameter (other errors throw).</summary>
    internal static Func<string, CancellationToken, Task<string?>> SecretReader(SsmClient ssm) => async (name, cancellationToken) =>
    {
        try
        {
            return (await ssm.GetParameterAsync(name, withDecryption: true, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (AwsServiceException e) when (e.ErrorCode == "ParameterNotFound")
        {
            return null;
        }
    };

    private static string ReadPrefix(IEnvironmentVariables environment)
    {
        var value = environment.Get(PrefixVariable);
        if (value is null)
        {
            return DefaultPrefix;
        }

        if (value.Length > 0 && (!value.EndsWith('/') || value.StartsWith('/') || value.Contains("//", StringComparison.Ordinal)))
        {
            throw new LambdaConfigurationException($"{PrefixVariable} is '{value}'; set it to a key prefix ending in '/' without a leading '/', e.g. {DefaultPrefix}, or to empty for the bucket's root.");
        }

        return value;
    }

    private static int ReadSeconds(IEnvironmentVariables environment, string name, int fallback, int min, int max)
    {
        var value = environment.Get(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= min && seconds <= max
            ? seconds
            : throw new LambdaConfigurationException($"{name} is '{value}'; set it to a whole number of seconds from {min} to {max} (default {fallback}).");
    }

    internal static Uri? ReadEndpoint(IEnvironmentVariables environment, string name)
    {
        var value = environment.Get(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new LambdaConfigurationException($"{name} is '{value}'; set it to an http(s) URL or remove it to use the regional endpoint.");
    }
}
