using System.Runtime.CompilerServices;

namespace Gateway.Processing.Internal;

/// <summary>Per-field storage of a parsed line, inline so a parsed line allocates nothing.</summary>
internal static class FieldSlots
{
    // CloudFront lists 43 fields today and keeps adding some (cmcd-*, s-ip …); 64 also fits the ulong masks.
    public const int Capacity = 64;

    // 15 of the 43 fields are numbers; a line keeps only the numbers it has, in field order.
    public const int NumberCapacity = 16;
}

/// <summary>Where each configured field ends (its tab, or the end of the line), in configured order.</summary>
[InlineArray(FieldSlots.Capacity)]
internal struct FieldEndSlots
{
    private int _element;
}

[InlineArray(FieldSlots.NumberCapacity)]
internal struct NumberSlots
{
    private long _element;
}
