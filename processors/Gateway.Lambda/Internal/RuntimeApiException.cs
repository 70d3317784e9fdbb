namespace Gateway.Lambda.Internal;

/// <summary>The Runtime API could not be reached or answered in a way the loop cannot continue from.</summary>
internal sealed class RuntimeApiException : Exception
{
    public RuntimeApiException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    public RuntimeApiException()
        : this("The Lambda Runtime API failed.", isTransient: false)
    {
    }

    public RuntimeApiException(string message)
        : this(message, isTransient: false)
    {
    }

    public RuntimeApiException(string message, Exception innerException)
        : this(message, isTransient: false, innerException)
    {
    }

    /// <summary>Worth retrying: a refused or reset connection, 429, 502, 503, 504.</summary>
    public bool IsTransient { get; }
}
