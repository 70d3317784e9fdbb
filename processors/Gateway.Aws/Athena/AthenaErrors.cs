namespace Gateway.Aws.Athena;

/// <summary>What an Athena caller should do about an error code.</summary>
internal static class AthenaErrors
{
    /// <summary>The fix for <paramref name="code"/>, naming the query id or workgroup in <paramref name="resource"/> where it helps; null when the code says nothing useful.</summary>
    public static string? Fix(string code, string operation, string? resource, string region, Uri endpoint) => code switch
    {
        "InvalidRequestException" => operation is "GetQueryResults" or "GetQueryExecution" or "StopQueryExecution"
            ? $"query '{resource}' is unknown in {region} at {endpoint}, or not finished; check the id and region"
            : "Athena rejected the query or its settings; the message names the problem (SQL syntax, workgroup, output location, database)",
        "TooManyRequestsException" => "Athena's API rate or the account's concurrent-query limit was reached; retry with backoff, or request a higher quota",
        "ResourceNotFoundException" => $"'{resource}' does not exist in {region} at {endpoint}; check the workgroup or catalog name and the region",
        "InternalServerException" => "a transient failure inside Athena; retry with backoff",
        "AccessDeniedException" => $"the credentials' IAM policy does not allow athena:{operation} (queries also need glue:GetTable and s3 access to the data and the output location); grant it",
        "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException" or "InvalidClientTokenId" or "SignatureDoesNotMatch"
            => "the request's credentials or signature were not accepted; check AWS_PROFILE / AWS_ACCESS_KEY_ID, the secret key, the region and the clock",
        "ExpiredTokenException" or "ExpiredToken" => "the temporary credentials have expired; refresh them (e.g. 'aws sso login')",
        _ => null,
    };
}
