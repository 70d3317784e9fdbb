namespace Gateway.Processing;

/// <summary>Why a real-time log line went to <c>bad_rows</c>.</summary>
public enum BadRowReason
{
    /// <summary>The line parsed.</summary>
    None,

    /// <summary>The line is longer than the configured limit.</summary>
    LineTooLong,

    /// <summary>The number of tab-separated fields differs from the configured field list.</summary>
    FieldCount,

    /// <summary><c>timestamp</c> is not epoch seconds with at most three decimals.</summary>
    Timestamp,

    /// <summary>A numeric field is not a number in CloudFront's format.</summary>
    Number,

    /// <summary>A <c>%</c> is not followed by two hex digits.</summary>
    PercentEncoding,

    /// <summary>A field is not valid UTF-8 once decoded.</summary>
    Utf8,

    /// <summary>A field has a value outside its known set (<c>c-ip-version</c>).</summary>
    UnknownValue,
}
