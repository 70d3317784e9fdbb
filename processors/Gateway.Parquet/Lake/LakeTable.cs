namespace Gateway.Parquet.Lake;

/// <summary>The lake's tables: each is a folder of Hive partitions at the lake's root.</summary>
public enum LakeTable
{
    /// <summary><c>events/</c>: one row per pixel hit.</summary>
    Events,

    /// <summary><c>bad_rows/</c>: input that did not become an event.</summary>
    BadRows,
}
