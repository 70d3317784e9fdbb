using Gateway.Catalog.DuckDb;
using Gateway.Catalog.Queries;
using Gateway.Catalog.Tests.DuckDb;
using Gateway.Parquet.Lake;
using Gateway.Processing.Enrichment;
using Gateway.Tests.Shared;

namespace Gateway.Catalog.Tests.Queries;

/// <summary>The lake of <see cref="LakeData"/>, written once by the pipeline's <see cref="LakeWriter"/> for every test in the collection.</summary>
public sealed class LakeFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    public IReadOnlyList<EventRow> Events { get; private set; } = [];

    public IReadOnlyList<BadRow> BadRows { get; private set; } = [];

    /// <summary>The lake's root; the apostrophe and the space check that the views quote the path.</summary>
    public string Directory => Path.Combine(_folder.Path, "it's a lake");

    /// <summary>The queries of the checkout (not the build's copies, so that a stale copy cannot pass).</summary>
    public IReadOnlyList<NamedQuery> Queries { get; } = NamedQueries.Load(Path.Combine(RepositoryRoot.Path, "catalog", "queries"));

    public async Task InitializeAsync()
    {
        (Events, BadRows) = LakeData.Generate();
        await TestLakes.WriteAsync(Directory, Events, BadRows);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    public NamedQuery Query(string name) => NamedQueries.Find(Queries, name);
}

[CollectionDefinition(Name)]
public sealed class LakeCollection : ICollectionFixture<LakeFixture>
{
    public const string Name = "lake";
}

/// <summary>Writes lakes with the pipeline's own writer.</summary>
internal static class TestLakes
{
    public static async Task WriteAsync(string root, IEnumerable<EventRow> events, IEnumerable<BadRow> badRows)
    {
        var options = new LakeWriterOptions
        {
            NameSeed = "named-queries",
            DedupWindow = TimeSpan.Zero,
            BufferTime = Timeout.InfiniteTimeSpan,
            MaxOpenPartitions = 4,
        };
        await using var writer = LakeWriter.Create(new DirectoryLakeStore(root), options);
        long position = 0;
        foreach (var row in events)
        {
            writer.Add(row, position++);
        }

        foreach (var row in badRows)
        {
            writer.Add(row, position++);
        }

        await writer.FlushAllAsync();
    }
}

/// <summary>An in-memory DuckDB with the views applied to one lake.</summary>
internal sealed class LakeSession : IDisposable
{
    private readonly DuckDbDatabase _database = DuckDbDatabase.Open();

    public LakeSession(string lake)
    {
        Connection = _database.Connect();
        DuckDbViews.Apply(Connection, lake);
    }

    public DuckDbConnection Connection { get; }

    public Table Query(string sql)
    {
        using var result = Connection.Query(sql);
        var columns = Enumerable.Range(0, result.ColumnCount).Select(result.ColumnName).ToArray();
        var rows = new List<object?[]>();
        for (long r = 0; r < result.RowCount; r++)
        {
            rows.Add([.. Enumerable.Range(0, columns.Length).Select(c => result.GetValue(c, r))]);
        }

        return new Table(columns, rows);
    }

    public void Dispose()
    {
        Connection.Dispose();
        _database.Dispose();
    }
}

internal sealed record Table(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows)
{
    public object? this[int row, string column] => Rows[row][Index(column)];

    public IEnumerable<object?> Column(string column) => Rows.Select(r => r[Index(column)]);

    private int Index(string column)
    {
        var index = Columns.ToList().IndexOf(column);
        return index >= 0 ? index : throw new KeyNotFoundException($"no column '{column}' in {string.Join(", ", Columns)}");
    }
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
