namespace Gateway.Lambda;

/// <summary>Thrown by a handler factory when the function's configuration is unusable; reported as <c>Runtime.ConfigInvalid</c>.</summary>
public sealed class LambdaConfigurationException : Exception
{
    /// <summary>Creates the exception; the message should name the setting and the fix.</summary>
    public LambdaConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that made the setting unusable.</summary>
    public LambdaConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public LambdaConfigurationException()
        : base("The function's configuration is invalid.")
    {
    }
}
