namespace Gateway.Catalog.Queries;

/// <summary>
/// A value given to <see cref="NamedQuery.Render(IReadOnlyDictionary{string, string}, SqlDialect)"/> was refused: a
/// required parameter is missing, a name is not a parameter of the query, or a value does not fit its type. The
/// message names the query, the parameter and the fix; <see cref="ArgumentException.ParamName"/> is the query
/// parameter's name.
/// </summary>
public sealed class QueryParameterException : ArgumentException
{
    private readonly string _message;

    /// <summary>Creates the exception for <paramref name="parameter"/> of <paramref name="query"/>.</summary>
    public QueryParameterException(string query, string parameter, string message)
        : base(message, parameter)
    {
        Query = query;
        _message = message;
    }

    /// <summary>The named query the value was given to.</summary>
    public string Query { get; }

    /// <summary>The message without ArgumentException's "(Parameter '…')" suffix: it already names the parameter.</summary>
    public override string Message => _message;
}
