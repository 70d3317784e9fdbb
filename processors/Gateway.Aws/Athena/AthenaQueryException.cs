using System.Globalization;

namespace Gateway.Aws.Athena;

/// <summary>An Athena query ended FAILED or CANCELLED: carries the query's id and Athena's own reason.</summary>
public sealed class AthenaQueryException : Exception
{
    /// <summary>Creates the exception; <see cref="Exception.Message"/> names the query id, the state, Athena's message and what to do.</summary>
    public AthenaQueryException(string queryExecutionId, string state, string? stateChangeReason, AthenaError? error)
        : base(Compose(queryExecutionId, state, stateChangeReason, error))
    {
        QueryExecutionId = queryExecutionId;
        State = state;
        StateChangeReason = stateChangeReason;
        ErrorMessage = error?.ErrorMessage;
        ErrorCategory = error?.ErrorCategory;
        ErrorType = error?.ErrorType;
        Retryable = error?.Retryable;
    }

    /// <summary>The query's id (the Athena console's query history finds it).</summary>
    public string QueryExecutionId { get; }

    /// <summary>FAILED, CANCELLED, or a state this client does not know.</summary>
    public string State { get; }

    /// <summary>Athena's <c>Status.StateChangeReason</c>.</summary>
    public string? StateChangeReason { get; }

    /// <summary>Athena's <c>AthenaError.ErrorMessage</c>.</summary>
    public string? ErrorMessage { get; }

    /// <summary>1 system, 2 user, 3 other.</summary>
    public int? ErrorCategory { get; }

    /// <summary>Athena's error type number.</summary>
    public int? ErrorType { get; }

    /// <summary>Whether Athena says running the query again may succeed.</summary>
    public bool? Retryable { get; }

    private static string Compose(string id, string state, string? reason, AthenaError? error)
    {
        var message = error?.ErrorMessage;
        var detail = (message, reason) switch
        {
            (null or "", null or "") => state == AthenaQueryState.Cancelled
                ? "it was cancelled (StopQueryExecution from another client, or a workgroup's data-scanned limit)"
                : "Athena gave no reason",
            (null or "", _) => reason,
            (_, null or "") => message,
            // Athena often repeats the error as the reason; say it once.
            _ when reason!.Contains(message!, StringComparison.Ordinal) => reason,
            _ => $"{message} ({reason})",
        };

        var code = error?.ErrorType is { } type ? string.Create(CultureInfo.InvariantCulture, $" [error type {type}]") : "";
        var action = state == AthenaQueryState.Failed
            ? error?.ErrorCategory switch
            {
                1 => error.Retryable == true ? "; an Athena system error, run the query again" : "; an Athena system error",
                2 => "; fix the SQL, the table definition or the permissions it names",
                _ => error?.Retryable == true ? "; running the query again may succeed" : "",
            }
            : "";
        return $"Athena query {id} {state}: {detail.TrimEnd('.')}{code}{action}.";
    }
}
