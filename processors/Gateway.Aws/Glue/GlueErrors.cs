namespace Gateway.Aws.Glue;

/// <summary>What a Glue caller should do about an error code.</summary>
internal static class GlueErrors
{
    /// <summary>The fix for <paramref name="code"/>, naming the <c>database.table</c> in <paramref name="resource"/>; null when the code says nothing useful.</summary>
    public static string? Fix(string code, string operation, string? resource, string region, Uri endpoint)
    {
        var table = resource is null ? "the table" : $"'{resource}'";
        return code switch
        {
            "EntityNotFoundException" => $"the database of {table} (or the table) does not exist in {region} at {endpoint}; create the database (aws glue create-database) or check the names and region",
            "AlreadyExistsException" => $"{table} already exists; update it instead",
            "InvalidInputException" => "Glue rejected the table definition; the message names the field",
            "ConcurrentModificationException" => $"{table} was changed by someone else at the same time; read it again and retry",
            "ResourceNumberLimitExceededException" => "the account's Glue table or version limit was reached; delete unused tables or old table versions, or request a higher quota",
            "OperationTimeoutException" or "InternalServiceException" => "a transient failure inside Glue; retry with backoff",
            "ThrottlingException" => "Glue's API rate was exceeded; retry with backoff",
            "GlueEncryptionException" => "the Data Catalog's KMS key is unusable for this caller; check the key's state and key policy",
            "AccessDeniedException" => $"the credentials' IAM policy (or Lake Formation) does not allow glue:{operation} on {table}; grant it",
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException" or "InvalidClientTokenId" or "SignatureDoesNotMatch"
                => "the request's credentials or signature were not accepted; check AWS_PROFILE / AWS_ACCESS_KEY_ID, the secret key, the region and the clock",
            "ExpiredTokenException" or "ExpiredToken" => "the temporary credentials have expired; refresh them (e.g. 'aws sso login')",
            _ => null,
        };
    }
}
