using System.Text.Json.Serialization.Metadata;
using Gateway.Aws.Internal;

namespace Gateway.Aws.Athena;

/// <summary>An Amazon Athena client over the AWS JSON 1.1 protocol: the raw query calls, and <see cref="RunQueryAsync(AthenaQuery, CancellationToken)"/> which runs a query to its rows.</summary>
/// <remarks>The raw methods are one API call each, without retries; RunQueryAsync retries throttled calls with the same idempotency token.</remarks>
public sealed class AthenaClient : IDisposable
{
    /// <summary>The SigV4 service name.</summary>
    public const string SigningName = "athena";

    /// <summary>The X-Amz-Target prefix.</summary>
    public const string TargetPrefix = "AmazonAthena";

    private const int MinTokenLength = 32;
    private const int MaxTokenLength = 128;
    private const int MaxQueryLength = 262_144;
    private const int MaxPageSize = 1000;

    // How long a best-effort StopQueryExecution may take after the caller gave up. Real time on purpose: the caller's
    // clock may be a test's, and this only bounds a network call.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly AwsJsonClient _json;
    private readonly HttpClient? _ownedHttp;
    private readonly TimeProvider _time;
    private readonly AthenaClientOptions _options;

    /// <summary>Creates a client; without <paramref name="httpClient"/> it owns one, without <paramref name="credentials"/> it uses the AWS SDK's default chain.</summary>
    /// <param name="options">Region, endpoint, polling and paging.</param>
    /// <param name="httpClient">Sends the requests; null creates one this client disposes.</param>
    /// <param name="credentials">Signing credentials; null uses the AWS SDK's chain (env, profile, SSO, IMDS).</param>
    /// <param name="time">The signing clock and the clock status polls wait on.</param>
    public AthenaClient(AthenaClientOptions options, HttpClient? httpClient = null, IAwsCredentialsProvider? credentials = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.FirstPollDelay <= TimeSpan.Zero || options.MaxPollDelay < options.FirstPollDelay)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                $"AthenaClientOptions.FirstPollDelay must be positive and at most MaxPollDelay; got {options.FirstPollDelay} and {options.MaxPollDelay}.");
        }

        if (options.PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"AthenaClientOptions.PageSize must be 1..1000 (GetQueryResults' MaxResults); got {options.PageSize}.");
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"AthenaClientOptions.MaxAttempts must be at least 1; got {options.MaxAttempts}.");
        }

        _time = time ?? TimeProvider.System;
        _options = options;
        _json = AwsJsonClient.Create(
            new AwsServiceName("Athena", SigningName, TargetPrefix, "AthenaClientOptions"),
            options.Region,
            options.ServiceUrl,
            httpClient,
            credentials,
            _time,
            (region, endpoint) => (code, operation, resource) => AthenaErrors.Fix(code, operation, resource, region, endpoint),
            out _ownedHttp);
    }

    /// <summary>The URL every call is sent to.</summary>
    public Uri Endpoint => _json.Endpoint;

    /// <summary>The region requests are signed for.</summary>
    public string Region => _json.Region;

    /// <summary>https://athena.{region}.amazonaws.com/ (amazonaws.com.cn in the China regions).</summary>
    public static Uri DefaultEndpoint(string region) => AwsJsonClient.DefaultEndpoint(SigningName, region);

    /// <summary>A fresh idempotency token: 32 lowercase hex characters.</summary>
    public static string NewClientRequestToken() => Guid.NewGuid().ToString("N");

    /// <summary>Starts a query; a request without a ClientRequestToken gets a new one.</summary>
    public Task<StartQueryExecutionResponse> StartQueryExecutionAsync(StartQueryExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.QueryString) || request.QueryString.Length > MaxQueryLength)
        {
            throw new ArgumentException($"QueryString must be 1..262144 characters; got {request.QueryString?.Length ?? 0}.", nameof(request));
        }

        if (request.ClientRequestToken is { Length: < MinTokenLength or > MaxTokenLength } token)
        {
            throw new ArgumentException($"ClientRequestToken must be 32..128 characters; got {token.Length}.", nameof(request));
        }

        var sent = request.ClientRequestToken is null ? request with { ClientRequestToken = NewClientRequestToken() } : request;
        return Invoke("StartQueryExecution", sent, GlueAthenaJsonContext.Default.StartQueryExecutionRequest, GlueAthenaJsonContext.Default.StartQueryExecutionResponse, request.WorkGroup, cancellationToken);
    }

    /// <summary>A query's state, statement type and statistics.</summary>
    public Task<GetQueryExecutionResponse> GetQueryExecutionAsync(GetQueryExecutionRequest request, CancellationToken cancellationToken = default) =>
        Invoke("GetQueryExecution", request, GlueAthenaJsonContext.Default.GetQueryExecutionRequest, GlueAthenaJsonContext.Default.GetQueryExecutionResponse, request?.QueryExecutionId, cancellationToken);

    /// <summary>One page of a SUCCEEDED query's rows.</summary>
    public Task<GetQueryResultsResponse> GetQueryResultsAsync(GetQueryResultsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.MaxResults is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"MaxResults must be 1..1000; got {request.MaxResults}.");
        }

        return Invoke("GetQueryResults", request, GlueAthenaJsonContext.Default.GetQueryResultsRequest, GlueAthenaJsonContext.Default.GetQueryResultsResponse, request.QueryExecutionId, cancellationToken);
    }

    /// <summary>Stops a QUEUED or RUNNING query (a finished one is left as it is).</summary>
    public Task<StopQueryExecutionResponse> StopQueryExecutionAsync(StopQueryExecutionRequest request, CancellationToken cancellationToken = default) =>
        Invoke("StopQueryExecution", request, GlueAthenaJsonContext.Default.StopQueryExecutionRequest, GlueAthenaJsonContext.Default.StopQueryExecutionResponse, request?.QueryExecutionId, cancellationToken);

    /// <summary>Runs <paramref name="sql"/> and returns all its rows; see <see cref="RunQueryAsync(AthenaQuery, CancellationToken)"/>.</summary>
    public Task<AthenaQueryResult> RunQueryAsync(string sql, string? database, string? workGroup, string? outputLocation = null, CancellationToken cancellationToken = default) =>
        RunQueryAsync(new AthenaQuery { Sql = sql, Database = database, WorkGroup = workGroup, OutputLocation = outputLocation }, cancellationToken);

    /// <summary>
    /// Starts the query, polls until it finishes (waits double from <see cref="AthenaClientOptions.FirstPollDelay"/> up to
    /// <see cref="AthenaClientOptions.MaxPollDelay"/>), then reads every page of rows. On cancellation or a failure while
    /// it runs, the query is stopped (best effort) before the exception is rethrown.
    /// </summary>
    /// <exception cref="AthenaQueryException">The query ended FAILED or CANCELLED.</exception>
    /// <exception cref="AwsServiceException">Athena rejected a call (after retries for throttling).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<AthenaQueryResult> RunQueryAsync(AthenaQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentException.ThrowIfNullOrWhiteSpace(query.Sql, nameof(query));

        // One token for every attempt: if a throttled or dropped start did reach Athena, the retry returns that
        // query instead of starting a second one.
        var start = new StartQueryExecutionRequest
        {
            QueryString = query.Sql,
            ClientRequestToken = query.ClientRequestToken ?? NewClientRequestToken(),
            QueryExecutionContext = query.Database is null && query.Catalog is null ? null : new QueryExecutionContext { Database = query.Database, Catalog = query.Catalog },
            ResultConfiguration = query.OutputLocation is null ? null : new ResultConfiguration { OutputLocation = query.OutputLocation },
            WorkGroup = query.WorkGroup,
            ExecutionParameters = query.ExecutionParameters is { Count: > 0 } parameters ? parameters : null,
        };
        var id = (await WithRetriesAsync(ct => StartQueryExecutionAsync(start, ct), cancellationToken).ConfigureAwait(false)).QueryExecutionId;

        QueryExecution execution;
        try
        {
            execution = await WaitForQueryAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not AthenaQueryException)
        {
            // The caller gave up (or polling failed): stop paying for a query nobody will read.
            await StopQuietlyAsync(id).ConfigureAwait(false);
            throw;
        }

        return await ReadResultsAsync(execution, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the HttpClient this client created, if any.</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    /// <summary>Whether the first row of a result page is Athena's header row: it repeats the column labels.</summary>
    internal static bool IsHeaderRow(Row row, IReadOnlyList<ColumnInfo> columns)
    {
        if (row.Data.Count != columns.Count || columns.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < columns.Count; i++)
        {
            var label = columns[i].Label ?? columns[i].Name;
            if (!string.Equals(row.Data[i].VarCharValue, label, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private async Task<QueryExecution> WaitForQueryAsync(string id, CancellationToken cancellationToken)
    {
        var delay = _options.FirstPollDelay;
        while (true)
        {
            var execution = (await WithRetriesAsync(
                ct => GetQueryExecutionAsync(new GetQueryExecutionRequest { QueryExecutionId = id }, ct),
                cancellationToken).ConfigureAwait(false)).QueryExecution;
            var state = execution.Status?.State;
            switch (state)
            {
                case AthenaQueryState.Succeeded:
                    return execution;
                case AthenaQueryState.Queued or AthenaQueryState.Running:
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollDelay.Ticks));
                    break;
                default:
                    throw new AthenaQueryException(id, string.IsNullOrEmpty(state) ? "(no state)" : state, execution.Status?.StateChangeReason, execution.Status?.AthenaError);
            }
        }
    }

    private async Task<AthenaQueryResult> ReadResultsAsync(QueryExecution execution, CancellationToken cancellationToken)
    {
        var id = execution.QueryExecutionId;
        // Only a DML (SELECT) result starts with a header row; SHOW/DESCRIBE/DDL output does not, and their first row
        // may well spell a column label.
        var mayHaveHeader = execution.StatementType == AthenaStatementType.Dml;
        IReadOnlyList<ColumnInfo> columns = [];
        var rows = new List<string?[]>();
        long? updateCount = null;
        string? nextToken = null;
        var firstPage = true;
        do
        {
            var request = new GetQueryResultsRequest { QueryExecutionId = id, NextToken = nextToken, MaxResults = _options.PageSize };
            var page = await WithRetriesAsync(ct => GetQueryResultsAsync(request, ct), cancellationToken).ConfigureAwait(false);
            var pageRows = page.ResultSet?.Rows ?? [];
            if (firstPage)
            {
                columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
                updateCount = page.UpdateCount;
            }

            var skip = firstPage && mayHaveHeader && pageRows.Count > 0 && IsHeaderRow(pageRows[0], columns) ? 1 : 0;
            for (var r = skip; r < pageRows.Count; r++)
            {
                var data = pageRows[r].Data;
                var values = new string?[data.Count];
                for (var c = 0; c < data.Count; c++)
                {
                    // A NULL cell is a Datum without VarCharValue.
                    values[c] = data[c].VarCharValue;
                }

                rows.Add(values);
            }

            firstPage = false;
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        var stats = execution.Statistics;
        return new AthenaQueryResult(
            [.. columns.Select(c => new AthenaColumn(c.Label ?? c.Name, c.Type))],
            rows,
            new AthenaQueryStatistics(id, stats?.DataScannedInBytes ?? 0, stats?.EngineExecutionTimeInMillis ?? 0, stats?.TotalExecutionTimeInMillis ?? 0),
            execution.StatementType,
            execution.ResultConfiguration?.OutputLocation,
            updateCount);
    }

    private async Task<T> WithRetriesAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var delay = _options.FirstPollDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && e is AwsServiceException { IsRetryable: true } or HttpRequestException)
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollDelay.Ticks));
            }
        }
    }

    private async Task StopQuietlyAsync(string id)
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await StopQueryExecutionAsync(new StopQueryExecutionRequest { QueryExecutionId = id }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AwsServiceException or HttpRequestException or OperationCanceledException)
        {
            // Best effort: the original exception is what the caller needs; a query left running ends by itself.
        }
    }

    private Task<TResponse> Invoke<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        string? resource,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _json.InvokeAsync(operation, request, requestType, responseType, resource, cancellationToken);
    }
}
