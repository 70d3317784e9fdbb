namespace Gateway.Aws.Ssm;

/// <summary>What an SSM caller should do about an error code.</summary>
internal static class SsmErrors
{
    /// <summary>The fix for <paramref name="code"/>, naming the parameter in <paramref name="name"/>; null when the code says nothing useful.</summary>
    /// <remarks>Only the name goes into a fix, never a value: values are often secrets.</remarks>
    public static string? Fix(string code, string operation, string? name, string region, Uri endpoint)
    {
        var parameter = name is null ? "the parameter" : $"parameter '{name}'";
        var nameArgument = name ?? "<name>";
        return code switch
        {
            // Parameter Store sends this one without a message, so the fix is all the caller learns.
            "ParameterNotFound" => $"{parameter} does not exist in {region} at {endpoint}; create it "
                + $"(aws ssm put-parameter --region {region} --name '{nameArgument}' --type SecureString --value <value>) "
                + "or fix the name (names are case-sensitive, a name with a path starts with '/', and a parameter shared from another account needs its full ARN)",
            "ParameterVersionNotFound" => $"the version or label after the ':' in '{nameArgument}' does not exist; list the versions "
                + "(aws ssm get-parameter-history --name <name without the selector>) or leave the selector out to read the latest version",
            "InvalidKeyId" => $"the KMS key that encrypts SecureString {parameter} is not usable (disabled, pending deletion, deleted, or not a key); "
                + "check it with aws kms describe-key, or save the parameter again with a usable key (aws ssm put-parameter --overwrite --key-id <key>)",
            "AccessDeniedException" => $"the credentials' IAM policy does not allow ssm:{operation} on {parameter}, "
                + "or for a SecureString kms:Decrypt on the KMS key that encrypts it; grant them",
            "ThrottlingException" => "Parameter Store's request rate for this account and region was exceeded (GetParameter, GetParameters and "
                + "GetParametersByPath share it); retry with backoff, read the parameter once and cache it, or enable higher throughput",
            "InternalServerError" => "a transient failure inside SSM; retry with backoff",
            "ValidationException" => $"SSM rejected the name '{nameArgument}' (a space inside it, more than 2,048 characters, or a malformed selector); the message names the constraint",
            "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignatureException" or "MissingAuthenticationTokenException" or "InvalidClientTokenId" or "SignatureDoesNotMatch"
                => "the request's credentials or signature were not accepted; check AWS_PROFILE / AWS_ACCESS_KEY_ID, the secret key, the region and the clock",
            "ExpiredTokenException" or "ExpiredToken" => "the temporary credentials have expired; refresh them (e.g. 'aws sso login')",
            _ => null,
        };
    }
}
