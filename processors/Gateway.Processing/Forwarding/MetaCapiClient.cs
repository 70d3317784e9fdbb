using System.Buffers;
using System.Net;
using System.Text.Json;

namespace Gateway.Processing.Forwarding;

/// <summary>
/// Meta Conversions API over HTTP: <c>POST {endpoint}/{version}/{dataset}/events</c> with a JSON body holding
/// <c>data</c> (the events), <c>access_token</c> and, when configured, <c>test_event_code</c>.
/// </summary>
/// <remarks>
/// <para>The token travels in the body, not the URL, so no proxy or access log along the way records it.</para>
/// <para>Errors are classified from Graph's error object: <c>is_transient</c>, or one of the throttling and temporary codes
/// (1, 2, 4, 17, 32, 341, 613, 80004), retries like 429 and 5xx; code 100 (invalid parameter) may be caused by one
/// event, so the sender splits the request to find it; anything else (a bad token: 190; a permission: 10, 200–299) is
/// about the whole request.</para>
/// </remarks>
public sealed class MetaCapiClient : IDestinationClient
{
    private static readonly int[] TransientCodes = [1, 2, 4, 17, 32, 341, 613, 80004];
    private readonly HttpClient _http;
    private readonly DestinationSettings _destination;
    private readonly string _accessToken;

    /// <summary>A client for <paramref name="destination"/> (a Meta destination) with its resolved access token.</summary>
    public MetaCapiClient(HttpClient http, DestinationSettings destination, string accessToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        if (destination.Kind != DestinationKind.Meta)
        {
            throw new ArgumentException($"destination '{destination.Name}' is not a Meta destination", nameof(destination));
        }

        _http = http;
        _destination = destination;
        _accessToken = accessToken;
    }

    /// <summary>The events endpoint of dataset <paramref name="target"/>.</summary>
    public Uri EventsUri(string target) => new(_destination.Endpoint, $"{_destination.ApiVersion}/{Uri.EscapeDataString(target)}/events");

    /// <inheritdoc/>
    public async Task<SendResult> SendAsync(string target, IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentNullException.ThrowIfNull(batch);
        using var request = new HttpRequestMessage(HttpMethod.Post, EventsUri(target)) { Content = Body(batch) };
        return await HttpSend.SendAsync(_http, request, _destination.RequestTimeout, Classify, cancellationToken).ConfigureAwait(false);
    }

    private ByteArrayContent Body(IReadOnlyList<Delivery> batch)
    {
        var buffer = new ArrayBufferWriter<byte>(batch.Count * 768 + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("data");
            foreach (var delivery in batch)
            {
                writer.WriteRawValue(delivery.Payload.Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (_destination.TestEventCode is { } code)
            {
                writer.WriteString("test_event_code", code);
            }

            writer.WriteString("access_token", _accessToken);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static SendResult Classify(HttpStatusCode status, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return SendResult.Accepted(code);
        }

        var (message, graphCode, transient) = ReadError(body);
        var described = message ?? $"{status}";
        if (code == 429 || code >= 500 || transient || (graphCode is { } c && TransientCodes.Contains(c)))
        {
            return new SendResult(SendOutcome.Retriable, code, described, retryAfter);
        }

        return new SendResult(SendOutcome.Rejected, code, described, retryAfter, PerEvent: graphCode == 100);
    }

    // Graph's error object: message, user message, code, is_transient. A body that is not one yields nulls.
    private static (string? Message, int? Code, bool Transient) ReadError(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null, false);
            }

            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (error.TryGetProperty("error_user_msg", out var user) && user.ValueKind == JsonValueKind.String && user.GetString() is { Length: > 0 } detail)
            {
                message = message is null ? detail : $"{message} ({detail})";
            }

            int? graphCode = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            if (error.TryGetProperty("error_subcode", out var s) && s.TryGetInt32(out var sub) && message is not null)
            {
                message = $"{message} [code {graphCode}, subcode {sub}]";
            }
            else if (graphCode is not null && message is not null)
            {
                message = $"{message} [code {graphCode}]";
            }

            var transient = error.TryGetProperty("is_transient", out var t) && t.ValueKind == JsonValueKind.True;
            return (message, graphCode, transient);
        }
        catch (JsonException)
        {
            return (null, null, false);
        }
    }
}
