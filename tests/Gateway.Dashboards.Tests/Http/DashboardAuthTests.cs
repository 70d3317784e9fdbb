using Gateway.Dashboards.Http;
using Gateway.Tests.Shared;

namespace Gateway.Dashboards.Tests.Http;

/// <summary>Session cookies: signed, expiring, ended by a new token.</summary>
public sealed class DashboardAuthTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
    private byte[]? _key = [1, 2, 3, 4];

    private DashboardAuth Auth() => new(t => t == "right", () => _key, _time);

    [Fact]
    public void An_issued_session_is_valid_until_it_expires()
    {
        var auth = Auth();
        var cookie = auth.Issue()!;

        Assert.True(auth.IsValid(cookie));
        Assert.DoesNotContain("right", cookie, StringComparison.Ordinal);
        _time.Advance(DashboardAuth.SessionLifetime - TimeSpan.FromSeconds(1));
        Assert.True(auth.IsValid(cookie));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(auth.IsValid(cookie));
    }

    [Fact]
    public void A_changed_expiry_or_signature_is_refused()
    {
        var auth = Auth();
        var parts = auth.Issue()!.Split('.');
        var later = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 3600;

        Assert.False(auth.IsValid($"{parts[0]}.{later}.{parts[2]}"));
        Assert.False(auth.IsValid($"{parts[0]}.{parts[1]}.{parts[2][..^2]}AA"));
        Assert.False(auth.IsValid($"v0.{parts[1]}.{parts[2]}"));
        Assert.False(auth.IsValid(""));
        Assert.False(auth.IsValid("a.b"));
        Assert.False(auth.IsValid("v1.-5.x"));
    }

    [Fact]
    public void A_new_token_ends_every_session_and_no_token_issues_none()
    {
        var auth = Auth();
        var cookie = auth.Issue()!;

        _key = [9, 9, 9, 9];
        Assert.False(auth.IsValid(cookie));
        Assert.True(auth.IsValid(auth.Issue()!));

        _key = null;
        Assert.Null(auth.Issue());
        Assert.False(auth.IsValid(cookie));
    }

    [Fact]
    public void The_token_is_checked_by_the_given_verifier()
    {
        var auth = Auth();
        Assert.True(auth.VerifyToken("right"));
        Assert.False(auth.VerifyToken("wrong"));
        Assert.False(auth.VerifyToken(null));
    }
}
