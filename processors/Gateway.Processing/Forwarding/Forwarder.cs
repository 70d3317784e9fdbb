using Gateway.Processing.Enrichment;

namespace Gateway.Processing.Forwarding;

/// <summary>One enriched event and its transient hit fields, on its way to the destinations.</summary>
public readonly record struct ForwardItem(EventRow Row, ForwardHit Hit);

/// <summary>An event not forwarded because it cannot be sent (stale, incomplete): the shell writes it as a bad row of stage <c>forward</c>.</summary>
/// <param name="Item">The event (null when it comes back from the spill, where only the delivery is kept).</param>
/// <param name="Delivery">The delivery, when one was built.</param>
/// <param name="Reason"><see cref="DropReasons.Stale"/> or <see cref="DropReasons.Incomplete"/>.</param>
/// <param name="Message">What is wrong; never contact data.</param>
public sealed record ForwardProblem(ForwardItem? Item, Delivery? Delivery, string Reason, string Message)
{
    /// <summary>The bad row of stage <c>forward</c> for this problem; <paramref name="now"/> dates it when nothing else does.</summary>
    /// <remarks>The raw column names the event, never its payload: the payload carries hashed contact data and the client address.</remarks>
    public BadRow ToBadRow(DateTimeOffset now)
    {
        var row = Item?.Row;
        var raw = row is null
            ? Describe(Delivery!)
            : $"pixel_id={row.PixelId}\tevent_name={row.EventName}\tevent_id={row.EventId}";
        return Create(raw, row?.EventTime ?? Delivery?.EventTime ?? now, Reason, Message);
    }

    /// <summary>The bad row of stage <c>forward</c> for a delivery a sender dropped as stale.</summary>
    public static BadRow Stale(Delivery delivery, string message)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return Create(Describe(delivery), delivery.EventTime, DropReasons.Stale, message);
    }

    private static string Describe(Delivery delivery) =>
        $"pixel_id={delivery.PixelId}\tevent_name={delivery.EventName}\tevent_id={delivery.EventId}\tdestination={delivery.Destination}";

    private static BadRow Create(string raw, DateTimeOffset time, string reason, string message) =>
        BadRow.Create(System.Text.Encoding.UTF8.GetBytes(raw), time, BadRow.ForwardStage, reason, message);
}

/// <summary>
/// The forward stage's core, shared by the local pipeline and the Lambda handler: routes each event by the control plane
/// (<see cref="ForwardRouter"/>), builds each destination's payload (Meta's server event, or the enriched row for a webhook)
/// and hands the deliveries to the destinations' senders, all destinations at once.
/// </summary>
/// <remarks>Counts go to <see cref="ForwardMetrics"/>: every event as received, then as dropped (with the rule's reason) or,
/// per destination, as forwarded or failed.</remarks>
public sealed class Forwarder(Func<ForwardRouter> router, ForwardDestinations destinations, ForwardMetrics? metrics = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Called for each event that cannot be sent; the shell writes it as a bad row.</summary>
    public Action<ForwardProblem>? OnProblem { get; init; }

    /// <summary>
    /// The events of one record of the aggregated stream (KPL, or a plain line) with their hit fields, read from the
    /// enricher's own parse. A line the enricher refuses is the enrich stage's bad row already, and a repeat (from an
    /// enricher with its own deduplicator) was forwarded the first time, so neither becomes an item.
    /// </summary>
    public static void ReadRecord(EventEnricher enricher, ReadOnlySpan<byte> record, string partitionKey, DateTimeOffset arrival, Action<ForwardItem> onItem)
    {
        ArgumentNullException.ThrowIfNull(enricher);
        ArgumentNullException.ThrowIfNull(onItem);
        KplDeaggregator.Deaggregate(record, partitionKey, null, (in DeaggregatedRecord user) =>
        {
            var line = user.Data;
            if (line is [.., (byte)'\n'])
            {
                line = line[..^1];
            }

            ForwardHit? hit = null;
            var result = enricher.Enrich(line, arrival, (in RealtimeLogLine parsed) => hit = ForwardHit.Read(parsed));
            if (result.Status == EnrichStatus.Event)
            {
                onItem(new ForwardItem(result.Event!, hit!));
            }
        });
    }

    /// <summary>Forwards <paramref name="items"/>; returns once every delivery is accepted, dead-lettered, spilled or dropped.</summary>
    public async Task<DeliveryCounts> ForwardAsync(IReadOnlyList<ForwardItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var rules = router();
        var now = _time.GetUtcNow();
        var byDestination = new Dictionary<string, List<Delivery>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var row = item.Row;
            metrics?.Received(row.PixelId, row.EventName);
            var decision = rules.Route(row);
            if (decision.Dropped)
            {
                metrics?.Dropped(row.PixelId, row.EventName, decision.DropReason!);
                continue;
            }

            foreach (var route in decision.Routes)
            {
                if (Build(item, route, now) is { } delivery)
                {
                    if (!byDestination.TryGetValue(route.Destination.Name, out var list))
                    {
                        byDestination[route.Destination.Name] = list = [];
                    }

                    list.Add(delivery);
                }
            }
        }

        var sending = new List<Task<DeliveryCounts>>(byDestination.Count);
        foreach (var (name, deliveries) in byDestination)
        {
            // Null only when the destination was removed between routing and now; the next batch routes without it.
            if (destinations.Get(name) is { } sender)
            {
                sending.Add(sender.DeliverAsync(deliveries, cancellationToken));
            }
            else
            {
                sending.Add(SpillAsync(deliveries, cancellationToken));
            }
        }

        var counts = default(DeliveryCounts);
        foreach (var result in await Task.WhenAll(sending).ConfigureAwait(false))
        {
            counts += result;
        }

        return counts;
    }

    private async Task<DeliveryCounts> SpillAsync(List<Delivery> deliveries, CancellationToken cancellationToken)
    {
        await destinations.Spill.AddAsync(deliveries, cancellationToken).ConfigureAwait(false);
        return new DeliveryCounts(0, 0, deliveries.Count, 0);
    }

    private Delivery? Build(ForwardItem item, ForwardRoute route, DateTimeOffset now)
    {
        var row = item.Row;
        var destination = route.Destination;
        if (destination.Kind == DestinationKind.Webhook)
        {
            return new Delivery(destination.Name, "", row.PixelId, row.EventName, row.EventId, row.EventTime, EventRowJson.ToUtf8(row));
        }

        var built = MetaServerEvent.Build(row, item.Hit, route.EventName, now);
        if (built.Json is null)
        {
            metrics?.Dropped(row.PixelId, row.EventName, built.DropReason!);
            OnProblem?.Invoke(new ForwardProblem(item, null, built.DropReason!, $"not sent to {destination.Name}: {built.Problem}"));
            return null;
        }

        return new Delivery(destination.Name, destination.DatasetId ?? row.PixelId, row.PixelId, row.EventName, row.EventId, row.EventTime, built.Json);
    }
}
