namespace Gateway.Processing.Metrics;

/// <summary>
/// One custom metric of the <see cref="GatewayMetrics.Namespace"/> namespace as CloudWatch keeps it: a name under one
/// dimension set (<see cref="GatewayMetrics.FunctionName"/>, plus <see cref="Breakdown"/> when there is one), published
/// by one handler.
/// </summary>
/// <param name="Handler">The handler that publishes it (<see cref="GatewayMetrics.Handlers"/>).</param>
/// <param name="Name">The metric name; several handlers may publish the same name, told apart by their function name.</param>
/// <param name="Unit">Its unit.</param>
/// <param name="Breakdown">The second dimension (<see cref="GatewayMetrics.Breakdowns"/>), or null for the function-level metric.</param>
/// <param name="Description">What one unit of it means.</param>
/// <param name="Values">
/// The values <see cref="Breakdown"/> may take, fixed in code (channels, reason codes); null when they come from the
/// configuration (pixels, destinations), capped by <see cref="GatewayMetrics.MaxPixels"/> or
/// <see cref="GatewayMetrics.MaxDestinations"/>. Anything else is published as <see cref="GatewayMetrics.Other"/>.
/// </param>
public sealed record GatewayMetric(string Handler, string Name, EmfUnit Unit, string? Breakdown, string Description, IReadOnlyList<string>? Values = null)
{
    /// <summary>The dimension names of the set it is published under, in order.</summary>
    public IReadOnlyList<string> Dimensions =>
        Breakdown is null ? [GatewayMetrics.FunctionName] : [GatewayMetrics.FunctionName, Breakdown];

    /// <summary>
    /// The most CloudWatch metrics (name and dimension values) this one becomes per function: 1 without a breakdown,
    /// otherwise every allowed value plus <see cref="GatewayMetrics.Other"/>.
    /// </summary>
    public int MaxSeries => Breakdown is null ? 1 : (Values?.Count ?? GatewayMetrics.MaxConfiguredValues(Breakdown)) + 1;

    /// <inheritdoc />
    public override string ToString() => Breakdown is null ? $"{Handler}:{Name}" : $"{Handler}:{Name} by {Breakdown}";
}
