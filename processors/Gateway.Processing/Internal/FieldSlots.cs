using System.Runtime.CompilerServices;

namespace Gateway.Processing.Internal;

/// <summary>Per-field storage indexed by <see cref="RealtimeLogField"/>, inline so a parsed line allocates nothing.</summary>
internal static class FieldSlots
{
    // CloudFront lists 43 fields today and keeps adding some (cmcd-*, s-ip …); 64 also fits the ulong masks.
    public const int Capacity = 64;
}

[InlineArray(FieldSlots.Capacity)]
internal struct FieldRangeSlots
{
    private FieldRange _element;
}

[InlineArray(FieldSlots.Capacity)]
internal struct NumberSlots
{
    private long _element;
}
