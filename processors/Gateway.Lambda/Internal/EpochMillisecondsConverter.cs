using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Lambda.Internal;

/// <summary>Epoch milliseconds as a JSON integer (Firehose <c>approximateArrivalTimestamp</c>, e.g. <c>1507217624302</c>).</summary>
internal sealed class EpochMillisecondsConverter : JsonConverter<DateTimeOffset>
{
    private static readonly long MinMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var milliseconds))
        {
            throw new JsonException("Expected epoch milliseconds as a JSON integer, e.g. 1507217624302.");
        }

        return milliseconds < MinMilliseconds || milliseconds > MaxMilliseconds
            ? throw new JsonException($"Epoch milliseconds {milliseconds} are outside the range of a date.")
            : DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds());
}
