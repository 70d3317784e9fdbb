using Gateway.Dashboards.Http;
using Gateway.Dashboards.Rollups;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Dashboards.Tests.Http;

/// <summary>The metrics parameters: defaults, formats, alignment to the step, and the errors.</summary>
public sealed class MetricsRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 17, 42, TimeSpan.Zero);

    private static MetricsRequest? Parse(string query, out string? error) =>
        MetricsRequest.Parse(new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)), Now, out error);

    [Fact]
    public void Defaults_are_the_last_hour_by_minute_aligned_to_whole_minutes()
    {
        var request = Parse("", out var error)!;

        Assert.Null(error);
        Assert.Null(request.Pixel);
        Assert.Equal(RollupStep.Minute, request.Step);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 17, 0, TimeSpan.Zero), request.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 18, 0, TimeSpan.Zero), request.To);
        Assert.Equal(61, request.PointCount);
    }

    [Theory]
    [InlineData("step=hour", 25)]
    [InlineData("step=day", 31)]
    [InlineData("step=hour&from=2026-11-23T00:00:00Z&to=2026-11-23T06:00:00Z", 6)]
    [InlineData("step=minute&from=1795428000000&to=1795428600000", 10)]
    [InlineData("step=day&from=2026-11-01T12:00:00%2B02:00&to=2026-11-03T00:00:00Z", 2)]
    public void Ranges_cover_whole_steps(string query, int points)
    {
        var request = Parse(query, out var error);
        Assert.Null(error);
        Assert.Equal(points, request!.PointCount);
        Assert.Equal(0, request.From.UtcTicks % MetricsRequest.Width(request.Step).Ticks);
    }

    [Theory]
    [InlineData("step=week", "step must be minute, hour or day")]
    [InlineData("from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z", "from must be before to")]
    [InlineData("from=yesterday", "from must be an ISO 8601 instant")]
    [InlineData("to=-1", "to is out of range")]
    [InlineData("step=minute&from=2026-01-01T00:00:00Z", "more than 10000 points at step minute")]
    [InlineData("pixel=a&pixel=b", "give pixel once")]
    [InlineData("pixel=a%0Ab", "without control characters")]
    public void Bad_parameters_say_what_is_wrong(string query, string message)
    {
        Assert.Null(Parse(query, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_pixel_means_every_pixel()
    {
        Assert.Null(Parse("pixel=", out _)!.Pixel);
        Assert.Equal("px 1", Parse("pixel=px%201", out _)!.Pixel);
    }
}
