using System.Diagnostics.CodeAnalysis;

namespace Gateway.Parquet.Internal;

/// <summary>Rare failures, kept out of the hot paths so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBufferTooLarge(long needed) =>
        throw new InvalidOperationException(
            $"A Parquet column buffer would grow to {needed} items, past the largest array .NET allows; lower ParquetWriterOptions.RowGroupBytes.");

    [DoesNotReturn]
    public static void ThrowThriftTooDeep() =>
        throw new InvalidOperationException("Thrift structs nest deeper than 16 levels; Parquet metadata never does.");

    [DoesNotReturn]
    public static void ThrowThrift(string problem, int position) =>
        throw new InvalidDataException($"Parquet metadata (Thrift compact protocol) is malformed at byte {position}: {problem}.");

    [DoesNotReturn]
    public static void ThrowColumnOutOfRange(int column, int count) =>
        throw new ArgumentOutOfRangeException(
            nameof(column), column, $"Column index {column} is outside the schema's {count} columns; use ParquetSchema.IndexOf(name).");

    [DoesNotReturn]
    public static void ThrowTypeMismatch(ParquetColumn column, string written) =>
        throw new ArgumentException(
            $"Column '{column.Name}' is {Describe(column)}; a {written} value does not fit it. Call the Write overload for {Describe(column)}.",
            nameof(column));

    [DoesNotReturn]
    public static T ThrowTypeMismatch<T>(ParquetColumn column, string written)
    {
        ThrowTypeMismatch(column, written);
        return default;
    }

    [DoesNotReturn]
    public static void ThrowAlreadySet(ParquetColumn column, long row) =>
        throw new InvalidOperationException(
            $"Column '{column.Name}' was already set in row {row}; set each column once per row, then call EndRow().");

    [DoesNotReturn]
    public static void ThrowRequiredNull(ParquetColumn column) =>
        throw new ArgumentException(
            $"Column '{column.Name}' is REQUIRED and cannot hold null; write a value or declare the column optional.", nameof(column));

    [DoesNotReturn]
    public static void ThrowRequiredUnset(ParquetColumn column, long row) =>
        throw new InvalidOperationException(
            $"Column '{column.Name}' is REQUIRED but was not set in row {row}; write it before EndRow() (the row stays open), or call DiscardRow().");

    [DoesNotReturn]
    public static void ThrowRowIncomplete(long row) =>
        throw new InvalidOperationException(
            $"Row {row} has values but EndRow() was not called; finish it with EndRow() or drop it with DiscardRow() first.");

    [DoesNotReturn]
    public static void ThrowInvalidUtf8(ParquetColumn column) =>
        throw new ArgumentException(
            $"Column '{column.Name}' is a STRING column and the bytes written are not valid UTF-8; pass UTF-8 or declare the column as plain BYTE_ARRAY.",
            nameof(column));

    [DoesNotReturn]
    public static void ThrowFaulted() =>
        throw new InvalidOperationException(
            "An earlier write to the output stream failed, so the Parquet file is incomplete; dispose this writer and start a new file.");

    private static string Describe(ParquetColumn column) =>
        column.Logical == ParquetLogicalType.None ? column.Type.ToString() : $"{column.Type} ({column.Logical})";
}
