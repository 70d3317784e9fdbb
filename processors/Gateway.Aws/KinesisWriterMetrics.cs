namespace Gateway.Aws;

/// <summary>A snapshot of a <see cref="KinesisRecordWriter"/>'s counters since it was created.</summary>
/// <param name="PutRecordsCalls">PutRecords requests sent, retries included.</param>
/// <param name="RecordsSucceeded">Entries Kinesis stored.</param>
/// <param name="ThrottledEntries">Entry attempts rejected with ProvisionedThroughputExceededException (per entry, or the whole call).</param>
/// <param name="InternalFailureEntries">Entry attempts rejected with InternalFailure or another retryable server-side error.</param>
/// <param name="Retries">Retry rounds: calls that resent the entries still pending after a partial or whole-call failure.</param>
/// <param name="RetriedEntries">Entries resent by those rounds.</param>
/// <param name="FailedEntries">Entries given up on after the last attempt (or after a non-retryable error).</param>
public sealed record KinesisWriterMetrics(
    long PutRecordsCalls,
    long RecordsSucceeded,
    long ThrottledEntries,
    long InternalFailureEntries,
    long Retries,
    long RetriedEntries,
    long FailedEntries);
