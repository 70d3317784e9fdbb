using System.Globalization;
using Gateway.Streams;

namespace Gateway.Cli;

/// <summary>Rows of the events and bad-rows streams; a record that is not a row becomes a bad row of stage <c>lake</c>, never an exception.</summary>
internal static class LakeRecords
{
    /// <summary>Stage name of the lake's own bad rows.</summary>
    public const string Stage = "lake";

    /// <summary>The event row of an events-stream record, or the bad row standing for an unreadable one.</summary>
    public static (Gateway.Processing.Enrichment.EventRow? Event, Gateway.Processing.Enrichment.BadRow? Bad) ReadEvent(StreamRecord record)
    {
        try
        {
            return (Gateway.Processing.Enrichment.EventRowJson.Read(record.Data.Span), null);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return (null, Unreadable(record, "unreadable_event_row", "events", ex));
        }
    }

    /// <summary>The bad row of a bad-rows-stream record, or one standing for an unreadable record.</summary>
    public static Gateway.Processing.Enrichment.BadRow ReadBadRow(StreamRecord record)
    {
        try
        {
            return Gateway.Processing.Enrichment.EventRowJson.ReadBadRow(record.Data.Span);
        }
        catch (Exception ex) when (IsUnreadable(ex))
        {
            return Unreadable(record, "unreadable_bad_row", "bad-rows", ex);
        }
    }

    // What the JSON readers throw for bytes that are not their row (a too-long member name ends up as ArgumentException).
    private static bool IsUnreadable(Exception ex) => ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException or FormatException;

    private static Gateway.Processing.Enrichment.BadRow Unreadable(StreamRecord record, string reason, string stream, Exception ex) =>
        Gateway.Processing.Enrichment.BadRow.Create(
            record.Data.Span,
            record.ApproximateArrivalTimestamp,
            Stage,
            reason,
            string.Create(CultureInfo.InvariantCulture, $"lake: record {record.SequenceNumber} of {record.ShardId} in the {stream} stream is not a row the enrich stage writes ({ex.Message}); it is kept here instead of being dropped"));
}
