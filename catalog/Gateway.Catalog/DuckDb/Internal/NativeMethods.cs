using System.Runtime.InteropServices;

namespace Gateway.Catalog.DuckDb.Internal;

/// <summary>
/// The part of DuckDB's C API (duckdb.h, v1.5) this binding calls. Names are the C names so each line can be checked
/// against the header; handles that own native memory are <see cref="SafeHandle"/>s, everything borrowed is a pointer.
/// The library is found by <see cref="DuckDbLibrary"/>'s import resolver, never by the default probing.
/// </summary>
/// <remarks>
/// Only the non-deprecated result path is used: duckdb_query, then duckdb_fetch_chunk until it returns NULL (the
/// chunk API cannot be mixed with the legacy duckdb_value_* functions on one result).
/// </remarks>
internal static unsafe partial class NativeMethods
{
    public const string Library = "duckdb";

    public const int Success = 0;

    // ---- open / connect ------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int duckdb_open_ext(byte* path, out DatabaseHandle database, nint config, byte** error);

    [LibraryImport(Library)]
    public static partial void duckdb_close(nint* database);

    [LibraryImport(Library)]
    public static partial int duckdb_connect(DatabaseHandle database, out ConnectionHandle connection);

    [LibraryImport(Library)]
    public static partial void duckdb_disconnect(nint* connection);

    [LibraryImport(Library)]
    public static partial void duckdb_interrupt(ConnectionHandle connection);

    [LibraryImport(Library)]
    public static partial byte* duckdb_library_version();

    [LibraryImport(Library)]
    public static partial int duckdb_create_config(nint* config);

    [LibraryImport(Library)]
    public static partial int duckdb_set_config(nint config, byte* name, byte* option);

    [LibraryImport(Library)]
    public static partial void duckdb_destroy_config(nint* config);

    [LibraryImport(Library)]
    public static partial void duckdb_free(void* pointer);

    // ---- query and result ----------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int duckdb_query(ConnectionHandle connection, byte* query, DuckDbResultStruct* result);

    [LibraryImport(Library)]
    public static partial void duckdb_destroy_result(DuckDbResultStruct* result);

    [LibraryImport(Library)]
    public static partial byte* duckdb_result_error(DuckDbResultStruct* result);

    [LibraryImport(Library)]
    public static partial ulong duckdb_column_count(DuckDbResultStruct* result);

    [LibraryImport(Library)]
    public static partial byte* duckdb_column_name(DuckDbResultStruct* result, ulong column);

    [LibraryImport(Library)]
    public static partial int duckdb_column_type(DuckDbResultStruct* result, ulong column);

    [LibraryImport(Library)]
    public static partial nint duckdb_column_logical_type(DuckDbResultStruct* result, ulong column);

    /// <summary>Takes the result struct by value (as the header declares), not a pointer to it.</summary>
    [LibraryImport(Library)]
    public static partial nint duckdb_fetch_chunk(DuckDbResultStruct result);

    // ---- chunks and vectors --------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial ulong duckdb_data_chunk_get_size(nint chunk);

    [LibraryImport(Library)]
    public static partial nint duckdb_data_chunk_get_vector(nint chunk, ulong column);

    [LibraryImport(Library)]
    public static partial void duckdb_destroy_data_chunk(nint* chunk);

    [LibraryImport(Library)]
    public static partial void* duckdb_vector_get_data(nint vector);

    /// <summary>NULL when every row of the vector is valid.</summary>
    [LibraryImport(Library)]
    public static partial ulong* duckdb_vector_get_validity(nint vector);

    [LibraryImport(Library)]
    public static partial nint duckdb_list_vector_get_child(nint vector);

    [LibraryImport(Library)]
    public static partial nint duckdb_array_vector_get_child(nint vector);

    [LibraryImport(Library)]
    public static partial nint duckdb_struct_vector_get_child(nint vector, ulong index);

    // ---- logical types -------------------------------------------------------------------------------------------

    [LibraryImport(Library)]
    public static partial int duckdb_get_type_id(nint type);

    [LibraryImport(Library)]
    public static partial void duckdb_destroy_logical_type(nint* type);

    [LibraryImport(Library)]
    public static partial byte duckdb_decimal_width(nint type);

    [LibraryImport(Library)]
    public static partial byte duckdb_decimal_scale(nint type);

    [LibraryImport(Library)]
    public static partial int duckdb_decimal_internal_type(nint type);

    [LibraryImport(Library)]
    public static partial int duckdb_enum_internal_type(nint type);

    [LibraryImport(Library)]
    public static partial uint duckdb_enum_dictionary_size(nint type);

    /// <summary>The label; free it with duckdb_free.</summary>
    [LibraryImport(Library)]
    public static partial byte* duckdb_enum_dictionary_value(nint type, ulong index);

    [LibraryImport(Library)]
    public static partial nint duckdb_list_type_child_type(nint type);

    [LibraryImport(Library)]
    public static partial nint duckdb_array_type_child_type(nint type);

    [LibraryImport(Library)]
    public static partial ulong duckdb_array_type_array_size(nint type);

    [LibraryImport(Library)]
    public static partial nint duckdb_map_type_key_type(nint type);

    [LibraryImport(Library)]
    public static partial nint duckdb_map_type_value_type(nint type);

    [LibraryImport(Library)]
    public static partial ulong duckdb_struct_type_child_count(nint type);

    [LibraryImport(Library)]
    public static partial nint duckdb_struct_type_child_type(nint type, ulong index);

    [LibraryImport(Library)]
    public static partial ulong duckdb_union_type_member_count(nint type);

    [LibraryImport(Library)]
    public static partial nint duckdb_union_type_member_type(nint type, ulong index);

    // ---- values (only to let DuckDB render a cell as VARCHAR) ----------------------------------------------------

    [LibraryImport(Library)]
    public static partial void duckdb_destroy_value(nint* value);

    /// <summary>The value cast to VARCHAR by DuckDB; free it with duckdb_free.</summary>
    [LibraryImport(Library)]
    public static partial byte* duckdb_get_varchar(nint value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_null_value();

    [LibraryImport(Library)]
    public static partial nint duckdb_create_bool(byte value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_int8(sbyte value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_uint8(byte value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_int16(short value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_uint16(ushort value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_int32(int value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_uint32(uint value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_int64(long value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_uint64(ulong value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_hugeint(DuckDbHugeInt value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_uhugeint(DuckDbUHugeInt value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_decimal(DuckDbDecimal value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_float(float value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_double(double value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_varchar_length(byte* text, ulong length);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_blob(byte* data, ulong length);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_bit(DuckDbBit value);

    /// <summary>duckdb_date is a struct holding one int32 (days since 1970-01-01); it travels like an int.</summary>
    [LibraryImport(Library)]
    public static partial nint duckdb_create_date(int days);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_time(long micros);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_time_ns(long nanos);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_time_tz_value(ulong bits);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_timestamp(long micros);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_timestamp_tz(long micros);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_timestamp_s(long seconds);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_timestamp_ms(long millis);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_timestamp_ns(long nanos);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_interval(DuckDbInterval value);

    /// <summary>Takes the UUID as an unsigned 128-bit number (not the sign-flipped form DuckDB stores in vectors).</summary>
    [LibraryImport(Library)]
    public static partial nint duckdb_create_uuid(DuckDbUHugeInt value);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_enum_value(nint type, ulong index);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_list_value(nint childType, nint* values, ulong count);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_array_value(nint childType, nint* values, ulong count);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_struct_value(nint structType, nint* values);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_map_value(nint mapType, nint* keys, nint* values, ulong count);

    [LibraryImport(Library)]
    public static partial nint duckdb_create_union_value(nint unionType, ulong tag, nint value);
}

/// <summary>duckdb_result: five deprecated fields kept for ABI compatibility, then the internal pointer (48 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbResultStruct
{
    public ulong DeprecatedColumnCount;
    public ulong DeprecatedRowCount;
    public ulong DeprecatedRowsChanged;
    public nint DeprecatedColumns;
    public nint DeprecatedErrorMessage;
    public nint InternalData;
}

/// <summary>duckdb_hugeint: value = upper · 2⁶⁴ + lower.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbHugeInt
{
    public ulong Lower;
    public long Upper;
}

/// <summary>duckdb_uhugeint.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbUHugeInt
{
    public ulong Lower;
    public ulong Upper;
}

/// <summary>duckdb_decimal: width and scale, then the unscaled value as a hugeint (at offset 8).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbDecimal
{
    public byte Width;
    public byte Scale;
    public DuckDbHugeInt Value;
}

/// <summary>duckdb_interval.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbInterval
{
    public int Months;
    public int Days;
    public long Micros;
}

/// <summary>duckdb_bit: DuckDB's internal BIT bytes (first byte = padding bit count).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct DuckDbBit
{
    public byte* Data;
    public ulong Size;
}
