using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gateway.Processing.Forwarding;

/// <summary>One problem of a forward configuration: the JSON path of the field (<c>pixels[0].destinations[1]</c>) and what to fix.</summary>
public sealed record SettingsProblem(string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown when a forward configuration is invalid; <see cref="Problems"/> names every field at fault.</summary>
public sealed class ForwardSettingsException(IReadOnlyList<SettingsProblem> problems)
    : Exception(string.Join("; ", problems))
{
    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<SettingsProblem> Problems { get; } = problems;
}

/// <summary>
/// Reads and writes the forward configuration document. Reading validates everything and reports every problem with the
/// field's path, so an admin API or a start-up check can name the field and the fix; unknown keys are problems too, so a
/// misspelt key never silently does nothing.
/// </summary>
public static partial class ForwardSettingsJson
{
    /// <summary>What a hidden secret reads as on output; sending it back keeps the stored secret.</summary>
    public const string HiddenSecret = "(hidden)";

    private const int MaxIdLength = 128;
    private const int MaxEventNameLength = 50;

    private static readonly string[] TopKeys = ["pixels", "domains", "destinations", "forwardBots", "forwardMachineOpens"];
    private static readonly string[] PixelKeys = ["id", "name", "enabled", "destinations", "events"];
    private static readonly string[] DomainKeys = ["allow", "block"];
    private static readonly string[] MetaKeys = ["name", "type", "enabled", "accessToken", "datasetId", "apiVersion", "testEventCode", "endpoint", "maxBatchEvents", "timeoutSeconds"];
    private static readonly string[] WebhookKeys = ["name", "type", "enabled", "url", "secret", "maxBatchEvents", "timeoutSeconds"];
    private static readonly string[] SecretKeys = ["env", "ssm"];

    /// <summary>Parses <paramref name="json"/>; throws <see cref="ForwardSettingsException"/> naming every invalid field.</summary>
    public static ForwardSettings Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new ForwardSettingsException([new SettingsProblem("$", $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); send one JSON object")]);
        }

        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    /// <summary>
    /// Parses a settings document: the <c>forward</c> object itself, or a whole <c>gateway.json</c> holding one (what an
    /// operator deploys to SSM or passes to <c>gateway dlq replay --settings</c>); throws <see cref="ForwardSettingsException"/>
    /// naming every invalid field.
    /// </summary>
    public static ForwardSettings ParseDocument(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("forward", out var forward))
            {
                return Parse(forward);
            }
        }
        catch (JsonException)
        {
            // Parse names the position.
        }

        return Parse(json);
    }

    /// <summary>Parses <paramref name="root"/>; throws <see cref="ForwardSettingsException"/> naming every invalid field.</summary>
    public static ForwardSettings Parse(JsonElement root)
    {
        var problems = new List<SettingsProblem>();
        var settings = Read(root, problems);
        return problems.Count > 0 ? throw new ForwardSettingsException(problems) : settings;
    }

    private static ForwardSettings Read(JsonElement root, List<SettingsProblem> problems)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new SettingsProblem("$", $"expected a JSON object with {string.Join(", ", TopKeys)}; got {Describe(root)}"));
            return ForwardSettings.Empty;
        }

        UnknownKeys(root, "", TopKeys, problems);
        var destinations = new List<DestinationSettings>();
        if (root.TryGetProperty("destinations", out var destinationArray) && Array(destinationArray, "destinations", problems))
        {
            var index = 0;
            foreach (var item in destinationArray.EnumerateArray())
            {
                var path = $"destinations[{index++}]";
                if (ReadDestination(item, path, problems) is { } destination)
                {
                    if (destinations.Any(d => d.Name == destination.Name))
                    {
                        problems.Add(new SettingsProblem($"{path}.name", $"'{destination.Name}' is used by another destination; names must be unique"));
                    }

                    destinations.Add(destination);
                }
            }
        }

        var pixels = new List<PixelSettings>();
        if (root.TryGetProperty("pixels", out var pixelArray) && Array(pixelArray, "pixels", problems))
        {
            var index = 0;
            foreach (var item in pixelArray.EnumerateArray())
            {
                var path = $"pixels[{index++}]";
                if (ReadPixel(item, path, destinations, problems) is { } pixel)
                {
                    if (pixels.Any(p => p.Id == pixel.Id))
                    {
                        problems.Add(new SettingsProblem($"{path}.id", $"'{pixel.Id}' is configured twice; merge the two entries"));
                    }

                    pixels.Add(pixel);
                }
            }
        }

        var domains = DomainSettings.None;
        if (root.TryGetProperty("domains", out var domainObject))
        {
            if (domainObject.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new SettingsProblem("domains", $"expected an object with allow and block lists; got {Describe(domainObject)}"));
            }
            else
            {
                UnknownKeys(domainObject, "domains.", DomainKeys, problems);
                domains = new DomainSettings(Hosts(domainObject, "allow", problems), Hosts(domainObject, "block", problems));
            }
        }

        return new ForwardSettings(
            pixels,
            domains,
            destinations,
            Boolean(root, "forwardBots", "", false, problems),
            Boolean(root, "forwardMachineOpens", "", false, problems));
    }

    private static PixelSettings? ReadPixel(JsonElement item, string path, List<DestinationSettings> destinations, List<SettingsProblem> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new SettingsProblem(path, $"expected a pixel object with {string.Join(", ", PixelKeys)}; got {Describe(item)}"));
            return null;
        }

        UnknownKeys(item, path + ".", PixelKeys, problems);
        var id = String(item, "id", path, problems, required: true);
        if (id is not null && !IdPattern().IsMatch(id))
        {
            problems.Add(new SettingsProblem($"{path}.id", $"'{Shorten(id)}' is not a pixel id: use 1 to {MaxIdLength} letters, digits, '.', '_' or '-', as the tag's pid"));
        }

        var name = String(item, "name", path, problems, required: false);
        var enabled = Boolean(item, "enabled", path + ".", true, problems);
        var names = new List<string>();
        if (item.TryGetProperty("destinations", out var list) && Array(list, $"{path}.destinations", problems))
        {
            var index = 0;
            foreach (var entry in list.EnumerateArray())
            {
                var entryPath = $"{path}.destinations[{index++}]";
                if (entry.ValueKind != JsonValueKind.String)
                {
                    problems.Add(new SettingsProblem(entryPath, $"expected a destination name; got {Describe(entry)}"));
                    continue;
                }

                var destination = entry.GetString()!;
                if (destinations.All(d => d.Name != destination))
                {
                    var known = destinations.Count == 0 ? "none is configured; add it under destinations" : $"configured: {string.Join(", ", destinations.Select(d => d.Name))}";
                    problems.Add(new SettingsProblem(entryPath, $"names no destination '{Shorten(destination)}'; {known}"));
                }
                else if (names.Contains(destination))
                {
                    problems.Add(new SettingsProblem(entryPath, $"'{destination}' is listed twice"));
                }
                else
                {
                    names.Add(destination);
                    if (id is not null && destinations.First(d => d.Name == destination) is { Kind: DestinationKind.Meta, DatasetId: null } && !DatasetPattern().IsMatch(id))
                    {
                        problems.Add(new SettingsProblem(entryPath, $"Meta destination '{destination}' has no datasetId, so events go to the pixel id, and '{Shorten(id)}' is not a Meta pixel id (digits); set datasetId on the destination"));
                    }
                }
            }
        }

        Dictionary<string, string>? events = null;
        if (item.TryGetProperty("events", out var rules) && rules.ValueKind != JsonValueKind.Null)
        {
            if (rules.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new SettingsProblem($"{path}.events", $"expected an object mapping our event names to the destination's (\"purchase\": \"Purchase\"); got {Describe(rules)}"));
            }
            else
            {
                events = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var rule in rules.EnumerateObject())
                {
                    var rulePath = $"{path}.events.{rule.Name}";
                    if (rule.Name.Length is 0 or > 64)
                    {
                        problems.Add(new SettingsProblem(rulePath, "our event name must have 1 to 64 characters (the tag's e parameter)"));
                    }
                    else if (rule.Value.ValueKind != JsonValueKind.String || !EventNamePattern().IsMatch(rule.Value.GetString()!))
                    {
                        problems.Add(new SettingsProblem(rulePath, $"expected the destination's event name: 1 to {MaxEventNameLength} letters, digits, spaces, '_' or '-' (\"Purchase\"); got {Describe(rule.Value)}"));
                    }
                    else
                    {
                        events[rule.Name] = rule.Value.GetString()!;
                    }
                }
            }
        }

        return id is null ? null : new PixelSettings(id, name, enabled, names, events);
    }

    private static DestinationSettings? ReadDestination(JsonElement item, string path, List<SettingsProblem> problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new SettingsProblem(path, $"expected a destination object with name and type; got {Describe(item)}"));
            return null;
        }

        var name = String(item, "name", path, problems, required: true);
        if (name is not null && !NamePattern().IsMatch(name))
        {
            problems.Add(new SettingsProblem($"{path}.name", $"'{Shorten(name)}' is not a destination name: use 1 to 64 lower-case letters, digits, '_' or '-'"));
        }

        var type = String(item, "type", path, problems, required: true);
        DestinationKind kind;
        switch (type)
        {
            case "meta":
                kind = DestinationKind.Meta;
                UnknownKeys(item, path + ".", MetaKeys, problems);
                break;
            case "webhook":
                kind = DestinationKind.Webhook;
                UnknownKeys(item, path + ".", WebhookKeys, problems);
                break;
            case null:
                return null;
            default:
                problems.Add(new SettingsProblem($"{path}.type", $"'{Shorten(type)}' is not a destination type; use meta or webhook"));
                return null;
        }

        var enabled = Boolean(item, "enabled", path + ".", true, problems);
        var maxBatch = Integer(item, "maxBatchEvents", path, kind == DestinationKind.Meta ? DestinationSettings.MetaMaxBatchEvents : 100, 1, DestinationSettings.MetaMaxBatchEvents, problems);
        var timeout = TimeSpan.FromSeconds(Integer(item, "timeoutSeconds", path, 10, 1, 120, problems));
        if (kind == DestinationKind.Meta)
        {
            var secret = Secret(item, "accessToken", path, problems);
            var datasetId = String(item, "datasetId", path, problems, required: false);
            if (datasetId is not null && !DatasetPattern().IsMatch(datasetId))
            {
                problems.Add(new SettingsProblem($"{path}.datasetId", $"'{Shorten(datasetId)}' is not a Meta pixel (dataset) id: use its digits, as Events Manager shows it"));
            }

            var version = String(item, "apiVersion", path, problems, required: false) ?? DestinationSettings.DefaultApiVersion;
            if (!VersionPattern().IsMatch(version))
            {
                problems.Add(new SettingsProblem($"{path}.apiVersion", $"'{Shorten(version)}' is not a Graph API version; use the form {DestinationSettings.DefaultApiVersion}"));
            }

            var testCode = String(item, "testEventCode", path, problems, required: false);
            var endpoint = Url(item, "endpoint", path, problems, required: false) ?? DestinationSettings.MetaEndpoint;
            return name is null || secret is null
                ? null
                : new DestinationSettings(name, kind, enabled, endpoint, secret, datasetId, version, testCode, maxBatch, timeout);
        }

        var url = Url(item, "url", path, problems, required: true);
        var key = Secret(item, "secret", path, problems);
        if (key?.Value is { Length: < 16 } literal && literal != HiddenSecret)
        {
            problems.Add(new SettingsProblem($"{path}.secret", "an HMAC key needs at least 16 characters; generate one (openssl rand -hex 32)"));
        }

        return name is null || url is null || key is null
            ? null
            : new DestinationSettings(name, kind, enabled, url, key, MaxBatchEvents: maxBatch, Timeout: timeout);
    }

    private static SecretReference? Secret(JsonElement item, string key, string path, List<SettingsProblem> problems)
    {
        var field = $"{path}.{key}";
        if (!item.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add(new SettingsProblem(field, $"required: the secret itself, {{\"env\": \"VARIABLE\"}} or {{\"ssm\": \"/parameter/name\"}}"));
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var literal = value.GetString()!;
            if (literal.Length == 0)
            {
                problems.Add(new SettingsProblem(field, "is empty; give the secret, {\"env\": \"VARIABLE\"} or {\"ssm\": \"/parameter/name\"}"));
                return null;
            }

            return SecretReference.Literal(literal);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new SettingsProblem(field, $"expected a string, {{\"env\": \"VARIABLE\"}} or {{\"ssm\": \"/parameter/name\"}}; got {Describe(value)}"));
            return null;
        }

        UnknownKeys(value, field + ".", SecretKeys, problems);
        var environment = value.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.String ? env.GetString() : null;
        var ssm = value.TryGetProperty("ssm", out var parameter) && parameter.ValueKind == JsonValueKind.String ? parameter.GetString() : null;
        if ((environment is null) == (ssm is null) || environment is { Length: 0 } || ssm is { Length: 0 })
        {
            problems.Add(new SettingsProblem(field, "give exactly one of env (an environment variable's name) or ssm (a parameter name), as a non-empty string"));
            return null;
        }

        return new SecretReference(null, environment, ssm);
    }

    private static IReadOnlyList<string> Hosts(JsonElement domains, string key, List<SettingsProblem> problems)
    {
        if (!domains.TryGetProperty(key, out var list) || list.ValueKind == JsonValueKind.Null || !Array(list, $"domains.{key}", problems))
        {
            return [];
        }

        var hosts = new List<string>();
        var index = 0;
        foreach (var entry in list.EnumerateArray())
        {
            var path = $"domains.{key}[{index++}]";
            if (entry.ValueKind == JsonValueKind.String && DomainRules.TryNormalizePattern(entry.GetString()!, out var pattern))
            {
                if (!hosts.Contains(pattern))
                {
                    hosts.Add(pattern);
                }
            }
            else
            {
                problems.Add(new SettingsProblem(path, $"expected a host name such as shop.example.com, or *.example.com for every host below example.com; got {Describe(entry)}"));
            }
        }

        return hosts;
    }

    private static string? String(JsonElement item, string key, string path, List<SettingsProblem> problems, bool required)
    {
        if (!item.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add(new SettingsProblem($"{path}.{key}", "required"));
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            problems.Add(new SettingsProblem($"{path}.{key}", $"expected a non-empty string; got {Describe(value)}"));
            return null;
        }

        return value.GetString();
    }

    private static Uri? Url(JsonElement item, string key, string path, List<SettingsProblem> problems, bool required)
    {
        var text = String(item, key, path, problems, required);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.UserInfo) || url.Fragment.Length > 0)
        {
            problems.Add(new SettingsProblem($"{path}.{key}", $"'{Shorten(text)}' is not an http(s) URL without credentials or fragment (https://hooks.example.com/gateway)"));
            return null;
        }

        return url;
    }

    private static bool Boolean(JsonElement item, string key, string prefix, bool fallback, List<SettingsProblem> problems)
    {
        if (!item.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        problems.Add(new SettingsProblem(prefix + key, $"expected true or false; got {Describe(value)}"));
        return fallback;
    }

    private static int Integer(JsonElement item, string key, string path, int fallback, int min, int max, List<SettingsProblem> problems)
    {
        if (!item.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        problems.Add(new SettingsProblem($"{path}.{key}", $"expected a whole number from {min} to {max}; got {Describe(value)}"));
        return fallback;
    }

    private static bool Array(JsonElement value, string path, List<SettingsProblem> problems)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        problems.Add(new SettingsProblem(path, $"expected an array; got {Describe(value)}"));
        return false;
    }

    private static void UnknownKeys(JsonElement item, string prefix, string[] known, List<SettingsProblem> problems)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                var near = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase) || k.StartsWith(property.Name, StringComparison.OrdinalIgnoreCase) || property.Name.StartsWith(k, StringComparison.OrdinalIgnoreCase));
                problems.Add(new SettingsProblem(prefix + property.Name, near is null
                    ? $"unknown key; known keys here: {string.Join(", ", known)}"
                    : $"unknown key; did you mean {near}?"));
            }
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[a-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_\- ]{1,50}$")]
    private static partial Regex EventNamePattern();

    [GeneratedRegex(@"^[0-9]{1,32}$")]
    private static partial Regex DatasetPattern();

    [GeneratedRegex(@"^v[0-9]{1,3}\.[0-9]{1,3}$")]
    private static partial Regex VersionPattern();
}
