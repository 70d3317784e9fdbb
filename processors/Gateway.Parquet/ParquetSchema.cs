namespace Gateway.Parquet;

/// <summary>A flat Parquet schema: top-level columns with unique names, in file order.</summary>
public sealed class ParquetSchema
{
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Creates a schema; throws <see cref="ArgumentException"/> naming a bad or repeated column.</summary>
    public ParquetSchema(IEnumerable<ParquetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = new List<ParquetColumn>();
        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (column is null)
            {
                throw new ArgumentException($"Column {list.Count} of the schema is null; pass a ParquetColumn for every position.", nameof(columns));
            }

            // Validated again here because `with` expressions bypass the constructor.
            column.Validate();
            if (!_indexByName.TryAdd(column.Name, list.Count))
            {
                throw new ArgumentException(
                    $"Column name '{column.Name}' appears twice (positions {_indexByName[column.Name]} and {list.Count}); names must be unique.",
                    nameof(columns));
            }

            list.Add(column);
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("A Parquet schema needs at least one column.", nameof(columns));
        }

        Columns = list.AsReadOnly();
    }

    /// <summary>Creates a schema from the given columns.</summary>
    public ParquetSchema(params ParquetColumn[] columns)
        : this((IEnumerable<ParquetColumn>)columns)
    {
    }

    /// <summary>The columns in file order.</summary>
    public IReadOnlyList<ParquetColumn> Columns { get; }

    /// <summary>The position of the column named <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out var index) ? index : -1;
}
