namespace Gateway.Processing.Classification;

/// <summary>Where a visit came from, judged by the referrer's host alone.</summary>
public enum ReferrerMedium
{
    /// <summary>No referrer at all.</summary>
    Direct,

    /// <summary>The referrer shares the page's registrable domain.</summary>
    Internal,

    /// <summary>A search engine from the search list.</summary>
    Search,

    /// <summary>A social network from the social list.</summary>
    Social,

    /// <summary>A webmail host or mail app from the email list.</summary>
    Email,

    /// <summary>Any other referrer, including one whose host cannot be read.</summary>
    Other,
}
