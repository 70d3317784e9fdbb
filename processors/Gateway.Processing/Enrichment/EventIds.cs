using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Processing.Enrichment;

/// <summary>Where <c>event_id</c> came from.</summary>
public enum EventIdSource
{
    /// <summary>The client's <c>eid</c>, trimmed.</summary>
    Client,

    /// <summary>A fingerprint of the log record (no <c>eid</c>, or <c>eid</c> rejected).</summary>
    Fingerprint,
}

/// <summary>The chosen event id, its source, and a note when the client's <c>eid</c> was rejected.</summary>
public readonly record struct ResolvedEventId(string Id, EventIdSource Source, string? Note);

/// <summary>Chooses <c>event_id</c>: the client's <c>eid</c>, else a deterministic fingerprint so replays and retries dedup.</summary>
/// <remarks>
/// The fingerprint is "fp_" + the first 128 bits of SHA-256 over the x-edge-request-id (4-byte big-endian length, then its
/// bytes) and the log timestamp in Unix ms (8 bytes big-endian), as 32 lower-case hex characters. The request id is unique
/// per hit, so it alone identifies the record; the timestamp guards against an empty or reused id. Both are stable when
/// the same log line is delivered or processed again. The prefix keeps fingerprints apart from client ids.
/// </remarks>
public static class EventIds
{
    /// <summary>Longest <c>eid</c> accepted, in characters after trimming.</summary>
    public const int MaxClientIdLength = 128;

    /// <summary>The trimmed <paramref name="clientId"/> when usable, else the record's fingerprint.</summary>
    public static ResolvedEventId Resolve(string? clientId, ReadOnlySpan<byte> edgeRequestId, long logTimestampUnixMs)
    {
        if (clientId is not null)
        {
            var trimmed = clientId.AsSpan().Trim();
            if (trimmed.Length is > 0 and <= MaxClientIdLength && !trimmed.ContainsAnyInRange('\0', '\u001F'))
            {
                return new(trimmed.Length == clientId.Length ? clientId : trimmed.ToString(), EventIdSource.Client, null);
            }

            return new(Fingerprint(edgeRequestId, logTimestampUnixMs), EventIdSource.Fingerprint,
                "eid: empty, longer than 128 characters or with control characters; fingerprint used");
        }

        return new(Fingerprint(edgeRequestId, logTimestampUnixMs), EventIdSource.Fingerprint, null);
    }

    /// <summary>Same as <see cref="Resolve(string?, ReadOnlySpan{byte}, long)"/>, reading the request id and timestamp from a parsed line (a missing timestamp hashes as 0).</summary>
    public static ResolvedEventId Resolve(string? clientId, in RealtimeLogLine line) =>
        Resolve(clientId, line.RawValue(RealtimeLogField.EdgeRequestId), line.TimestampUnixMs ?? 0);

    /// <summary>The record fingerprint described in the remarks.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> edgeRequestId, long logTimestampUnixMs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scratch = stackalloc byte[32];
        BinaryPrimitives.WriteInt32BigEndian(scratch, edgeRequestId.Length);
        hash.AppendData(scratch[..4]);
        hash.AppendData(edgeRequestId);
        BinaryPrimitives.WriteInt64BigEndian(scratch, logTimestampUnixMs);
        hash.AppendData(scratch[..8]);
        hash.GetHashAndReset(scratch);
        return string.Concat("fp_", Convert.ToHexStringLower(scratch[..16]));
    }
}
