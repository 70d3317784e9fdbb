using System.Text;
using System.Text.Json;

namespace Gateway.Processing.Forwarding;

/// <content>Writing the document back: for the file the admin API saves and for what it shows.</content>
public static partial class ForwardSettingsJson
{
    /// <summary>The document as indented JSON; literal secrets read <see cref="HiddenSecret"/> unless <paramref name="revealSecrets"/>.</summary>
    public static string ToJson(ForwardSettings settings, bool revealSecrets)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, settings, revealSecrets);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the document; literal secrets are written as <see cref="HiddenSecret"/> unless <paramref name="revealSecrets"/>.</summary>
    public static void Write(Utf8JsonWriter writer, ForwardSettings settings, bool revealSecrets)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(settings);
        writer.WriteStartObject();
        writer.WriteStartArray("pixels");
        foreach (var pixel in settings.Pixels)
        {
            writer.WriteStartObject();
            writer.WriteString("id", pixel.Id);
            if (pixel.Name is not null)
            {
                writer.WriteString("name", pixel.Name);
            }

            writer.WriteBoolean("enabled", pixel.Enabled);
            writer.WriteStartArray("destinations");
            foreach (var destination in pixel.Destinations)
            {
                writer.WriteStringValue(destination);
            }

            writer.WriteEndArray();
            if (pixel.Events is not null)
            {
                writer.WriteStartObject("events");
                foreach (var (ours, theirs) in pixel.Events)
                {
                    writer.WriteString(ours, theirs);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("domains");
        WriteList(writer, "allow", settings.Domains.Allow);
        WriteList(writer, "block", settings.Domains.Block);
        writer.WriteEndObject();
        writer.WriteStartArray("destinations");
        foreach (var destination in settings.Destinations)
        {
            WriteDestination(writer, destination, revealSecrets);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("forwardBots", settings.ForwardBots);
        writer.WriteBoolean("forwardMachineOpens", settings.ForwardMachineOpens);
        writer.WriteEndObject();
    }

    /// <summary>
    /// <paramref name="incoming"/> with every literal secret that reads <see cref="HiddenSecret"/> replaced by the secret of the
    /// destination of the same name in <paramref name="current"/>, so a client can send back what it was shown. Throws
    /// <see cref="ForwardSettingsException"/> when there is no such secret to keep.
    /// </summary>
    public static ForwardSettings KeepHiddenSecrets(ForwardSettings incoming, ForwardSettings current)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(current);
        var problems = new List<SettingsProblem>();
        var destinations = new List<DestinationSettings>(incoming.Destinations.Count);
        for (var i = 0; i < incoming.Destinations.Count; i++)
        {
            var destination = incoming.Destinations[i];
            if (destination.Secret.Value != HiddenSecret)
            {
                destinations.Add(destination);
                continue;
            }

            if (current.Destination(destination.Name) is { Kind: var kind, Secret: var kept } && kind == destination.Kind)
            {
                destinations.Add(destination with { Secret = kept });
            }
            else
            {
                var key = destination.Kind == DestinationKind.Meta ? "accessToken" : "secret";
                problems.Add(new SettingsProblem($"destinations[{i}].{key}", $"\"{HiddenSecret}\" keeps the stored secret, but no {destination.Kind.ToString().ToLowerInvariant()} destination '{destination.Name}' has one; send the secret itself"));
            }
        }

        return problems.Count > 0 ? throw new ForwardSettingsException(problems) : incoming with { Destinations = destinations };
    }

    private static void WriteDestination(Utf8JsonWriter writer, DestinationSettings destination, bool revealSecrets)
    {
        writer.WriteStartObject();
        writer.WriteString("name", destination.Name);
        writer.WriteString("type", destination.Kind == DestinationKind.Meta ? "meta" : "webhook");
        writer.WriteBoolean("enabled", destination.Enabled);
        if (destination.Kind == DestinationKind.Meta)
        {
            WriteSecret(writer, "accessToken", destination.Secret, revealSecrets);
            if (destination.DatasetId is not null)
            {
                writer.WriteString("datasetId", destination.DatasetId);
            }

            writer.WriteString("apiVersion", destination.ApiVersion);
            if (destination.TestEventCode is not null)
            {
                writer.WriteString("testEventCode", destination.TestEventCode);
            }

            writer.WriteString("endpoint", destination.Endpoint.OriginalString);
        }
        else
        {
            writer.WriteString("url", destination.Endpoint.OriginalString);
            WriteSecret(writer, "secret", destination.Secret, revealSecrets);
        }

        writer.WriteNumber("maxBatchEvents", destination.MaxBatchEvents);
        writer.WriteNumber("timeoutSeconds", (int)destination.RequestTimeout.TotalSeconds);
        writer.WriteEndObject();
    }

    private static void WriteSecret(Utf8JsonWriter writer, string key, SecretReference secret, bool reveal)
    {
        if (secret.Value is { } value)
        {
            writer.WriteString(key, reveal ? value : HiddenSecret);
            return;
        }

        writer.WriteStartObject(key);
        if (secret.Environment is not null)
        {
            writer.WriteString("env", secret.Environment);
        }

        if (secret.Ssm is not null)
        {
            writer.WriteString("ssm", secret.Ssm);
        }

        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, string key, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(key);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
