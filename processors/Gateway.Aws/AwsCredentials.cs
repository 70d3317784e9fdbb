namespace Gateway.Aws;

/// <summary>An access key pair, plus the session token that temporary credentials carry.</summary>
public sealed record AwsCredentials
{
    /// <summary>Creates credentials; <paramref name="sessionToken"/> is null for long-term keys.</summary>
    public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    /// <summary>The access key id (AKIA… or ASIA…), sent in the Authorization header.</summary>
    public string AccessKeyId { get; }

    /// <summary>The secret key; only ever used to derive signing keys.</summary>
    public string SecretAccessKey { get; }

    /// <summary>The session token of temporary credentials, sent as X-Amz-Security-Token; null for long-term keys.</summary>
    public string? SessionToken { get; }

    /// <inheritdoc/>
    // The compiler-generated ToString would print the secret into logs and exception messages.
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = {(SessionToken is null ? "none" : "***")} }}";
}
