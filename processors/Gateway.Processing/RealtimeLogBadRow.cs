namespace Gateway.Processing;

/// <summary>A line that did not parse: the stage, the reason, the field and byte where it failed, and a message for <c>bad_rows</c>.</summary>
public readonly record struct RealtimeLogBadRow
{
    /// <summary>The <c>bad_rows</c> stage name of this parser.</summary>
    public const string ParseStage = "parse";

    internal RealtimeLogBadRow(BadRowReason reason, RealtimeLogField? field, int position, string message)
    {
        Reason = reason;
        Field = field;
        Position = position;
        Message = message;
    }

    /// <summary>The pipeline stage that rejected the line (<c>parse</c>).</summary>
    public string Stage => ParseStage;

    /// <summary>What was wrong.</summary>
    public BadRowReason Reason { get; }

    /// <summary>The field at fault, when one is.</summary>
    public RealtimeLogField? Field { get; }

    /// <summary>Byte offset in the line where the fault starts, or -1 when it is the whole line.</summary>
    public int Position { get; }

    /// <summary>A sentence naming the field and position, stored as the <c>bad_rows</c> reason.</summary>
    public string Message { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Stage}: {Message}";
}
