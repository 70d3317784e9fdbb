using Gateway.Lambda.Internal;

namespace Gateway.Lambda.Tests;

public sealed class RuntimeApiEndpointTests
{
    [Theory]
    // What Lambda sets.
    [InlineData("127.0.0.1:9001", "http://127.0.0.1:9001/2018-06-01/")]
    // A Runtime API emulator on a host name.
    [InlineData("localhost:8080", "http://localhost:8080/2018-06-01/")]
    public void Runtime_api_variable_becomes_the_versioned_base_address(string endpoint, string expected)
    {
        Assert.True(RuntimeApiClient.TryCreateBaseAddress(endpoint, out var baseAddress));
        Assert.Equal(expected, baseAddress.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    // A URL instead of host:port.
    [InlineData("http://127.0.0.1:9001")]
    [InlineData("127.0.0.1:notaport")]
    public void Unusable_runtime_api_variable_is_rejected(string? endpoint)
    {
        Assert.False(RuntimeApiClient.TryCreateBaseAddress(endpoint, out _));
    }
}
