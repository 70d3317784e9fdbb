using Gateway.Catalog.DuckDb;

namespace Gateway.Catalog.Tests.DuckDb;

/// <summary>A fresh in-memory database and a connection to it, per test.</summary>
public abstract class InMemoryDuckDb : IDisposable
{
    private readonly DuckDbDatabase _database = DuckDbDatabase.Open();

    protected InMemoryDuckDb() => Connection = _database.Connect();

    protected DuckDbConnection Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        _database.Dispose();
        GC.SuppressFinalize(this);
    }
}
