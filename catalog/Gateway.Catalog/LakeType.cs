namespace Gateway.Catalog;

/// <summary>The logical column types of the lake; each maps to one Glue/Athena type (<see cref="LakeTypes.GlueName"/>).</summary>
public enum LakeType
{
    /// <summary>An instant with millisecond resolution, UTC (Glue <c>timestamp</c>).</summary>
    Timestamp,

    /// <summary>UTF-8 text (Glue <c>string</c>).</summary>
    String,

    /// <summary>A 32-bit signed integer (Glue <c>int</c>).</summary>
    Int,

    /// <summary>A 64-bit signed integer (Glue <c>bigint</c>).</summary>
    BigInt,

    /// <summary>A 64-bit IEEE 754 number (Glue <c>double</c>).</summary>
    Double,

    /// <summary>true or false (Glue <c>boolean</c>).</summary>
    Boolean,
}

/// <summary>Names of <see cref="LakeType"/> values in Glue and Athena.</summary>
public static class LakeTypes
{
    /// <summary>The Glue/Athena type name: timestamp, string, int, bigint, double or boolean.</summary>
    public static string GlueName(this LakeType type) => type switch
    {
        LakeType.Timestamp => "timestamp",
        LakeType.String => "string",
        LakeType.Int => "int",
        LakeType.BigInt => "bigint",
        LakeType.Double => "double",
        LakeType.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a lake type"),
    };

    /// <summary>The type whose <see cref="GlueName"/> is <paramref name="name"/> (exact, lower case).</summary>
    public static bool TryParseGlueName(string? name, out LakeType type)
    {
        foreach (var candidate in Enum.GetValues<LakeType>())
        {
            if (string.Equals(candidate.GlueName(), name, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
