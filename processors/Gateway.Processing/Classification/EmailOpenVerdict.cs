namespace Gateway.Processing.Classification;

/// <summary>Whether an email open was a machine fetch (privacy proxy, image cache or scanner), and the rule that said so.</summary>
public readonly record struct EmailOpenVerdict(bool IsMachineOpen, string? Reason)
{
    /// <summary>No rule matched: treated as a person opening the message.</summary>
    public static EmailOpenVerdict Person => default;
}
