using System.Text.Json;

namespace Gateway.Lambda.Tests.Support;

/// <summary>Reduces JSON to its shape: object keys (sorted) and value kinds, so a documented sample with placeholders can be compared.</summary>
internal static class JsonShape
{
    public static string Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}:{Of(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", element.EnumerateArray().Select(Of)) + "]",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };
}
