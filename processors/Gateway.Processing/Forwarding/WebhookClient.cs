using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gateway.Processing.Forwarding;

/// <summary>
/// A webhook destination: <c>POST</c> of <c>{"events":[…]}</c> (each the enriched event row as the lake stores it), signed so
/// the receiver can check it came from us and is recent.
/// </summary>
/// <remarks>
/// <para>Headers: <c>X-Gateway-Timestamp</c> (Unix seconds), <c>X-Gateway-Signature: sha256=&lt;hex&gt;</c> — the HMAC-SHA256,
/// keyed with the configured secret's UTF-8 bytes, of the timestamp, a dot and the raw body — and
/// <c>X-Gateway-Delivery</c>, an id derived from the event ids that stays the same on every retry of the same events, so a
/// receiver can drop repeats. A receiver should refuse timestamps more than a few minutes old.</para>
/// <para>Outcomes: 2xx accepted; 408, 425, 429 and 5xx retried; 400 and 422 may concern one event, so the sender splits
/// the request; other 4xx are about the whole request.</para>
/// </remarks>
public sealed class WebhookClient : IDestinationClient
{
    /// <summary>The timestamp header.</summary>
    public const string TimestampHeader = "X-Gateway-Timestamp";

    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Gateway-Signature";

    /// <summary>The delivery id header.</summary>
    public const string DeliveryHeader = "X-Gateway-Delivery";

    private readonly HttpClient _http;
    private readonly DestinationSettings _destination;
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>A client for <paramref name="destination"/> (a webhook) with its resolved HMAC secret.</summary>
    public WebhookClient(HttpClient http, DestinationSettings destination, string secret, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (destination.Kind != DestinationKind.Webhook)
        {
            throw new ArgumentException($"destination '{destination.Name}' is not a webhook", nameof(destination));
        }

        _http = http;
        _destination = destination;
        _key = Encoding.UTF8.GetBytes(secret);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(byte[] key, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(timestamp);
        var message = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, message);
        message[timestamp.Length] = (byte)'.';
        body.CopyTo(message.AsSpan(timestamp.Length + 1));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }

    /// <inheritdoc/>
    public async Task<SendResult> SendAsync(string target, IReadOnlyList<Delivery> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var body = Body(batch);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, _destination.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(_key, timestamp, body));
        request.Headers.Add(DeliveryHeader, DeliveryId(batch));
        return await HttpSend.SendAsync(_http, request, _destination.RequestTimeout, Classify, cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Body(IReadOnlyList<Delivery> batch)
    {
        var buffer = new ArrayBufferWriter<byte>(batch.Count * 1024 + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var delivery in batch)
            {
                writer.WriteRawValue(delivery.Payload.Span, skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string DeliveryId(IReadOnlyList<Delivery> batch)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var delivery in batch)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(delivery.EventId));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    private static SendResult Classify(HttpStatusCode status, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return SendResult.Accepted(code);
        }

        // The receiver's own words, cut short: they may explain a rejection; they are never event data we sent.
        var text = Encoding.UTF8.GetString(body.Length > 300 ? body[..300] : body).ReplaceLineEndings(" ").Trim();
        var message = text.Length > 0 ? text : status.ToString();
        return code is 408 or 425 or 429 or >= 500
            ? new SendResult(SendOutcome.Retriable, code, message, retryAfter)
            : new SendResult(SendOutcome.Rejected, code, message, retryAfter, PerEvent: code is 400 or 422);
    }
}
