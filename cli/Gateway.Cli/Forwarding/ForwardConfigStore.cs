using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Processing.Forwarding;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>The forward settings in force and their compiled router, swapped together; <see cref="Version"/> grows by one per change.</summary>
/// <param name="Settings">The settings, exactly as a restart would read them from the file.</param>
/// <param name="Router">The router compiled from <paramref name="Settings"/>.</param>
/// <param name="Version">Identifies this snapshot; the admin API's ETag.</param>
internal sealed record ForwardSnapshot(ForwardSettings Settings, ForwardRouter Router, long Version);

/// <summary>An update was based on a version that is no longer current (the admin API answers 412).</summary>
internal sealed class ForwardConfigConflictException(long expected, long current)
    : Exception($"the forward settings are at version {current}, not {expected}; read them again and reapply the change")
{
    /// <summary>The version the caller based its change on.</summary>
    public long Expected { get; } = expected;

    /// <summary>The version in force.</summary>
    public long Current { get; } = current;
}

/// <summary>
/// Owns the forward settings of a running <c>gateway up</c>: the <c>forward</c> object of <c>gateway.json</c>, read at start
/// and changed through <see cref="Update"/>, which saves the file before the change takes effect.
/// </summary>
/// <remarks>
/// Saving rewrites <c>gateway.json</c> from its parsed form: every other key keeps its value, but JSON comments and the
/// original formatting are lost. The file is replaced atomically (temp file in the same folder, fsync, rename, folder fsync),
/// so a crash leaves either the old or the new file, and keeps the old file's permissions (0600 for a new file, since the
/// forward section can hold access tokens).
/// </remarks>
internal sealed class ForwardConfigStore
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    // The configuration reader of `gateway up` ignores the case of keys, so "Forward" is the same section.
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    // A file is not HTML: keep '+', '<' and non-ASCII text readable instead of \u-escaped.
    private static readonly JsonSerializerOptions FileFormat = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Lock _gate = new();
    private ForwardSnapshot _snapshot;

    private ForwardConfigStore(string path, ForwardSettings settings, long version)
    {
        Path = path;
        _snapshot = new ForwardSnapshot(settings, new ForwardRouter(settings), version);
    }

    /// <summary>Raised after each change is saved and in force, under the update lock and in version order; keep handlers short.</summary>
    public event Action<ForwardSnapshot>? Changed;

    /// <summary>The configuration file (absolute); it need not exist until the first change.</summary>
    public string Path { get; }

    /// <summary>Settings, router and version in force; read it once per batch so the three belong together.</summary>
    public ForwardSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>The settings in force.</summary>
    public ForwardSettings Current => Snapshot.Settings;

    /// <summary>The router in force.</summary>
    public ForwardRouter Router => Snapshot.Router;

    /// <summary>The version in force.</summary>
    public long Version => Snapshot.Version;

    /// <summary>Reads the <c>forward</c> section of <paramref name="configPath"/> (null: ./gateway.json); a missing file or section is <see cref="ForwardSettings.Empty"/>.</summary>
    /// <param name="configPath">The configuration file, as given to <c>--config</c>.</param>
    /// <param name="time">Dates the first version (default: the system clock).</param>
    /// <exception cref="ConfigException">The file or its forward section is invalid; each problem names the <c>forward.…</c> key.</exception>
    public static ForwardConfigStore Open(string? configPath, TimeProvider? time = null)
    {
        var path = System.IO.Path.GetFullPath(configPath ?? "gateway.json");

        // Versions start at the opening time in milliseconds, so an ETag from before a restart does not match after it.
        var version = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        if (!File.Exists(path))
        {
            return new ForwardConfigStore(path, ForwardSettings.Empty, version);
        }

        JsonObject root;
        try
        {
            root = ReadRoot(path);
        }
        catch (InvalidDataException ex)
        {
            throw new ConfigException([ex.Message]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"{path} could not be read: {ex.Message}; fix its permissions"]);
        }

        if (root["forward"] is not { } section)
        {
            return new ForwardConfigStore(path, ForwardSettings.Empty, version);
        }

        try
        {
            var settings = ForwardSettingsJson.Parse(section.ToJsonString());
            ThrowIfNotStorable(settings);
            return new ForwardConfigStore(path, settings, version);
        }
        catch (ForwardSettingsException ex)
        {
            throw new ConfigException([.. ex.Problems.Select(Describe)]);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the settings in force, validates the result as the file will hold it, saves the
    /// file, and only then puts the result in force. Changes are serialized; a failure leaves the settings in force unchanged.
    /// </summary>
    /// <param name="change">Computes the new settings from the current ones; it may throw <see cref="ForwardSettingsException"/>.</param>
    /// <param name="expectedVersion">The version the change is based on; null applies it to whatever is current.</param>
    /// <returns>The new snapshot.</returns>
    /// <exception cref="ForwardConfigConflictException"><paramref name="expectedVersion"/> is not the version in force.</exception>
    /// <exception cref="ForwardSettingsException">The new settings are invalid; the fields are relative to the forward document.</exception>
    /// <exception cref="IOException">The file could not be written (also <see cref="UnauthorizedAccessException"/>,
    /// or <see cref="InvalidDataException"/> when the file on disk is no longer valid JSON).</exception>
    public ForwardSnapshot Update(Func<ForwardSettings, ForwardSettings> change, long? expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            var current = _snapshot;
            if (expectedVersion is { } expected && expected != current.Version)
            {
                throw new ForwardConfigConflictException(expected, current.Version);
            }

            // Written and read back exactly as a restart reads the file, so what is in force is what is stored.
            var json = ForwardSettingsJson.ToJson(change(current.Settings), revealSecrets: true);
            var stored = ForwardSettingsJson.Parse(json);
            ThrowIfNotStorable(stored);
            var next = new ForwardSnapshot(stored, new ForwardRouter(stored), current.Version + 1);
            Save(json);
            Volatile.Write(ref _snapshot, next);
            Changed?.Invoke(next);
            return next;
        }
    }

    private static string Describe(SettingsProblem problem) =>
        problem.Field == "$" ? $"forward: {problem.Message}" : $"forward.{problem.Field}: {problem.Message}";

    /// <summary>
    /// What the document reader accepts but must not be stored: the placeholder shown for a hidden secret as if it were the
    /// secret, and event names differing only in case, which <c>gateway up</c>'s configuration reader (keys ignore case)
    /// refuses as duplicate keys, so the file would stop the next start.
    /// </summary>
    private static void ThrowIfNotStorable(ForwardSettings settings)
    {
        var problems = new List<SettingsProblem>();
        for (var i = 0; i < settings.Destinations.Count; i++)
        {
            var destination = settings.Destinations[i];
            if (destination.Secret.Value == ForwardSettingsJson.HiddenSecret)
            {
                var key = destination.Kind == DestinationKind.Meta ? "accessToken" : "secret";
                problems.Add(new SettingsProblem($"destinations[{i}].{key}", $"\"{ForwardSettingsJson.HiddenSecret}\" stands for a hidden secret, it is not one; give the secret itself, {{\"env\": \"VARIABLE\"}} or {{\"ssm\": \"/parameter/name\"}}"));
            }
        }

        for (var i = 0; i < settings.Pixels.Count; i++)
        {
            if (settings.Pixels[i].Events is not { } events)
            {
                continue;
            }

            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in events.Keys)
            {
                if (!seen.TryAdd(name, name))
                {
                    problems.Add(new SettingsProblem($"pixels[{i}].events.{name}", $"differs from '{seen[name]}' only in case, which gateway.json cannot hold (its keys ignore case); use one spelling"));
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new ForwardSettingsException(problems);
        }
    }

    private static JsonObject ReadRoot(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8);
        try
        {
            return JsonNode.Parse(text, NodeOptions, ReadOptions) as JsonObject
                ?? throw new InvalidDataException($"{path} does not hold a JSON object; write the configuration as {{\"forward\": {{…}}, …}}");
        }
        catch (JsonException ex) when (ex.LineNumber is not null)
        {
            throw new InvalidDataException($"{path} is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); fix the file", ex);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // ArgumentException: the same key twice (keys ignore case, as for the configuration reader).
            throw new InvalidDataException($"{path} could not be read: {ex.Message}; fix the file", ex);
        }
    }

    private void Save(string forwardJson)
    {
        var target = Target();
        var root = File.Exists(target) ? ReadRoot(target) : [];
        root["forward"] = JsonNode.Parse(forwardJson);
        var bytes = Encoding.UTF8.GetBytes(root.ToJsonString(FileFormat) + "\n");

        // Unix: the new file keeps the old one's mode (what its owner chose), or is 0600 since it may hold secrets. The
        // rename is durable once the folder is fsynced; a failure there counts as a failed save.
        UnixFileMode? mode = OperatingSystem.IsWindows() ? null : File.Exists(target) ? File.GetUnixFileMode(target) : UnixFileMode.UserRead | UnixFileMode.UserWrite;
        AtomicFile.Write(target, bytes, mode);
    }

    /// <summary>The file to replace: a symbolic link's final target, so the link itself survives the rename.</summary>
    private string Target()
    {
        var info = new FileInfo(Path);
        return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } resolved
            ? resolved.FullName
            : Path;
    }
}
