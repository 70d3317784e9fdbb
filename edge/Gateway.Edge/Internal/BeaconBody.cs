using System.Text;
using System.Text.Json;

namespace Gateway.Edge.Internal;

/// <summary>
/// Turns a <c>POST /e</c> body into query-string form so it can be merged into <c>cs-uri-query</c>: form bodies
/// (what <c>navigator.sendBeacon(url, URLSearchParams)</c> sends) are kept as sent; a JSON object becomes
/// <c>key=value</c> pairs (nested values as compact JSON text).
/// </summary>
internal static class BeaconBody
{
    public static bool TryToQuery(ReadOnlySpan<byte> body, string? contentType, out string query, out string error)
    {
        query = "";
        error = "";
        var trimmed = body.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return true;
        }

        var isJson = contentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true || trimmed[0] == (byte)'{';
        if (!isJson)
        {
            if (!System.Text.Unicode.Utf8.IsValid(trimmed))
            {
                error = "the body is not valid UTF-8; send form fields (a=1&b=2) or a JSON object";
                return false;
            }

            // Line breaks cannot occur in a real query string; drop them so the merged query stays one line of text.
            query = Encoding.UTF8.GetString(trimmed).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "&", StringComparison.Ordinal);
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(trimmed, new JsonReaderOptions { MaxDepth = 16 });
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = $"the JSON body must be an object of fields, not {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}";
                return false;
            }

            var sb = new StringBuilder();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
                if (sb.Length > 0)
                {
                    sb.Append('&');
                }

                sb.Append(Uri.EscapeDataString(property.Name)).Append('=').Append(Uri.EscapeDataString(value));
            }

            query = sb.ToString();
            return true;
        }
        catch (JsonException ex)
        {
            error = $"the body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); send a JSON object or form fields";
            return false;
        }
    }
}
