namespace Gateway.Catalog;

/// <summary>One column (or partition key) of a lake table.</summary>
/// <param name="Name">Snake-case name, as written in the Parquet files, the JSON rows and the Glue table.</param>
/// <param name="Type">Logical type.</param>
/// <param name="IsNullable">Whether a row may hold no value.</param>
/// <param name="Description">What the value means, one sentence.</param>
/// <param name="Source">Where the value comes from and the rules applied, one line.</param>
public sealed record Column(string Name, LakeType Type, bool IsNullable, string Description, string Source);
