namespace Gateway.Catalog.Queries;

/// <summary>The value types of named-query parameters, as written in the <c>@param</c> header lines.</summary>
public enum QueryParameterKind
{
    /// <summary><c>date</c>: <c>YYYY-MM-DD</c> or <c>today</c>±N<c>d</c>; rendered <c>DATE 'YYYY-MM-DD'</c>.</summary>
    Date,

    /// <summary>
    /// <c>timestamp</c>, UTC: <c>YYYY-MM-DD</c>, <c>YYYY-MM-DD HH:MM[:SS[.fff]]</c> (or with <c>T</c>, optionally ending in
    /// <c>Z</c> or an offset, converted to UTC), or <c>now</c>/<c>today</c>±N<c>d</c>/<c>h</c>/<c>m</c>; rendered
    /// <c>TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.fff]'</c>.
    /// </summary>
    Timestamp,

    /// <summary><c>integer</c> or <c>integer(min..max)</c>: a whole number in that range; rendered as is.</summary>
    Integer,

    /// <summary><c>number</c> or <c>number(min..max)</c>: a decimal such as <c>2.5</c>; rendered <c>CAST(2.5 AS DOUBLE)</c>.</summary>
    Number,

    /// <summary><c>string</c>: any text without control characters; rendered as a quoted SQL string literal.</summary>
    String,

    /// <summary>
    /// <c>list</c>: comma-separated items, each trimmed and non-empty (an empty value is the empty list); rendered as
    /// one string literal of the items joined by <c>,</c>, for <c>contains(split(…, ','), x)</c>.
    /// </summary>
    List,

    /// <summary><c>choice(a|b)</c>: one of the listed words (case-insensitive); rendered as a string literal.</summary>
    Choice,
}
