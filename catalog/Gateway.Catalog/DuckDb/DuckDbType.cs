namespace Gateway.Catalog.DuckDb;

/// <summary>
/// DuckDB's column types, with the numbers of duckdb.h's <c>duckdb_type</c> (v1.5). <see cref="DuckDbResult.GetValue"/>
/// says which CLR type each becomes; types without a CLR counterpart come back as DuckDB's own VARCHAR text.
/// </summary>
public enum DuckDbType
{
    /// <summary>Not a type (out-of-range column).</summary>
    Invalid = 0,

    /// <summary>BOOLEAN → <see cref="bool"/>.</summary>
    Boolean = 1,

    /// <summary>TINYINT → <see cref="sbyte"/>.</summary>
    TinyInt = 2,

    /// <summary>SMALLINT → <see cref="short"/>.</summary>
    SmallInt = 3,

    /// <summary>INTEGER → <see cref="int"/>.</summary>
    Integer = 4,

    /// <summary>BIGINT → <see cref="long"/>.</summary>
    BigInt = 5,

    /// <summary>UTINYINT → <see cref="byte"/>.</summary>
    UTinyInt = 6,

    /// <summary>USMALLINT → <see cref="ushort"/>.</summary>
    USmallInt = 7,

    /// <summary>UINTEGER → <see cref="uint"/>.</summary>
    UInteger = 8,

    /// <summary>UBIGINT → <see cref="ulong"/>.</summary>
    UBigInt = 9,

    /// <summary>FLOAT → <see cref="float"/>.</summary>
    Float = 10,

    /// <summary>DOUBLE → <see cref="double"/>.</summary>
    Double = 11,

    /// <summary>TIMESTAMP (microseconds) → <see cref="DateTimeOffset"/> in UTC.</summary>
    Timestamp = 12,

    /// <summary>DATE → <see cref="DateOnly"/>.</summary>
    Date = 13,

    /// <summary>TIME (microseconds) → <see cref="TimeOnly"/>.</summary>
    Time = 14,

    /// <summary>INTERVAL → text, e.g. <c>1 month 2 days 03:00:00</c>.</summary>
    Interval = 15,

    /// <summary>HUGEINT → <see cref="Int128"/>.</summary>
    HugeInt = 16,

    /// <summary>VARCHAR (and JSON) → <see cref="string"/>.</summary>
    Varchar = 17,

    /// <summary>BLOB → <see cref="byte"/>[].</summary>
    Blob = 18,

    /// <summary>DECIMAL(width, scale) → <see cref="decimal"/>.</summary>
    Decimal = 19,

    /// <summary>TIMESTAMP_S → <see cref="DateTimeOffset"/> in UTC.</summary>
    TimestampSeconds = 20,

    /// <summary>TIMESTAMP_MS → <see cref="DateTimeOffset"/> in UTC.</summary>
    TimestampMilliseconds = 21,

    /// <summary>TIMESTAMP_NS → <see cref="DateTimeOffset"/> in UTC, truncated to 100 ns ticks.</summary>
    TimestampNanoseconds = 22,

    /// <summary>ENUM → its label as <see cref="string"/>.</summary>
    Enum = 23,

    /// <summary>LIST → text, e.g. <c>[1, 2, NULL]</c>.</summary>
    List = 24,

    /// <summary>STRUCT → text, e.g. <c>{'a': 1}</c>.</summary>
    Struct = 25,

    /// <summary>MAP → text, e.g. <c>{a=1}</c>.</summary>
    Map = 26,

    /// <summary>UUID → <see cref="Guid"/>.</summary>
    Uuid = 27,

    /// <summary>UNION → text of the member that is set.</summary>
    Union = 28,

    /// <summary>BIT → text of 0s and 1s.</summary>
    Bit = 29,

    /// <summary>TIME WITH TIME ZONE → text.</summary>
    TimeTz = 30,

    /// <summary>TIMESTAMP WITH TIME ZONE (an instant, microseconds) → <see cref="DateTimeOffset"/> in UTC.</summary>
    TimestampTz = 31,

    /// <summary>UHUGEINT → <see cref="UInt128"/>.</summary>
    UHugeInt = 32,

    /// <summary>ARRAY (fixed length) → text, e.g. <c>[1, 2, 3]</c>.</summary>
    Array = 33,

    /// <summary>ANY (only in function signatures).</summary>
    Any = 34,

    /// <summary>BIGNUM (arbitrary precision integer, VARINT before 1.5) — not readable here; cast it to VARCHAR in SQL.</summary>
    BigNum = 35,

    /// <summary>The type of an untyped NULL.</summary>
    SqlNull = 36,

    /// <summary>A string literal before binding.</summary>
    StringLiteral = 37,

    /// <summary>An integer literal before binding.</summary>
    IntegerLiteral = 38,

    /// <summary>TIME_NS (nanoseconds) → text.</summary>
    TimeNanoseconds = 39,

    /// <summary>GEOMETRY — not readable here; cast it (e.g. ST_AsText) in SQL.</summary>
    Geometry = 40,

    /// <summary>VARIANT — not readable here; cast it to VARCHAR in SQL.</summary>
    Variant = 41,
}
