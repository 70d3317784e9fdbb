using System.Buffers.Binary;

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

    private static readonly System.Buffers.SearchValues<char> ControlCharacters =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c)]);

    /// <summary>The trimmed <paramref name="clientId"/> when usable, else the record's fingerprint.</summary>
    public static ResolvedEventId Resolve(string? clientId, ReadOnlySpan<byte> edgeRequestId, long logTimestampUnixMs)
    {
        if (clientId is not null)
        {
            var trimmed = clientId.AsSpan().Trim();
            if (trimmed.Length is > 0 and <= MaxClientIdLength && !trimmed.ContainsAny(ControlCharacters))
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
        byte[]? rented = null;
        var length = edgeRequestId.Length + 12;
        var message = length <= 256 ? stackalloc byte[256] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length));
        try
        {
            BinaryPrimitives.WriteInt32BigEndian(message, edgeRequestId.Length);
            edgeRequestId.CopyTo(message[4..]);
            BinaryPrimitives.WriteInt64BigEndian(message[(4 + edgeRequestId.Length)..], logTimestampUnixMs);
            Span<byte> hash = stackalloc byte[32];
            Internal.Sha256.Hash(message[..length], hash);
            Span<char> id = stackalloc char[35];
            "fp_".CopyTo(id);
            Convert.TryToHexStringLower(hash[..16], id[3..], out _);
            return new string(id);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
