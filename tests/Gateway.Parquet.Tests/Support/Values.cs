namespace Gateway.Parquet.Tests.Support;

/// <summary>Edge values per column kind, for the cross-checks with foreign readers.</summary>
internal static class Values
{
    /// <summary>The column kinds the writer supports, by the factory that makes them.</summary>
    public static readonly string[] Kinds = ["boolean", "int32", "int64", "double", "string", "binary", "timestamp", "date"];

    public static ParquetColumn Column(string kind, string name, bool optional) => kind switch
    {
        "boolean" => ParquetColumn.Boolean(name, optional),
        "int32" => ParquetColumn.Int32(name, optional),
        "int64" => ParquetColumn.Int64(name, optional),
        "double" => ParquetColumn.Double(name, optional),
        "string" => ParquetColumn.String(name, optional),
        "binary" => ParquetColumn.Binary(name, optional),
        "timestamp" => ParquetColumn.TimestampMillis(name, optional),
        "date" => ParquetColumn.Date(name, optional),
        _ => throw new ArgumentException($"unknown kind {kind}", nameof(kind)),
    };

    /// <summary>Values that stress a kind: extremes, signs, empty and multi-byte text, dates far from 1970.</summary>
    public static object[] Edges(string kind) => kind switch
    {
        "boolean" => [true, false, false, true, true, true],
        "int32" => [0, 1, -1, int.MinValue, int.MaxValue, 42, -42, 1 << 20],
        "int64" => [0L, 1L, -1L, long.MinValue, long.MaxValue, (1L << 53) + 1, -(1L << 53) - 1, 1_700_000_000_000L],
        "double" =>
        [
            0.0, -0.0, 1.0 / 3, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
            double.MaxValue, double.MinValue, 1e-300, -123.456, 2.5,
        ],
        "string" =>
        [
            string.Empty, "a", "click", "ü", "日本語", "😀 emoji", "tab\tnew\nline", "nul\0inside", "\"quoted\" \\ slash",
            new string('x', 300), "DE", "US", "DE",
        ],
        "binary" => [Array.Empty<byte>(), new byte[] { 0 }, new byte[] { 0xFF, 0xFE, 0x00, 0x80 }, "text"u8.ToArray(), new byte[] { 0xC3, 0x28 }],
        "timestamp" =>
        [
            0L, -1L, 1L, 1_700_000_000_000L, -86_400_000_000L, 8_640_000_000_000_000L, -8_640_000_000_000_000L,
            new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(1969, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
            new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.FromHours(5)),
        ],
        "date" =>
        [
            0, -1, 1, 19_675, DateOnly.MinValue, DateOnly.MaxValue, new DateOnly(1969, 12, 31), new DateOnly(1600, 2, 29),
            -100_000_000, 100_000_000,
        ],
        _ => throw new ArgumentException($"unknown kind {kind}", nameof(kind)),
    };
}
