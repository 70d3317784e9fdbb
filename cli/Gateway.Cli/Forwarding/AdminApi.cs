using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Gateway.Processing.Forwarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Gateway.Cli;

/// <summary>
/// The admin HTTP API under <c>/admin/api/</c>: the forward settings (the whole document, pixels, domains, destinations),
/// read and changed without a restart. Every route needs <c>Authorization: Bearer &lt;admin token&gt;</c>; every change is
/// saved to <c>gateway.json</c> by <see cref="ForwardConfigStore.Update"/> before it is answered. Secrets are shown as
/// <c>"(hidden)"</c>, and sending that back keeps the stored secret.
/// </summary>
/// <remarks>Nothing here logs: bodies hold secrets, and the token is a secret.</remarks>
internal static class AdminApi
{
    /// <summary>Where the API is mounted.</summary>
    public const string Prefix = "/admin/api";

    /// <summary>Largest request body; the edge's own limit (<c>edge.maxBodyBytes</c>) is raised to this for authenticated admin requests.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private const string Routes = "GET|PUT /config, GET /pixels, GET|PUT|DELETE /pixels/{id}, GET|PUT /domains, GET /destinations, GET|PUT|DELETE /destinations/{name}";

    // Duplicate keys refused while parsing: a JsonObject holding two would throw on first access instead.
    private static readonly JsonDocumentOptions BodyOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Maps the API on <paramref name="routes"/> and returns its group. Every endpoint of the group, also one mapped on the
    /// returned builder later, answers 401 unless the request carries the token: the check wraps each endpoint's request
    /// delegate, so it runs before any parameter binding reads a body.
    /// </summary>
    /// <example>
    /// Extension point for the read-only routes still to come, on the same authenticated group:
    /// <code>
    /// var admin = app.MapAdminApi(store, token);
    /// admin.MapGet("/metrics", …);   // /admin/api/metrics
    /// admin.MapGet("/dlq", …);       // /admin/api/dlq
    /// </code>
    /// </example>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes, ForwardConfigStore store, AdminToken token)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(token);
        var api = routes.MapGroup(Prefix);
        ((IEndpointConventionBuilder)api).Add(endpoint =>
        {
            if (endpoint.RequestDelegate is { } inner)
            {
                endpoint.RequestDelegate = RequireToken(inner, token);
            }
        });

        api.MapGet("/config", (HttpResponse response) => Read(response, store, document => document));
        api.MapPut("/config", async (HttpContext context) =>
        {
            var (text, error) = await ReadBodyAsync(context).ConfigureAwait(false);
            if (error is not null)
            {
                return error;
            }

            ForwardSettings incoming;
            try
            {
                incoming = ForwardSettingsJson.Parse(text!);
            }
            catch (ForwardSettingsException ex)
            {
                return Invalid(ex);
            }

            return Change(context, store, current => ForwardSettingsJson.KeepHiddenSecrets(incoming, current), snapshot => TypedResults.Json(Document(snapshot.Settings, revealSecrets: false)));
        });

        api.MapGet("/pixels", (HttpResponse response) => Read(response, store, document => document["pixels"]));
        api.MapGet("/pixels/{id}", (string id, HttpResponse response) => Read(response, store, document => Item(document, "pixels", "id", id)) ?? NotFound($"no pixel '{id}' is configured"));
        api.MapPut("/pixels/{id}", (string id, HttpContext context) => PutItemAsync(context, store, "pixels", "id", id, keepSecrets: false));
        api.MapDelete("/pixels/{id}", (string id, HttpContext context) => Change(
            context,
            store,
            current => current.Pixel(id) is null
                ? throw new NotFoundException($"no pixel '{id}' is configured")
                : current with { Pixels = [.. current.Pixels.Where(p => p.Id != id)] },
            _ => TypedResults.NoContent()));

        api.MapGet("/domains", (HttpResponse response) => Read(response, store, document => document["domains"]));
        api.MapPut("/domains", async (HttpContext context) =>
        {
            var (body, error) = await ReadJsonAsync(context).ConfigureAwait(false);
            return error ?? Change(
                context,
                store,
                current =>
                {
                    var document = Document(current, revealSecrets: true);
                    document["domains"] = body?.DeepClone();
                    return ForwardSettingsJson.Parse(document.ToJsonString());
                },
                snapshot => TypedResults.Json(Document(snapshot.Settings, revealSecrets: false)["domains"]));
        });

        api.MapGet("/destinations", (HttpResponse response) => Read(response, store, document => document["destinations"]));
        api.MapGet("/destinations/{name}", (string name, HttpResponse response) => Read(response, store, document => Item(document, "destinations", "name", name)) ?? NotFound($"no destination '{name}' is configured"));
        api.MapPut("/destinations/{name}", (string name, HttpContext context) => PutItemAsync(context, store, "destinations", "name", name, keepSecrets: true));
        api.MapDelete("/destinations/{name}", (string name, HttpContext context) => Change(context, store, current => WithoutDestination(current, name), _ => TypedResults.NoContent()));

        // Any other path or method below the prefix: 404 after the token check, so the routes are not revealed to strangers.
        api.Map("/{**path}", (HttpRequest request) => NotFound($"no admin API route {request.Method} {request.Path}; the routes below {Prefix} are {Routes}"));
        return api;
    }

    private static RequestDelegate RequireToken(RequestDelegate inner, AdminToken token) => context =>
    {
        // Settings and errors are for the caller only; no shared cache may keep them.
        context.Response.Headers.CacheControl = "no-store";
        if (!token.Verify(BearerToken(context.Request)))
        {
            // The same answer for a missing, malformed or wrong token: which one it was would help a guesser.
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(StatusCodes.Status401Unauthorized, "send the admin API token as Authorization: Bearer <token> (printed by the first gateway up, or by gateway admin reset-token)").ExecuteAsync(context);
        }

        // The edge caps bodies at edge.maxBodyBytes for the beacon; a whole forward document may be larger.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        return inner(context);
    };

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return value["Bearer ".Length..].Trim();
    }

    private static IResult? Read(HttpResponse response, ForwardConfigStore store, Func<JsonObject, JsonNode?> select)
    {
        var snapshot = store.Snapshot;
        if (select(Document(snapshot.Settings, revealSecrets: false)) is not { } node)
        {
            return null;
        }

        SetETag(response, snapshot.Version);
        return TypedResults.Json(node);
    }

    private static async Task<IResult> PutItemAsync(HttpContext context, ForwardConfigStore store, string list, string key, string value, bool keepSecrets)
    {
        var (body, error) = await ReadJsonAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        var created = false;
        return Change(
            context,
            store,
            current =>
            {
                var document = Document(current, revealSecrets: true);
                var array = document[list]!.AsArray();
                var index = IndexOf(array, key, value);
                created = index < 0;
                var item = body?.DeepClone();
                if (item is JsonObject fields)
                {
                    if (fields[key] is null)
                    {
                        fields[key] = value;
                    }
                    else if (fields[key] is JsonValue given && given.TryGetValue<string>(out var text) && text != value)
                    {
                        var path = $"{list}[{(created ? array.Count : index)}].{key}";
                        throw new ForwardSettingsException([new SettingsProblem(path, $"'{text}' differs from the {key} in the URL ('{value}'); send the same {key}, or none")]);
                    }
                }

                if (created)
                {
                    array.Add(item);
                }
                else
                {
                    array[index] = item;
                }

                var changed = ForwardSettingsJson.Parse(document.ToJsonString());
                return keepSecrets ? ForwardSettingsJson.KeepHiddenSecrets(changed, current) : changed;
            },
            snapshot =>
            {
                var stored = Item(Document(snapshot.Settings, revealSecrets: false), list, key, value);
                return created
                    ? TypedResults.Created($"{Prefix}/{list}/{Uri.EscapeDataString(value)}", stored)
                    : TypedResults.Json(stored);
            });
    }

    private static ForwardSettings WithoutDestination(ForwardSettings current, string name)
    {
        if (current.Destination(name) is null)
        {
            throw new NotFoundException($"no destination '{name}' is configured");
        }

        var users = current.Pixels.Where(p => p.Destinations.Contains(name, StringComparer.Ordinal)).Select(p => p.Id).ToList();
        if (users.Count > 0)
        {
            throw new InUseException(name, current.Destinations.ToList().FindIndex(d => d.Name == name), users);
        }

        return current with { Destinations = [.. current.Destinations.Where(d => d.Name != name)] };
    }

    /// <summary>Runs one change through the store and maps its failures to statuses; the new ETag goes on success.</summary>
    private static IResult Change(HttpContext context, ForwardConfigStore store, Func<ForwardSettings, ForwardSettings> change, Func<ForwardSnapshot, IResult> ok)
    {
        try
        {
            var snapshot = store.Update(change, ExpectedVersion(context.Request, store.Version));
            SetETag(context.Response, snapshot.Version);
            return ok(snapshot);
        }
        catch (ForwardSettingsException ex)
        {
            return Invalid(ex);
        }
        catch (ForwardConfigConflictException ex)
        {
            return Error(StatusCodes.Status412PreconditionFailed, $"If-Match does not name the settings in force (ETag \"{ex.Current}\"); GET them again and reapply the change");
        }
        catch (NotFoundException ex)
        {
            return NotFound(ex.Message);
        }
        catch (InUseException ex)
        {
            return TypedResults.Conflict(new AdminConflict(
                [new AdminError($"destinations[{ex.Index}]", $"destination '{ex.Destination}' is used by pixel(s) {string.Join(", ", ex.Pixels)}; remove it from their destinations first")],
                ex.Pixels));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return Error(StatusCodes.Status500InternalServerError, $"the change could not be saved, so it is not in force: {ex.Message}");
        }
    }

    /// <summary>
    /// The version <c>If-Match</c> requires: null without the header or with <c>*</c>; the version in force when one of its
    /// strong tags names it; otherwise one that never matches, so the store refuses the change (412).
    /// </summary>
    private static long? ExpectedVersion(HttpRequest request, long current)
    {
        var header = request.Headers.IfMatch;
        if (StringValues.IsNullOrEmpty(header))
        {
            return null;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return long.MinValue;
        }

        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any)))
        {
            return null;
        }

        var tag = ETag(current);
        return tags.Any(t => !t.IsWeak && t.Tag.Equals(tag, StringComparison.Ordinal)) ? current : long.MinValue;
    }

    private static string ETag(long version) => $"\"{version}\"";

    private static void SetETag(HttpResponse response, long version) => response.Headers.ETag = ETag(version);

    private static JsonObject Document(ForwardSettings settings, bool revealSecrets) =>
        JsonNode.Parse(ForwardSettingsJson.ToJson(settings, revealSecrets))!.AsObject();

    private static JsonNode? Item(JsonObject document, string list, string key, string value)
    {
        var array = document[list]!.AsArray();
        var index = IndexOf(array, key, value);
        return index < 0 ? null : array[index];
    }

    private static int IndexOf(JsonArray array, string key, string value)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject item && item[key] is JsonValue found && found.TryGetValue<string>(out var text) && text == value)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The body as a JSON value (null for the literal <c>null</c>), or the error to answer.</summary>
    private static async Task<(JsonNode? Body, IResult? Error)> ReadJsonAsync(HttpContext context)
    {
        var (text, error) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, error);
        }

        try
        {
            return (JsonNode.Parse(text!, documentOptions: BodyOptions), null);
        }
        catch (JsonException ex)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); send one JSON object, each key once", "$"));
        }
    }

    /// <summary>The body as text after the content-type and size checks, or the error to answer.</summary>
    private static async Task<(string? Text, IResult? Error)> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, "send the body as JSON, with Content-Type: application/json"));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        using var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[16 * 1024];
            int read;
            while (buffer.Length <= MaxBodyBytes && (read = await request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }

        if (buffer.Length > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        try
        {
            return (StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "the body is not UTF-8; send JSON in UTF-8", "$"));
        }
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
        && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private static JsonHttpResult<AdminErrors> TooLarge() =>
        Error(StatusCodes.Status413PayloadTooLarge, $"the body is larger than {MaxBodyBytes} bytes; change pixels or destinations one at a time");

    private static BadRequest<AdminErrors> Invalid(ForwardSettingsException ex) =>
        TypedResults.BadRequest(new AdminErrors([.. ex.Problems.Select(p => new AdminError(p.Field, p.Message))]));

    private static NotFound<AdminErrors> NotFound(string message) => TypedResults.NotFound(new AdminErrors([new AdminError(null, message)]));

    private static JsonHttpResult<AdminErrors> Error(int status, string message, string? field = null) =>
        TypedResults.Json(new AdminErrors([new AdminError(field, message)]), statusCode: status);

    /// <summary>A route names a pixel or destination that is not configured (404).</summary>
    private sealed class NotFoundException(string message) : Exception(message);

    /// <summary>A destination to delete is still listed by pixels (409).</summary>
    private sealed class InUseException(string destination, int index, IReadOnlyList<string> pixels) : Exception($"destination '{destination}' is used by {string.Join(", ", pixels)}")
    {
        public string Destination { get; } = destination;

        public int Index { get; } = index;

        public IReadOnlyList<string> Pixels { get; } = pixels;
    }
}

/// <summary>One problem in an admin API answer; <see cref="Field"/> is the document path (<c>pixels[0].destinations[0]</c>) when one field is at fault.</summary>
internal sealed record AdminError([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field, string Message);

/// <summary>The body of every admin API error: <c>{"errors":[{"field":…,"message":…}]}</c>.</summary>
internal sealed record AdminErrors(IReadOnlyList<AdminError> Errors);

/// <summary>The 409 for deleting a destination in use: the errors and the pixels that still list it.</summary>
internal sealed record AdminConflict(IReadOnlyList<AdminError> Errors, IReadOnlyList<string> Pixels);
