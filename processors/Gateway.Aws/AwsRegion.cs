using Amazon;
using Amazon.Runtime;

namespace Gateway.Aws;

/// <summary>Picks the region to call and sign for.</summary>
public static class AwsRegion
{
    /// <summary>
    /// <paramref name="configured"/> when set, else the AWS SDK's region chain (AWS_REGION / AWS_DEFAULT_REGION,
    /// the shared profile, EC2 instance metadata).
    /// </summary>
    /// <exception cref="InvalidOperationException">No region is configured anywhere.</exception>
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }

        RegionEndpoint? region;
        try
        {
            region = FallbackRegionFactory.GetRegionEndpoint();
        }
        catch (AmazonClientException)
        {
            region = null;
        }

        return region?.SystemName ?? throw new InvalidOperationException(
            "No AWS region configured. Set the Region option (e.g. \"eu-west-1\"), or AWS_REGION, or 'region' in the AWS profile.");
    }
}
