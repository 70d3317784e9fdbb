using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Dashboards.Http;

/// <summary>
/// Who may see the dashboard: a request with the admin token as <c>Authorization: Bearer</c>, or with the session cookie
/// the login form sets. The cookie holds an expiry and an HMAC of it under a key derived from the token's hash, never the
/// token, so a new token ends every session and nothing has to be stored per session.
/// </summary>
/// <param name="verifyToken">Whether a presented token is the admin token (compared in constant time).</param>
/// <param name="sessionKey">The current session key (derived from the token's hash); null while no token is valid, which refuses every cookie.</param>
/// <param name="time">The clock sessions expire by.</param>
public sealed class DashboardAuth(Func<string?, bool> verifyToken, Func<byte[]?> sessionKey, TimeProvider? time = null)
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "gw_session";

    /// <summary>How long a session lasts after the login.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private const string Version = "v1";
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Whether <paramref name="token"/> is the admin token.</summary>
    public bool VerifyToken(string? token) => verifyToken(token);

    /// <summary>Whether the request carries the admin token as a bearer token or a valid session cookie.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (Bearer(request) is { } token && verifyToken(token)) || HasSession(request);
    }

    /// <summary>Whether the request carries a session cookie that is valid now.</summary>
    public bool HasSession(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Cookies.TryGetValue(CookieName, out var cookie) && cookie is not null && IsValid(cookie);
    }

    /// <summary>A new session cookie value, valid for <see cref="SessionLifetime"/>; null while there is no valid token.</summary>
    public string? Issue()
    {
        if (sessionKey() is not { } key)
        {
            return null;
        }

        var expires = (_time.GetUtcNow() + SessionLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{Version}.{expires}.{Sign(key, expires)}";
    }

    /// <summary>Whether <paramref name="cookie"/> was issued under the current key and has not expired.</summary>
    public bool IsValid(string cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        var parts = cookie.Split('.');
        if (parts.Length != 3 || parts[0] != Version || sessionKey() is not { } key
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires <= _time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(key, parts[1]));
        var actual = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>The bearer token of the request's <c>Authorization</c> header, or null.</summary>
    public static string? Bearer(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return value["Bearer ".Length..].Trim();
    }

    private static string Sign(byte[] key, string expires) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"{Version}.{expires}")));
}
