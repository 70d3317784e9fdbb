namespace Gateway.Processing.Forwarding;

/// <summary>One event bound for one destination: the payload it sends and what metrics and the dead-letter store need to know.</summary>
/// <param name="Destination">The destination's name.</param>
/// <param name="Target">Where at the destination: Meta's dataset (pixel) id; empty for a webhook.</param>
/// <param name="PixelId">Our pixel id.</param>
/// <param name="EventName">Our event name.</param>
/// <param name="EventId">The event id (Meta deduplicates on it with the event name).</param>
/// <param name="EventTime">When the event happened: Meta refuses events older than 7 days.</param>
/// <param name="Payload">The JSON object sent for this event (UTF-8).</param>
public sealed record Delivery(string Destination, string Target, string PixelId, string EventName, string EventId, DateTimeOffset EventTime, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Attempts made so far (across spills and replays).</summary>
    public int Attempts { get; init; }

    /// <summary>The last failure: Meta's error message or the HTTP status; null before any.</summary>
    public string? LastError { get; init; }
}

/// <summary>How a request to a destination ended.</summary>
public enum SendOutcome
{
    /// <summary>2xx: every event in it was accepted.</summary>
    Accepted,

    /// <summary>Throttled, a server error, a timeout or a network failure: the same request may succeed later.</summary>
    Retriable,

    /// <summary>A client error: the request will fail the same way until something is fixed.</summary>
    Rejected,
}

/// <summary>The result of one request.</summary>
/// <param name="Outcome">Accepted, retriable or rejected.</param>
/// <param name="Status">The HTTP status, or null when no response arrived.</param>
/// <param name="Message">The destination's own error message (Meta's <c>error.message</c> and user message), or what went wrong.</param>
/// <param name="RetryAfter">The destination's Retry-After, when it sent one.</param>
/// <param name="PerEvent">For a rejection: whether one event could be the cause (Meta's invalid-parameter errors), so
/// splitting the request finds the events at fault; false for errors about the whole request (a bad token).</param>
public readonly record struct SendResult(SendOutcome Outcome, int? Status, string? Message, TimeSpan? RetryAfter = null, bool PerEvent = false)
{
    /// <summary>A 2xx answer.</summary>
    public static SendResult Accepted(int status) => new(SendOutcome.Accepted, status, null);

    /// <summary>A one-line description for stores and logs: status and message, never a payload.</summary>
    public string Describe() => Status is { } status ? $"HTTP {status}: {Message}" : Message ?? "no response";
}

/// <summary>A destination's wire protocol: one request for a batch of deliveries to one target. The seam tests replace.</summary>
public interface IDestinationClient
{
    /// <summary>Sends <paramref name="batch"/> (all with the same target) in one request; never throws for an HTTP or network failure.</summary>
    Task<SendResult> SendAsync(string target, IReadOnlyList<Delivery> batch, CancellationToken cancellationToken);
}
