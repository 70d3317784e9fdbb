namespace Gateway.Lambda.Internal;

/// <summary>The Lambda Runtime API (version 2018-06-01), behind a seam so the loop runs against fakes.</summary>
internal interface IRuntimeApiClient
{
    /// <summary>Long-polls for the next invocation; throws <see cref="RuntimeApiException"/> when the API fails.</summary>
    Task<RuntimeInvocation> NextInvocationAsync(CancellationToken cancellationToken);

    /// <summary>Posts a response or an error; returns the HTTP status (202 when accepted, 400/403/413 when refused).</summary>
    Task<int> SendAsync(RuntimeReport report, CancellationToken cancellationToken);
}
