namespace Gateway.Dashboards.Sketches;

/// <summary>
/// One monitored item of a <see cref="SpaceSaving"/> sketch: its true count lies in
/// [<see cref="Count"/> − <see cref="Error"/>, <see cref="Count"/>].
/// </summary>
/// <param name="Item">The item (cut to <see cref="SpaceSaving.MaxItemLength"/> chars).</param>
/// <param name="Count">The estimated count, never below the true count.</param>
/// <param name="Error">The most by which <paramref name="Count"/> can exceed the true count.</param>
public readonly record struct SpaceSavingEntry(string Item, long Count, long Error)
{
    /// <summary>The count the item certainly reached: <see cref="Count"/> − <see cref="Error"/>.</summary>
    public long GuaranteedCount => Count - Error;
}
