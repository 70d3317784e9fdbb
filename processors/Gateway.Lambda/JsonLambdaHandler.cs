using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Lambda;

/// <summary>Base for handlers with a typed event and response, (de)serialized with source-generated metadata.</summary>
/// <remarks>Use <see cref="LambdaJsonContext"/> for the AWS event shapes, e.g. <c>LambdaJsonContext.Default.KinesisEvent</c>.</remarks>
public abstract class JsonLambdaHandler<TEvent, TResponse> : ILambdaHandler
{
    private readonly JsonTypeInfo<TEvent> _eventType;
    private readonly JsonTypeInfo<TResponse> _responseType;

    /// <summary>Creates the handler with the metadata for its event and response types.</summary>
    protected JsonLambdaHandler(JsonTypeInfo<TEvent> eventType, JsonTypeInfo<TResponse> responseType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        ArgumentNullException.ThrowIfNull(responseType);
        _eventType = eventType;
        _responseType = responseType;
    }

    /// <inheritdoc />
    public async ValueTask<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, LambdaContext context, CancellationToken cancellationToken)
    {
        // A malformed event surfaces as JsonException, whose message names the JSON path and byte position.
        var @event = JsonSerializer.Deserialize(payload.Span, _eventType)
            ?? throw new JsonException($"The event is JSON null; expected a {typeof(TEvent).Name} object.");
        var response = await HandleEventAsync(@event, context, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(response, _responseType);
    }

    /// <summary>Handles the decoded event: call the library, build the response.</summary>
    protected abstract ValueTask<TResponse> HandleEventAsync(TEvent @event, LambdaContext context, CancellationToken cancellationToken);
}
