using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Aws;

/// <summary>AWS JSON timestamps: epoch seconds as a JSON number, possibly fractional (Kinesis <c>ApproximateArrivalTimestamp</c>, Lambda events' <c>approximateArrivalTimestamp</c>, e.g. <c>1480641523.477</c>).</summary>
/// <remarks>Read as decimal so the millisecond fraction survives exactly; a double would turn .477 into .47699….</remarks>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    // Beyond this, seconds cannot be a DateTimeOffset (year 9999 is ~2.5e11 s) and ticks could overflow decimal.
    private const decimal Limit = 1e12m;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var seconds) || Math.Abs(seconds) > Limit)
        {
            throw new JsonException("Expected epoch seconds as a JSON number, e.g. 1480641523.477.");
        }

        var ticks = decimal.Round(seconds * TimeSpan.TicksPerSecond) + DateTimeOffset.UnixEpoch.UtcTicks;
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            throw new JsonException($"Epoch seconds {seconds} are outside the range of a date.");
        }

        return new DateTimeOffset((long)ticks, TimeSpan.Zero);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue((decimal)(value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond);
}

/// <summary><see cref="EpochSecondsConverter"/> for optional members.</summary>
public sealed class NullableEpochSecondsConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly EpochSecondsConverter Inner = new();

    // Lets Read see JSON null instead of the serializer short-circuiting it.
    public override bool HandleNull => true;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            Inner.Write(writer, v, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
