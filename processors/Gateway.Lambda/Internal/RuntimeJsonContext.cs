using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Lambda.Internal;

/// <summary>The error document the Runtime API accepts on <c>/invocation/{id}/error</c> and <c>/init/error</c>.</summary>
/// <remarks>Shape from the Lambda developer guide, "Using the Lambda runtime API for custom runtimes" (runtimes-api), ErrorRequest.</remarks>
internal sealed record RuntimeErrorBody(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace);

/// <summary>What <see cref="HealthHandler"/> answers.</summary>
internal sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("framework")] string Framework,
    [property: JsonPropertyName("remainingMs")] long RemainingMs);

[JsonSerializable(typeof(RuntimeErrorBody))]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// Leaves quotes, apostrophes and '+' unescaped: error messages are read by people in the Lambda console and
    /// CloudWatch, never embedded in HTML, so the default encoder's \u0027 escapes only obscure them.
    /// </summary>
    public static RuntimeJsonContext Readable { get; } = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
