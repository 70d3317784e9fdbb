using System.Globalization;
using System.Net;

namespace Gateway.Aws;

/// <summary>An AWS service call failed: names the service, operation, error code, the service's message and, where obvious, the fix.</summary>
public sealed class AwsServiceException : Exception
{
    /// <summary>Creates the exception; <see cref="Exception.Message"/> combines every part into one sentence a user can act on.</summary>
    public AwsServiceException(string service, string operation, string errorCode, string? serviceMessage, HttpStatusCode? statusCode, string? fix, string? requestId = null, Exception? innerException = null)
        : base(Compose(service, operation, errorCode, serviceMessage, statusCode, fix, requestId), innerException)
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        ServiceMessage = serviceMessage;
        StatusCode = statusCode;
        Fix = fix;
        RequestId = requestId;
    }

    /// <summary>The service, e.g. Kinesis.</summary>
    public string Service { get; }

    /// <summary>The operation, e.g. PutRecords.</summary>
    public string Operation { get; }

    /// <summary>The sanitized error code, e.g. ResourceNotFoundException (no namespace prefix).</summary>
    public string ErrorCode { get; }

    /// <summary>The service's own message, if it sent one.</summary>
    public string? ServiceMessage { get; }

    /// <summary>The HTTP status; null for a per-entry failure inside a 200 response.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>What to do about it, when the code says; null otherwise.</summary>
    public string? Fix { get; }

    /// <summary>The x-amzn-RequestId, for AWS support.</summary>
    public string? RequestId { get; }

    /// <summary>True for throttling and server-side failures, which a later attempt may get past.</summary>
    public bool IsRetryable => Internal.AwsErrors.IsRetryable(ErrorCode, StatusCode);

    private static string Compose(string service, string operation, string errorCode, string? serviceMessage, HttpStatusCode? statusCode, string? fix, string? requestId)
    {
        var status = statusCode is { } code ? string.Create(CultureInfo.InvariantCulture, $" (HTTP {(int)code})") : "";
        var detail = string.IsNullOrWhiteSpace(serviceMessage) ? "" : $": {serviceMessage.TrimEnd('.')}";
        var action = fix is null ? "" : $". {fix}";
        var id = requestId is null ? "" : $" [request id {requestId}]";
        return $"{service} {operation} failed with {errorCode}{status}{detail}{action}{id}";
    }
}
