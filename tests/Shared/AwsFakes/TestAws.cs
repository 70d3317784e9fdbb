using Gateway.Aws;

namespace Gateway.Tests.Shared;

/// <summary>The account the AWS fakes expect: AWS's published SigV4 example keys, and the date of its test vectors.</summary>
internal static class TestAws
{
    /// <summary>The date of AWS's published SigV4 test vectors, where fake clocks start.</summary>
    public static DateTimeOffset SigningTime { get; } = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    /// <summary>The example access key and secret of AWS's SigV4 test suite.</summary>
    public static AwsCredentials Credentials { get; } = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
}
