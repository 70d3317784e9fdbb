using System.Net;

namespace Gateway.Processing.Forwarding;

/// <summary>One request with a timeout, its answer classified; network failures and timeouts become retriable results, not exceptions.</summary>
internal static class HttpSend
{
    // An error body longer than this is cut: only the error object at its start matters.
    private const int MaxBodyBytes = 64 * 1024;

    public delegate SendResult Classifier(HttpStatusCode status, ReadOnlySpan<byte> body, TimeSpan? retryAfter);

    public static async Task<SendResult> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, Classifier classify, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false);
            return classify(response.StatusCode, body, RetryAfter(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(SendOutcome.Retriable, null, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            // The message names the failure (connection refused, reset, DNS), never the body.
            return new SendResult(SendOutcome.Retriable, null, $"request failed: {ex.HttpRequestError}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return new SendResult(SendOutcome.Retriable, null, $"connection failed: {ex.Message}");
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxBodyBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return buffer.AsSpan(0, total).ToArray();
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
    }
}
