using System.Text.Json;

namespace Gateway.Lambda.Internal;

/// <summary>What the runtime posts back to the Runtime API.</summary>
internal enum RuntimeReportKind
{
    /// <summary><c>POST /runtime/invocation/{id}/response</c>.</summary>
    Response,

    /// <summary><c>POST /runtime/invocation/{id}/error</c>.</summary>
    InvocationError,

    /// <summary><c>POST /runtime/init/error</c>.</summary>
    InitError,
}

/// <summary>One post to the Runtime API: a handler's response or an error document.</summary>
internal sealed class RuntimeReport
{
    private RuntimeReport(RuntimeReportKind kind, string? requestId, ReadOnlyMemory<byte> body, RuntimeError? error)
    {
        Kind = kind;
        RequestId = requestId;
        Body = body;
        Error = error;
    }

    public RuntimeReportKind Kind { get; }

    /// <summary>The invocation this answers; null for an init error.</summary>
    public string? RequestId { get; }

    /// <summary>The bytes to post: the handler's JSON, or the serialized error document.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The error, for error kinds; supplies the <c>Lambda-Runtime-Function-Error-Type</c> header.</summary>
    public RuntimeError? Error { get; }

    public static RuntimeReport Response(string requestId, ReadOnlyMemory<byte> body) =>
        new(RuntimeReportKind.Response, requestId, body, null);

    public static RuntimeReport InvocationError(string requestId, RuntimeError error) =>
        new(RuntimeReportKind.InvocationError, requestId, Serialize(error), error);

    public static RuntimeReport InitError(RuntimeError error) =>
        new(RuntimeReportKind.InitError, null, Serialize(error), error);

    /// <summary>For logs: the kind and error type, never the body.</summary>
    public override string ToString() => Error is null ? Kind.ToString() : $"{Kind} ({Error.HeaderType})";

    private static byte[] Serialize(RuntimeError error) => JsonSerializer.SerializeToUtf8Bytes(
        new RuntimeErrorBody(error.Message, error.ErrorType, error.StackTrace), RuntimeJsonContext.Readable.RuntimeErrorBody);
}
