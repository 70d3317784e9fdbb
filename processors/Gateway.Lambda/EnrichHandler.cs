using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Gateway.Lambda.Internal;
using Gateway.Processing.Enrichment;
using Gateway.Processing.Metrics;

namespace Gateway.Lambda;

/// <summary>
/// <c>enrich</c>: the Firehose data-transformation Lambda. Each record is one CloudFront real-time log line; its answer is
/// the enriched event row as one JSON line with Hive partition keys (<c>Ok</c>), <c>Dropped</c> for a repeat of an event
/// id, or <c>ProcessingFailed</c> with the bad row as JSON (stage, reason, message, the line with IPs cut to prefixes).
/// </summary>
/// <remarks>
/// <para>Configuration (environment): see <see cref="Create"/>. The rule sets, the enricher and the event-id
/// deduplicator are built once per execution environment and shared by all of its invocations.</para>
/// <para>The response stays under <see cref="DefaultResponseBudget"/> bytes: when the answers would not fit, the
/// records from some point on are answered <c>ProcessingFailed</c> with reason <see cref="BudgetReason"/>, so Firehose
/// writes them under the error prefix instead of failing the whole invocation.</para>
/// </remarks>
public sealed partial class EnrichHandler : JsonLambdaHandler<FirehoseTransformationEvent, FirehoseTransformationResponse>
{
    /// <summary>Largest response written, in bytes of JSON.</summary>
    /// <remarks>
    /// Lambda refuses a synchronous response over 6 MB (6,291,456 bytes); the sizes are counted exactly for ordinary
    /// record ids, and the remaining ~290 KB absorbs whatever the service adds to or counts in the payload.
    /// </remarks>
    public const int DefaultResponseBudget = 6_000_000;

    /// <summary>The <c>bad_rows.reason</c> of a record answered <c>ProcessingFailed</c> only because the response was full.</summary>
    public const string BudgetReason = "response_budget";

    /// <summary>The message of such a record: what happened and the setting that prevents it.</summary>
    public const string BudgetMessage =
        "response budget exceeded; lower the Firehose Lambda processor BufferSizeInMBs so each batch's enriched rows fit in Lambda's 6 MB response";

    private const string BudgetMessageWithoutLine = BudgetMessage + " (the line is omitted: even the failure answers with it did not fit)";

    private readonly EventEnricher _enricher;
    private readonly EventIdDeduplicator _deduplicator;
    private readonly TimeProvider _time;
    private readonly long _budget;
    private DomainFlags? _flags;

    /// <summary>Creates the handler over an enricher built without a deduplicator of its own; <paramref name="deduplicator"/> remembers event ids across invocations.</summary>
    /// <exception cref="ArgumentException"><paramref name="enricher"/> has a deduplicator (see the remarks on <see cref="Commit"/>).</exception>
    public EnrichHandler(EventEnricher enricher, EventIdDeduplicator deduplicator, TimeProvider time)
        : this(enricher, deduplicator, time, DefaultResponseBudget)
    {
    }

    internal EnrichHandler(EventEnricher enricher, EventIdDeduplicator deduplicator, TimeProvider time, long responseBudget)
        : base(LambdaJsonContext.Default.FirehoseTransformationEvent, LambdaJsonContext.Default.FirehoseTransformationResponse)
    {
        ArgumentNullException.ThrowIfNull(enricher);
        ArgumentNullException.ThrowIfNull(deduplicator);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(responseBudget, 1);
        if (enricher.Options.Deduplicator is not null)
        {
            throw new ArgumentException(
                "The enricher has its own deduplicator; build it without one and pass the deduplicator to the handler, which remembers ids only for answered records.",
                nameof(enricher));
        }

        _enricher = enricher;
        _deduplicator = deduplicator;
        _time = time;
        _budget = responseBudget;
    }

    /// <summary>The domain rules the enricher's <see cref="EnricherOptions.Flag"/> reads, refreshed before each batch.</summary>
    internal DomainFlags? Flags
    {
        get => _flags;
        init => _flags = value;
    }

    /// <inheritdoc />
    protected override async ValueTask<FirehoseTransformationResponse> HandleEventAsync(FirehoseTransformationEvent @event, LambdaContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(context);
        if (_flags is not null)
        {
            await _flags.RefreshAsync(context.Logger, cancellationToken).ConfigureAwait(false);
        }

        var records = @event.Records;
        var answers = new Answer[records.Count];
        var hits = _enricher.UserAgentCacheHits;
        var misses = _enricher.UserAgentCacheMisses;
        var buffer = new ArrayBufferWriter<byte>(2048);
        var size = FirehoseResponseSize.Envelope(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            // Nothing is remembered before the response is settled, so stopping here leaves a clean retry to Firehose.
            cancellationToken.ThrowIfCancellationRequested();
            answers[i] = Enrich(records[i], buffer);
            size += answers[i].Size;
        }

        var overBudget = size > _budget ? FitToBudget(records, answers, size) : 0;
        var response = Commit(records, answers);
        Log(context.Logger, response, overBudget, _enricher.UserAgentCacheHits - hits, _enricher.UserAgentCacheMisses - misses);
        context.Logger.Metrics(Metrics(answers, context));
        return response;
    }

    private Answer Enrich(FirehoseTransformationRecord record, ArrayBufferWriter<byte> buffer)
    {
        var result = _enricher.Enrich(Line(record), Arrival(record));
        var answer = new FirehoseTransformedRecord { RecordId = record.RecordId };
        string? eventId = null;
        EventRow? stored = null;
        string? reason = null;
        switch (result.Status)
        {
            case EnrichStatus.Event:
                var row = result.Event!;
                buffer.ResetWrittenCount();
                EventRowJson.Write(row, buffer);
                buffer.Write("\n"u8);
                answer.Result = FirehoseRecordResult.Ok;
                answer.Data = buffer.WrittenSpan.ToArray();
                answer.Metadata = PartitionMetadata(row.Partition);
                eventId = row.EventId;
                stored = row;
                break;
            case EnrichStatus.BadRow:
                answer.Result = FirehoseRecordResult.ProcessingFailed;
                answer.Data = EventRowJson.ToUtf8(result.BadRow!);
                reason = result.BadRow!.Reason;
                break;
            default:
                // Duplicate comes only from an enricher with its own deduplicator, which the constructor refuses.
                throw new UnreachableException($"The enricher answered {result.Status}.");
        }

        return new Answer(answer, eventId, FirehoseResponseSize.Of(answer), stored, reason);
    }

    /// <summary>
    /// Answers records with the budget failure, from the last one backwards, until the response fits: the longest prefix
    /// keeps its real answers. Returns how many records were so answered.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not even failure answers without the lines fit; the invocation fails,
    /// and Firehose retries it and then writes the whole batch under the error prefix itself.</exception>
    private int FitToBudget(IReadOnlyList<FirehoseTransformationRecord> records, Answer[] answers, long size)
    {
        var first = answers.Length;
        while (size > _budget && first > 0)
        {
            first--;
            size = Replace(first, withLine: true);
        }

        if (size <= _budget)
        {
            return answers.Length - first;
        }

        // Every record now has a failure answer with its line, each about as large as the record came in; for a batch
        // of many short lines even that overflows, so these answers give up their lines, again from the end.
        for (var last = answers.Length; size > _budget && last > 0;)
        {
            last--;
            size = Replace(last, withLine: false);
        }

        return size <= _budget
            ? answers.Length
            : throw new InvalidOperationException(
                $"{records.Count} records cannot be answered within the {_budget}-byte response budget even without their lines; lower the Firehose Lambda processor BufferSizeInMBs.");

        long Replace(int index, bool withLine)
        {
            var failure = BudgetFailure(records[index], withLine);
            var resized = size + failure.Size - answers[index].Size;
            answers[index] = failure;
            return resized;
        }
    }

    private Answer BudgetFailure(FirehoseTransformationRecord record, bool withLine)
    {
        var bad = BadRow.Create(withLine ? Line(record) : [], Arrival(record), BadRow.EnrichStage, BudgetReason, withLine ? BudgetMessage : BudgetMessageWithoutLine);
        var answer = new FirehoseTransformedRecord { RecordId = record.RecordId, Result = FirehoseRecordResult.ProcessingFailed, Data = EventRowJson.ToUtf8(bad) };
        return new Answer(answer, null, FirehoseResponseSize.Of(answer), null, BudgetReason);
    }

    /// <summary>Remembers the event ids of the rows answered <c>Ok</c>; a repeat, in this batch or an earlier one, becomes <c>Dropped</c>.</summary>
    /// <remarks>
    /// Ids are remembered only here, once every answer is settled. An id remembered earlier, for a record then answered
    /// with the budget failure or in an invocation that fails and that Firehose retries, would turn the record's next
    /// delivery into a duplicate and drop it. Dropping only shrinks the response, so it stays within the budget.
    /// </remarks>
    private FirehoseTransformationResponse Commit(IReadOnlyList<FirehoseTransformationRecord> records, Answer[] answers)
    {
        var results = new FirehoseTransformedRecord[records.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            var answer = answers[i].Record;
            if (answers[i].EventId is { } id && !_deduplicator.TryAdd(id))
            {
                // Firehose requires the data member even for a dropped record; empty is enough.
                answer.Result = FirehoseRecordResult.Dropped;
                answer.Data = ReadOnlyMemory<byte>.Empty;
                answer.Metadata = null;
            }

            results[i] = answer;
        }

        return new FirehoseTransformationResponse { Records = results };
    }

    /// <summary>The invocation's metrics, counted from the settled answers: a row dropped as a repeat counts as a duplicate only.</summary>
    private GatewayMetricSet Metrics(Answer[] answers, LambdaContext context)
    {
        var set = InvocationMetrics.Start(GatewayMetrics.Enrich, context, _time, _flags?.Pixels);
        set.Add(GatewayMetrics.EnrichRecords, answers.Length);
        var pixels = _flags?.Pixels is not null;
        foreach (var answer in answers)
        {
            switch (answer.Record.Result)
            {
                case FirehoseRecordResult.Dropped:
                    set.Add(GatewayMetrics.EnrichDuplicates, 1);
                    break;
                case FirehoseRecordResult.ProcessingFailed:
                    set.Add(GatewayMetrics.EnrichBadRows, 1).Add(GatewayMetrics.EnrichBadRowsByReason, answer.Reason, 1);
                    break;
                default:
                    Count(set, answer.Row!, pixels);
                    break;
            }
        }

        return set;
    }

    // The same rules as the local dashboard's rollups: email opens split into machine and (non-bot) human ones,
    // conversions exclude bots.
    private static void Count(GatewayMetricSet set, EventRow row, bool pixels)
    {
        set.Add(GatewayMetrics.EnrichEvents, 1).Add(GatewayMetrics.EnrichEventsByChannel, row.Channel, 1);
        if (row.IsBot)
        {
            set.Add(GatewayMetrics.EnrichBots, 1);
        }

        if (row.Channel == "email")
        {
            if (row.IsMachineOpen)
            {
                set.Add(GatewayMetrics.EnrichMachineOpens, 1);
            }
            else if (!row.IsBot)
            {
                set.Add(GatewayMetrics.EnrichHumanOpens, 1);
            }
        }

        var conversion = !row.IsBot && GatewayMetrics.ConversionEvents.Contains(row.EventName);
        if (conversion)
        {
            set.Add(GatewayMetrics.EnrichConversions, 1);
        }

        // Without the forward settings no pixel is known, and every one would count under (other): nothing is published.
        if (pixels)
        {
            set.Add(GatewayMetrics.EnrichEventsByPixel, row.PixelId, 1);
            if (conversion)
            {
                set.Add(GatewayMetrics.EnrichConversionsByPixel, row.PixelId, 1);
            }
        }
    }

    private static void Log(LambdaLogger logger, FirehoseTransformationResponse response, int overBudget, long hits, long misses)
    {
        var ok = response.Records.Count(r => r.Result == FirehoseRecordResult.Ok);
        var dropped = response.Records.Count(r => r.Result == FirehoseRecordResult.Dropped);
        var failed = response.Records.Count - ok - dropped - overBudget;

        // Counts only: the rows carry visitor data that belongs in the lake, not in a log group.
        var lookups = hits + misses;
        var hitRate = lookups == 0 ? "n/a" : (hits / (double)lookups).ToString("P1", CultureInfo.InvariantCulture);
        var line = $"enrich: {response.Records.Count} records: {ok} ok, {dropped} dropped, {failed} failed, {overBudget} budget-failed; user-agent cache hit rate {hitRate}";
        if (overBudget == 0)
        {
            logger.Info(line);
        }
        else
        {
            logger.Warn($"{line}. The answers did not fit the response budget; lower the Firehose Lambda processor BufferSizeInMBs.");
        }
    }

    /// <summary>The record's line without one trailing LF or CRLF.</summary>
    private static ReadOnlySpan<byte> Line(FirehoseTransformationRecord record)
    {
        var data = record.Data.Span;
        if (data is [.., (byte)'\n'])
        {
            data = data[..^1];
            if (data is [.., (byte)'\r'])
            {
                data = data[..^1];
            }
        }

        return data;
    }

    // The arrival dates a bad row whose own timestamp is unreadable; a record without one is dated by the clock.
    private DateTimeOffset Arrival(FirehoseTransformationRecord record) =>
        record.ApproximateArrivalTimestamp == default ? _time.GetUtcNow() : record.ApproximateArrivalTimestamp;

    private static FirehoseRecordMetadata PartitionMetadata(PartitionKeys keys) => new()
    {
        PartitionKeys = new Dictionary<string, string>(4, StringComparer.Ordinal)
        {
            ["year"] = keys.Year,
            ["month"] = keys.Month,
            ["day"] = keys.Day,
            ["hour"] = keys.Hour,
        },
    };

    /// <summary>A record's answer while the response is being planned: the event id it will remember, its size, and for the metrics its row or bad-row reason.</summary>
    private readonly record struct Answer(FirehoseTransformedRecord Record, string? EventId, long Size, EventRow? Row, string? Reason);
}
