using System.Text.Json.Serialization.Metadata;
using Gateway.Aws.Internal;

namespace Gateway.Aws.Glue;

/// <summary>An AWS Glue Data Catalog client over the AWS JSON 1.1 protocol, for the lake's table definitions.</summary>
/// <remarks>Each method but <see cref="ApplyTableAsync"/> is one API call without retries.</remarks>
public sealed class GlueClient : IDisposable
{
    /// <summary>The SigV4 service name.</summary>
    public const string SigningName = "glue";

    /// <summary>The X-Amz-Target prefix.</summary>
    public const string TargetPrefix = "AWSGlue";

    private readonly AwsJsonClient _json;
    private readonly HttpClient? _ownedHttp;

    /// <summary>Creates a client; without <paramref name="httpClient"/> it owns one, without <paramref name="credentials"/> it uses the AWS SDK's default chain.</summary>
    /// <param name="options">Region and endpoint.</param>
    /// <param name="httpClient">Sends the requests; null creates one this client disposes.</param>
    /// <param name="credentials">Signing credentials; null uses the AWS SDK's chain (env, profile, SSO, IMDS).</param>
    /// <param name="time">The signing clock.</param>
    public GlueClient(GlueClientOptions options, HttpClient? httpClient = null, IAwsCredentialsProvider? credentials = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _json = AwsJsonClient.Create(
            new AwsServiceName("Glue", SigningName, TargetPrefix, "GlueClientOptions"),
            options.Region,
            options.ServiceUrl,
            httpClient,
            credentials,
            time ?? TimeProvider.System,
            (region, endpoint) => (code, operation, resource) => GlueErrors.Fix(code, operation, resource, region, endpoint),
            out _ownedHttp);
    }

    /// <summary>The URL every call is sent to.</summary>
    public Uri Endpoint => _json.Endpoint;

    /// <summary>The region requests are signed for.</summary>
    public string Region => _json.Region;

    /// <summary>https://glue.{region}.amazonaws.com/ (amazonaws.com.cn in the China regions).</summary>
    public static Uri DefaultEndpoint(string region) => AwsJsonClient.DefaultEndpoint(SigningName, region);

    /// <summary>The table's definition, or null when Glue answers EntityNotFoundException (no such table, or no such database).</summary>
    public async Task<GlueTableInput?> GetTableAsync(string databaseName, string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        ArgumentException.ThrowIfNullOrEmpty(tableName);
        try
        {
            var response = await Invoke(
                "GetTable",
                new GlueGetTableRequest(databaseName, tableName),
                GlueAthenaJsonContext.Default.GlueGetTableRequest,
                GlueAthenaJsonContext.Default.GlueGetTableResponse,
                $"{databaseName}.{tableName}",
                cancellationToken).ConfigureAwait(false);
            return response.Table?.ToInput();
        }
        catch (AwsServiceException e) when (e.ErrorCode == "EntityNotFoundException")
        {
            return null;
        }
    }

    /// <summary>Creates the database <paramref name="databaseName"/>; false when it exists already.</summary>
    public async Task<bool> CreateDatabaseIfMissingAsync(string databaseName, string? description, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        try
        {
            await Invoke(
                "CreateDatabase",
                new GlueCreateDatabaseRequest(new GlueDatabaseInput(databaseName, description)),
                GlueAthenaJsonContext.Default.GlueCreateDatabaseRequest,
                GlueAthenaJsonContext.Default.GlueEmptyResponse,
                databaseName,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException e) when (e.ErrorCode == "AlreadyExistsException")
        {
            return false;
        }
    }

    /// <summary>Creates the table in <paramref name="databaseName"/>.</summary>
    /// <exception cref="AwsServiceException">AlreadyExistsException when it exists; EntityNotFoundException when the database does not.</exception>
    public Task CreateTableAsync(string databaseName, GlueTableInput table, CancellationToken cancellationToken = default) =>
        Write("CreateTable", databaseName, table, cancellationToken);

    /// <summary>Replaces the table's whole definition (members left out are removed, as UpdateTable does).</summary>
    /// <exception cref="AwsServiceException">EntityNotFoundException when the table or database does not exist.</exception>
    public Task UpdateTableAsync(string databaseName, GlueTableInput table, CancellationToken cancellationToken = default) =>
        Write("UpdateTable", databaseName, table, cancellationToken);

    /// <summary>
    /// Makes the table match <paramref name="table"/>: creates it when missing, updates it when
    /// <see cref="GlueTableDiff.Describe"/> finds a difference, and otherwise sends nothing. Columns are only ever
    /// appended: an update that would drop, rename, retype or move a column the table has is refused.
    /// </summary>
    /// <exception cref="GlueSchemaConflictException">The table has columns <paramref name="table"/> does not keep.</exception>
    public async Task<GlueApplyResult> ApplyTableAsync(string databaseName, GlueTableInput table, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        ArgumentNullException.ThrowIfNull(table);
        var existing = await GetTableAsync(databaseName, table.Name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            try
            {
                await CreateTableAsync(databaseName, table, cancellationToken).ConfigureAwait(false);
                return new GlueApplyResult(GlueApplyOutcome.Created, []);
            }
            catch (AwsServiceException e) when (e.ErrorCode == "AlreadyExistsException")
            {
                // Created by someone else since GetTable: compare against theirs like any existing table.
                existing = await GetTableAsync(databaseName, table.Name, cancellationToken).ConfigureAwait(false);
                if (existing is null)
                {
                    throw;
                }
            }
        }

        var changes = GlueTableDiff.Describe(existing, table);
        if (changes.Count == 0)
        {
            return new GlueApplyResult(GlueApplyOutcome.Unchanged, []);
        }

        if (GlueTableDiff.LostColumns(existing, table) is { Count: > 0 } lost)
        {
            throw new GlueSchemaConflictException(databaseName, table.Name, lost);
        }

        await UpdateTableAsync(databaseName, table, cancellationToken).ConfigureAwait(false);
        return new GlueApplyResult(GlueApplyOutcome.Updated, changes);
    }

    /// <summary>Disposes the HttpClient this client created, if any.</summary>
    public void Dispose() => _ownedHttp?.Dispose();

    private Task Write(string operation, string databaseName, GlueTableInput table, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(databaseName);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrEmpty(table.Name, nameof(table));
        return Invoke(
            operation,
            new GlueTableRequest(databaseName, table),
            GlueAthenaJsonContext.Default.GlueTableRequest,
            GlueAthenaJsonContext.Default.GlueEmptyResponse,
            $"{databaseName}.{table.Name}",
            cancellationToken);
    }

    private Task<TResponse> Invoke<TRequest, TResponse>(
        string operation,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        string? resource,
        CancellationToken cancellationToken) =>
        _json.InvokeAsync(operation, request, requestType, responseType, resource, cancellationToken);
}
