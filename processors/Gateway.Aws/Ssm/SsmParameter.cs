using System.Globalization;
using System.Text;

namespace Gateway.Aws.Ssm;

/// <summary>A Parameter Store parameter as GetParameter returns it.</summary>
/// <param name="Name">The parameter's name, without a <c>:version</c> or <c>:label</c> selector.</param>
/// <param name="Type">String, StringList or SecureString.</param>
/// <param name="Value">The value: plaintext for a SecureString read with decryption, its KMS ciphertext (base64) without. Left out of <see cref="ToString"/>.</param>
/// <param name="Version">The version read; each PutParameter adds one.</param>
/// <param name="LastModified">When this version was written; null when the service leaves it out.</param>
/// <param name="Arn">The parameter's ARN; null when the service leaves it out.</param>
public sealed record SsmParameter(string Name, string Type, string Value, long Version, DateTimeOffset? LastModified, string? Arn)
{
    /// <summary>The SecureString type name.</summary>
    public const string SecureStringType = "SecureString";

    // The compiler-generated ToString would print Value, which is often a secret, into logs and exception messages;
    // records build ToString from PrintMembers, so replacing it here also covers string interpolation and debuggers.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name)
            .Append(", Type = ").Append(Type)
            .Append(", Value = ***")
            .Append(", Version = ").Append(Version)
            .Append(", LastModified = ").Append(LastModified?.ToString("O", CultureInfo.InvariantCulture) ?? "none")
            .Append(", Arn = ").Append(Arn ?? "none");
        return true;
    }
}
