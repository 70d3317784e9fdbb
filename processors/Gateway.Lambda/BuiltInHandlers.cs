namespace Gateway.Lambda;

/// <summary>The handlers this bootstrap ships; <c>Program</c> serves the one <c>_HANDLER</c> names.</summary>
public static class BuiltInHandlers
{
    /// <summary>A registry with every built-in handler; pipeline handlers are added here as they land.</summary>
    public static HandlerRegistry CreateRegistry() =>
        new HandlerRegistry()
            .Add(HandlerNames.Health, static _ => new HealthHandler())
            .Add(HandlerNames.Aggregate, AggregateHandler.Create)
            .Add(HandlerNames.Enrich, EnrichHandler.Create)
            .Add(HandlerNames.Forward, ForwardHandler.Create);
}
