using System.Globalization;
using System.Security.Cryptography;
using Gateway.Processing;
using Gateway.Processing.Enrichment;

namespace Gateway.Lambda;

/// <content>Reading the function's configuration and building the enricher once per execution environment.</content>
public sealed partial class EnrichHandler
{
    /// <summary>The visitor-id secret: base64 of at least <see cref="VisitorIds.MinSecretBytes"/> random bytes (required).</summary>
    public const string SecretVariable = "GATEWAY_VISITOR_SECRET";

    /// <summary>The real-time log fields, comma-separated CloudFront names in canonical order (optional).</summary>
    public const string FieldsVariable = "GATEWAY_RT_LOG_FIELDS";

    /// <summary>How long an event id is remembered, in seconds (optional).</summary>
    public const string DedupWindowVariable = "GATEWAY_DEDUP_WINDOW_SECONDS";

    private const string SecretFix = "set it to the base64 of at least 32 random bytes, e.g. the output of `openssl rand -base64 48`";

    // A day bounds memory (the deduplicator holds at most its capacity anyway) and is far beyond any retry delay.
    private const int MaxDedupWindowSeconds = 86_400;

    /// <summary>The factory behind <c>_HANDLER=enrich</c>: reads the configuration named above and loads the rule sets.</summary>
    /// <remarks>
    /// <see cref="SecretVariable"/> is required; <see cref="FieldsVariable"/> defaults to
    /// <see cref="RealtimeLogFields.Default"/> and must match the CloudFront real-time log configuration;
    /// <see cref="DedupWindowVariable"/> defaults to 600. The secret's value never appears in a message or the log.
    /// </remarks>
    public static ILambdaHandler Create(LambdaInitContext init)
    {
        ArgumentNullException.ThrowIfNull(init);
        // The cheap checks come first, so a misconfigured function fails its init before the rule sets are compiled.
        var visitors = ReadVisitorIds(init.Environment, HandlerNames.Enrich);
        var fields = ReadFields(init.Environment, HandlerNames.Enrich);
        var window = ReadDedupWindow(init.Environment);
        // Optional: with the forward settings, events on a domain they block or do not allow are stored with a note.
        var control = ForwardHandler.ReadControl(
            init,
            () => new Gateway.Aws.Ssm.SsmClient(new Gateway.Aws.Ssm.SsmClientOptions { Region = init.Environment.Get("AWS_REGION"), ServiceUrl = ForwardHandler.ReadEndpoint(init.Environment, ForwardHandler.SsmEndpointVariable) }, init.Time),
            TimeSpan.FromSeconds(60),
            required: false,
            readSecrets: false);
        var flags = control is null ? null : new Internal.DomainFlags(control);
        var enricher = new EventEnricher(LoadResources(HandlerNames.Enrich), visitors, new EnricherOptions { Fields = fields, Flag = flags is null ? null : flags.Note });
        init.Logger.Info($"enrich: {fields.Count} real-time log fields, dedup window {window.TotalSeconds:0} s, response budget {DefaultResponseBudget} bytes"
            + (control is null ? "" : $", domain notes from the forward settings in {control.Source}"));
        return new EnrichHandler(enricher, new EventIdDeduplicator(init.Time, window), init.Time) { Flags = flags };
    }

    /// <summary>The visitor-id secret of <see cref="SecretVariable"/>; <paramref name="handler"/> names the reader in messages.</summary>
    internal static VisitorIds ReadVisitorIds(IEnvironmentVariables environment, string handler)
    {
        var value = environment.Get(SecretVariable)?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            throw new LambdaConfigurationException($"{SecretVariable} is not set; the {handler} handler derives visitor ids with it; {SecretFix}.");
        }

        var secret = new byte[value.Length];
        try
        {
            if (!Convert.TryFromBase64String(value, secret, out var length))
            {
                throw new LambdaConfigurationException($"{SecretVariable} is not valid base64 ({value.Length} characters; the value is not shown); {SecretFix}.");
            }

            try
            {
                return new VisitorIds(secret.AsSpan(0, length));
            }
            catch (ArgumentException e)
            {
                throw new LambdaConfigurationException($"{SecretVariable} decodes to {length} bytes; {SecretFix}.", e);
            }
        }
        finally
        {
            // VisitorIds keeps its own copy.
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The real-time log fields of <see cref="FieldsVariable"/>, or the default.</summary>
    internal static IReadOnlyList<RealtimeLogField> ReadFields(IEnvironmentVariables environment, string handler)
    {
        var value = environment.Get(FieldsVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return RealtimeLogFields.Default;
        }

        IReadOnlyList<RealtimeLogField> fields;
        try
        {
            fields = RealtimeLogFields.ParseList(value.Split(','));
        }
        catch (FormatException e)
        {
            throw new LambdaConfigurationException(
                $"{FieldsVariable} is '{value}': {e.Message}. Set it to the field list of the CloudFront real-time log configuration, or remove it for the default.", e);
        }

        // Without these every line would be a bad row: the timestamp dates the event, the query carries the tag.
        foreach (var required in (ReadOnlySpan<RealtimeLogField>)[RealtimeLogField.Timestamp, RealtimeLogField.UriQuery])
        {
            if (!fields.Contains(required))
            {
                throw new LambdaConfigurationException(
                    $"{FieldsVariable} is '{value}' and lacks '{RealtimeLogFields.NameOf(required)}', which the {handler} handler needs; add it to the real-time log configuration and to this list.");
            }
        }

        return fields;
    }

    /// <summary>The dedup window of <see cref="DedupWindowVariable"/>, or the default.</summary>
    internal static TimeSpan ReadDedupWindow(IEnvironmentVariables environment)
    {
        var value = environment.Get(DedupWindowVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return EventIdDeduplicator.DefaultWindow;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > MaxDedupWindowSeconds)
        {
            throw new LambdaConfigurationException(
                $"{DedupWindowVariable} is '{value}'; set it to a whole number of seconds from 1 to {MaxDedupWindowSeconds} (default {EventIdDeduplicator.DefaultWindow.TotalSeconds:0}).");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The enricher's rule sets, or an init error naming what is missing.</summary>
    internal static EnricherResources LoadResources(string handler)
    {
        // Processing finds tools/node_modules by searching above the binaries for Gateway.sln, which is where every
        // build in the repository has it; a missing file is a packaging problem that Lambda should show at init.
        try
        {
            return EnricherResources.Load();
        }
        catch (IOException e)
        {
            throw new LambdaConfigurationException(
                $"The {handler} handler cannot load its rule sets (uap-core, crawler-user-agents, the Public Suffix List): {e.Message} In the repository, run tools/install.sh; a deployment must ship tools/node_modules/uap-core, crawler-user-agents and psl where that loader looks.", e);
        }
    }
}
