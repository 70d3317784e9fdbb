namespace Gateway.Lambda.Internal;

/// <summary>An error to report to the Runtime API: the <c>Lambda-Runtime-Function-Error-Type</c> header and the body fields.</summary>
/// <remarks>
/// The developer guide (runtimes-api, "Initialization error" / "Invocation error") says Lambda accepts any header
/// string and recommends <c>Category.Reason</c>, listing Runtime.NoSuchHandler, Runtime.APIKeyNotFound,
/// Runtime.ConfigInvalid and Runtime.UnknownReason. The body is <c>{errorMessage, errorType, stackTrace[]}</c>.
/// </remarks>
internal sealed record RuntimeError(string HeaderType, string ErrorType, string Message, IReadOnlyList<string> StackTrace)
{
    /// <summary>An exception escaped the handler; errorType is the exception's type name.</summary>
    public const string FunctionUnhandled = "Function.Unhandled";

    /// <summary>The handler was cancelled at (or the invocation arrived after) the deadline.</summary>
    public const string DeadlineExceeded = "Runtime.DeadlineExceeded";

    /// <summary>The Runtime API refused the response body as too large (HTTP 413; the limit is 6 MB).</summary>
    public const string ResponseTooLarge = "Runtime.ResponseTooLarge";

    /// <summary><c>_HANDLER</c> names no built-in handler.</summary>
    public const string NoSuchHandler = "Runtime.NoSuchHandler";

    /// <summary>The handler factory rejected the function's configuration.</summary>
    public const string ConfigInvalid = "Runtime.ConfigInvalid";

    /// <summary>The handler factory failed for another reason.</summary>
    public const string UnknownReason = "Runtime.UnknownReason";

    /// <summary>An error of a runtime-detected kind, where header and errorType are the same.</summary>
    public static RuntimeError Of(string type, string message) => new(type, type, message, []);

    /// <summary>An exception, reported under <paramref name="headerType"/> with its type name, message and stack.</summary>
    public static RuntimeError FromException(string headerType, Exception exception) =>
        new(headerType, exception.GetType().Name, exception.Message, StackLines(exception));

    private static List<string> StackLines(Exception exception)
    {
        var lines = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (!ReferenceEquals(current, exception))
            {
                lines.Add($"--- caused by {current.GetType().Name}: {current.Message.ReplaceLineEndings(" ")}");
            }

            if (current.StackTrace is { } stack)
            {
                lines.AddRange(stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return lines;
    }
}
