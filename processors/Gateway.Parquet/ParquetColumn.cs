namespace Gateway.Parquet;

/// <summary>
/// One top-level (flat) column: a lower-case name, its physical type, an optional logical annotation and whether it
/// may hold nulls. Invalid combinations throw <see cref="ArgumentException"/> naming the column and the fix.
/// </summary>
public sealed record ParquetColumn
{
    /// <summary>Creates a column; see the factory helpers (<see cref="String"/>, <see cref="Int64"/>, …) for the usual shapes.</summary>
    public ParquetColumn(string Name, ParquetPhysicalType Type, ParquetLogicalType Logical = ParquetLogicalType.None, bool IsOptional = true)
    {
        this.Name = Name;
        this.Type = Type;
        this.Logical = Logical;
        this.IsOptional = IsOptional;
        Validate();
    }

    /// <summary>A column as found in a file, without the naming rules the writer enforces (foreign files may use any name).</summary>
    private ParquetColumn(string name, ParquetPhysicalType type, ParquetLogicalType logical, bool isOptional, bool validate)
    {
        Name = name;
        Type = type;
        Logical = logical;
        IsOptional = isOptional;
        if (validate)
        {
            Validate();
        }
    }

    /// <summary>The column name: lower-case ASCII letters, digits and underscores.</summary>
    public string Name { get; init; }

    /// <summary>The physical type.</summary>
    public ParquetPhysicalType Type { get; init; }

    /// <summary>The logical annotation, if any.</summary>
    public ParquetLogicalType Logical { get; init; }

    /// <summary>True for OPTIONAL (nullable), false for REQUIRED.</summary>
    public bool IsOptional { get; init; }

    /// <summary>Dictionary encoding for this BYTE_ARRAY column: null follows <see cref="ParquetWriterOptions.UseDictionary"/>.</summary>
    public bool? UseDictionary { get; init; }

    /// <summary>Deconstructs the column into its four positional parts.</summary>
    public void Deconstruct(out string Name, out ParquetPhysicalType Type, out ParquetLogicalType Logical, out bool IsOptional)
    {
        Name = this.Name;
        Type = this.Type;
        Logical = this.Logical;
        IsOptional = this.IsOptional;
    }

    /// <summary>A UTF-8 STRING column (BYTE_ARRAY).</summary>
    public static ParquetColumn String(string name, bool optional = true) =>
        new(name, ParquetPhysicalType.ByteArray, ParquetLogicalType.String, optional);

    /// <summary>An INT32 column.</summary>
    public static ParquetColumn Int32(string name, bool optional = true) => new(name, ParquetPhysicalType.Int32, ParquetLogicalType.None, optional);

    /// <summary>An INT64 column.</summary>
    public static ParquetColumn Int64(string name, bool optional = true) => new(name, ParquetPhysicalType.Int64, ParquetLogicalType.None, optional);

    /// <summary>A DOUBLE column.</summary>
    public static ParquetColumn Double(string name, bool optional = true) => new(name, ParquetPhysicalType.Double, ParquetLogicalType.None, optional);

    /// <summary>A BOOLEAN column.</summary>
    public static ParquetColumn Boolean(string name, bool optional = true) => new(name, ParquetPhysicalType.Boolean, ParquetLogicalType.None, optional);

    /// <summary>A TIMESTAMP(MILLIS, UTC) column (INT64 epoch milliseconds).</summary>
    public static ParquetColumn TimestampMillis(string name, bool optional = true) =>
        new(name, ParquetPhysicalType.Int64, ParquetLogicalType.TimestampMillis, optional);

    /// <summary>A DATE column (INT32 days since 1970-01-01).</summary>
    public static ParquetColumn Date(string name, bool optional = true) => new(name, ParquetPhysicalType.Int32, ParquetLogicalType.Date, optional);

    /// <summary>A plain BYTE_ARRAY column without annotation (arbitrary bytes).</summary>
    public static ParquetColumn Binary(string name, bool optional = true) =>
        new(name, ParquetPhysicalType.ByteArray, ParquetLogicalType.None, optional);

    /// <summary>A column read from a file; its name is not checked.</summary>
    internal static ParquetColumn FromFile(string name, ParquetPhysicalType type, ParquetLogicalType logical, bool isOptional) =>
        new(name, type, logical, isOptional, validate: false);

    /// <summary>Throws <see cref="ArgumentException"/> naming the column and the fix when the column cannot be written.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name))
        {
            throw new ArgumentException("A Parquet column needs a non-empty name of lower-case letters, digits and '_'.", nameof(Name));
        }

        foreach (var c in Name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                throw new ArgumentException(
                    $"Column name '{Name}' has the character '{c}'; use lower-case letters, digits and '_' only (e.g. '{Suggest(Name)}').",
                    nameof(Name));
            }
        }

        if (!Enum.IsDefined(Type))
        {
            throw new ArgumentException($"Column '{Name}' has the unknown physical type {(int)Type}.", nameof(Type));
        }

        var fits = Logical switch
        {
            ParquetLogicalType.None => true,
            ParquetLogicalType.String => Type == ParquetPhysicalType.ByteArray,
            ParquetLogicalType.TimestampMillis => Type == ParquetPhysicalType.Int64,
            ParquetLogicalType.Date => Type == ParquetPhysicalType.Int32,
            _ => false,
        };
        if (!fits)
        {
            throw new ArgumentException(
                $"Column '{Name}' is {Type} but annotated {Logical}; {Logical} needs {Expected(Logical)} (use ParquetColumn.{Logical}(\"{Name}\")).",
                nameof(Logical));
        }

        if (UseDictionary == true && Type != ParquetPhysicalType.ByteArray)
        {
            throw new ArgumentException(
                $"Column '{Name}' is {Type}; dictionary encoding applies to ByteArray columns only, so leave UseDictionary unset.",
                nameof(UseDictionary));
        }
    }

    private static string Expected(ParquetLogicalType logical) => logical switch
    {
        ParquetLogicalType.String => "ByteArray",
        ParquetLogicalType.TimestampMillis => "Int64",
        ParquetLogicalType.Date => "Int32",
        _ => "a known physical type",
    };

    private static string Suggest(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_').ToArray();
        return new string(chars);
    }
}
