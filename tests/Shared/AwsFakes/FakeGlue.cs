using System.Text.Json.Nodes;
using Gateway.Aws;
using Gateway.Aws.Glue;

namespace Gateway.Tests.Shared;

/// <summary>
/// The Glue Data Catalog's table calls behind a <see cref="FakeJson11Server"/>: tables live in memory per database;
/// GetTable answers the stored TableInput plus the members Glue adds (DatabaseName, CreateTime, VersionId …);
/// a missing database or table is an HTTP 400 EntityNotFoundException, a second CreateTable (or CreateDatabase) an
/// AlreadyExistsException.
/// </summary>
internal sealed class FakeGlue : IAsyncDisposable
{
    public const string Region = "eu-west-1";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _versions = new(StringComparer.Ordinal);
    private int _hiddenGets;

    private FakeGlue()
    {
    }

    public FakeJson11Server Server { get; private set; } = null!;

    /// <summary>The DatabaseInput of each database CreateDatabase made.</summary>
    public Dictionary<string, JsonObject> DatabaseInputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the database exists.</summary>
    public bool HasDatabase(string name)
    {
        lock (_gate)
        {
            return _databases.ContainsKey(name);
        }
    }

    public static async Task<FakeGlue> StartAsync(params string[] databases)
    {
        var fake = new FakeGlue();
        foreach (var database in databases)
        {
            fake._databases[database] = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        }

        fake.Server = await FakeJson11Server.StartAsync(GlueClient.SigningName, GlueClient.TargetPrefix, Region, TestAws.Credentials, fake.Respond);
        return fake;
    }

    /// <summary>Stores a table as if someone else had created it; <paramref name="tableInput"/> is a botocore TableInput.</summary>
    public void Seed(string database, JsonObject tableInput)
    {
        lock (_gate)
        {
            _databases[database][(string)tableInput["Name"]!] = (JsonObject)tableInput.DeepClone();
        }
    }

    /// <summary>The stored TableInput, or null.</summary>
    public JsonObject? Table(string database, string name)
    {
        lock (_gate)
        {
            return _databases.GetValueOrDefault(database)?.GetValueOrDefault(name)?.DeepClone() as JsonObject;
        }
    }

    /// <summary>The next <paramref name="count"/> GetTable calls answer EntityNotFoundException even for a table that exists (another writer created it just after).</summary>
    public void HideFromNextGets(int count)
    {
        lock (_gate)
        {
            _hiddenGets = count;
        }
    }

    public GlueClient Client() =>
        new(new GlueClientOptions { Region = Region, ServiceUrl = Server.Endpoint }, new HttpClient(), new StaticCredentialsProvider(TestAws.Credentials), new FakeTimeProvider(TestAws.SigningTime));

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static Json11Reply NotFound(string message) => Json11Reply.Error("EntityNotFoundException", message);

    private Json11Reply Respond(Json11Call call)
    {
        lock (_gate)
        {
            if (call.Operation == "CreateDatabase")
            {
                return CreateDatabase(call.Body["DatabaseInput"] as JsonObject);
            }

            var database = (string?)call.Body["DatabaseName"];
            if (string.IsNullOrEmpty(database))
            {
                return Json11Reply.Error("InvalidInputException", "1 validation error detected: Value null at 'databaseName' failed to satisfy constraint: Member must not be null");
            }

            if (!_databases.TryGetValue(database, out var tables))
            {
                return NotFound($"Database {database} not found.");
            }

            return call.Operation switch
            {
                "GetTable" => Get(database, tables, (string?)call.Body["Name"]),
                "CreateTable" or "UpdateTable" => Write(call.Operation, database, tables, call.Body["TableInput"] as JsonObject),
                _ => Json11Reply.Error("UnknownOperationException", $"{call.Operation} is not a Glue operation this fake knows"),
            };
        }
    }

    private Json11Reply CreateDatabase(JsonObject? input)
    {
        var name = (string?)input?["Name"];
        if (string.IsNullOrEmpty(name))
        {
            return Json11Reply.Error("InvalidInputException", "1 validation error detected: Value null at 'databaseInput.name' failed to satisfy constraint: Member must not be null");
        }

        if (!_databases.TryAdd(name, new Dictionary<string, JsonObject>(StringComparer.Ordinal)))
        {
            return Json11Reply.Error("AlreadyExistsException", "Database already exists.");
        }

        DatabaseInputs[name] = (JsonObject)input!.DeepClone();
        return Json11Reply.Ok(new JsonObject());
    }

    private Json11Reply Get(string database, Dictionary<string, JsonObject> tables, string? name)
    {
        if (_hiddenGets > 0)
        {
            _hiddenGets--;
            return NotFound($"Table {name} not found.");
        }

        if (name is null || !tables.TryGetValue(name, out var input))
        {
            return NotFound($"Table {name} not found.");
        }

        var table = (JsonObject)input.DeepClone();
        table["DatabaseName"] = database;
        table["CreateTime"] = 1_700_000_000.0;
        table["UpdateTime"] = 1_700_000_100.0;
        table["Retention"] = 0;
        table["CreatedBy"] = "arn:aws:iam::111122223333:user/deployer";
        table["IsRegisteredWithLakeFormation"] = false;
        table["CatalogId"] = "111122223333";
        table["VersionId"] = _versions.GetValueOrDefault($"{database}.{name}").ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (table["StorageDescriptor"] is JsonObject storage)
        {
            storage["NumberOfBuckets"] = 0;
            storage["BucketColumns"] = new JsonArray();
            storage["SortColumns"] = new JsonArray();
            storage["StoredAsSubDirectories"] = false;
            storage["Parameters"] = new JsonObject();
        }

        return Json11Reply.Ok(new JsonObject { ["Table"] = table });
    }

    private Json11Reply Write(string operation, string database, Dictionary<string, JsonObject> tables, JsonObject? input)
    {
        var name = (string?)input?["Name"];
        if (input is null || string.IsNullOrEmpty(name))
        {
            return Json11Reply.Error("InvalidInputException", "TableInput.Name must be set");
        }

        var exists = tables.ContainsKey(name);
        if (operation == "CreateTable" && exists)
        {
            return Json11Reply.Error("AlreadyExistsException", "Table already exists.");
        }

        if (operation == "UpdateTable" && !exists)
        {
            return NotFound($"Table {name} not found.");
        }

        tables[name] = (JsonObject)input.DeepClone();
        var key = $"{database}.{name}";
        _versions[key] = exists ? _versions.GetValueOrDefault(key) + 1 : 0;
        return Json11Reply.Ok(new JsonObject());
    }
}
