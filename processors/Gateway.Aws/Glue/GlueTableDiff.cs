namespace Gateway.Aws.Glue;

/// <summary>What <see cref="GlueClient.ApplyTableAsync"/> did.</summary>
public enum GlueApplyOutcome
{
    /// <summary>The table did not exist and was created.</summary>
    Created,

    /// <summary>The table existed with a different definition and was replaced.</summary>
    Updated,

    /// <summary>The table already had this definition; nothing was sent.</summary>
    Unchanged,
}

/// <summary>What <see cref="GlueClient.ApplyTableAsync"/> did, and the differences an update applied (empty otherwise).</summary>
/// <param name="Outcome">Created, updated or left alone.</param>
/// <param name="Changes">One line per difference (<see cref="GlueTableDiff.Describe"/>) when <paramref name="Outcome"/> is Updated.</param>
public sealed record GlueApplyResult(GlueApplyOutcome Outcome, IReadOnlyList<string> Changes);

/// <summary>Compares a table as Glue has it with the definition wanted.</summary>
public static class GlueTableDiff
{
    // Bookkeeping the Hive metastore and Athena DDL add to a table's parameters by themselves; a definition that does
    // not mention them is not out of date because of them.
    private static readonly HashSet<string> ServiceManagedParameters = new(StringComparer.Ordinal)
    {
        "transient_lastDdlTime",
        "last_modified_by",
        "last_modified_time",
    };

    /// <summary>
    /// One line per difference between <paramref name="existing"/> and <paramref name="desired"/> (empty when they
    /// match). Descriptions and comments treat null and empty alike; Hive type names compare case-insensitively.
    /// </summary>
    public static IReadOnlyList<string> Describe(GlueTableInput existing, GlueTableInput desired)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(desired);
        var changes = new List<string>();
        Compare(changes, "description", existing.Description, desired.Description);
        Compare(changes, "table type", existing.TableType, desired.TableType);
        CompareParameters(changes, "table parameter", existing.Parameters, desired.Parameters, ServiceManagedParameters);
        CompareColumns(changes, "partition key", existing.PartitionKeys, desired.PartitionKeys);

        var (old, now) = (existing.StorageDescriptor, desired.StorageDescriptor);
        CompareColumns(changes, "column", old.Columns, now.Columns);
        Compare(changes, "location", old.Location, now.Location);
        Compare(changes, "input format", old.InputFormat, now.InputFormat);
        Compare(changes, "output format", old.OutputFormat, now.OutputFormat);
        if (old.Compressed != now.Compressed)
        {
            changes.Add($"compressed: {old.Compressed} -> {now.Compressed}");
        }

        Compare(changes, "serialization library", old.SerdeInfo.SerializationLibrary, now.SerdeInfo.SerializationLibrary);
        CompareParameters(changes, "SerDe parameter", old.SerdeInfo.Parameters, now.SerdeInfo.Parameters, ignored: null);
        return changes;
    }

    /// <summary>
    /// The columns and partition keys of <paramref name="existing"/> that <paramref name="desired"/> does not keep with
    /// the same name and type at the same position, one line each; empty when <paramref name="desired"/> only appends.
    /// </summary>
    public static IReadOnlyList<string> LostColumns(GlueTableInput existing, GlueTableInput desired)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(desired);
        var lost = new List<string>();
        Lost(lost, "column", existing.StorageDescriptor.Columns, desired.StorageDescriptor.Columns);
        Lost(lost, "partition key", existing.PartitionKeys, desired.PartitionKeys);
        return lost;
    }

    private static void Lost(List<string> lost, string what, IReadOnlyList<GlueColumn> old, IReadOnlyList<GlueColumn> now)
    {
        for (var i = 0; i < old.Count; i++)
        {
            var kept = i < now.Count ? now[i] : null;
            if (kept is null)
            {
                lost.Add($"{what} {i + 1} '{old[i].Name}' ({old[i].Type}) would be removed");
            }
            else if (!string.Equals(kept.Name, old[i].Name, StringComparison.Ordinal) || !string.Equals(kept.Type, old[i].Type, StringComparison.OrdinalIgnoreCase))
            {
                lost.Add($"{what} {i + 1} '{old[i].Name}' ({old[i].Type}) would become '{kept.Name}' ({kept.Type})");
            }
        }
    }

    private static void Compare(List<string> changes, string what, string? old, string? now)
    {
        if (!string.Equals(old ?? "", now ?? "", StringComparison.Ordinal))
        {
            changes.Add($"{what}: {Quote(old)} -> {Quote(now)}");
        }
    }

    private static void CompareParameters(List<string> changes, string what, IReadOnlyDictionary<string, string> old, IReadOnlyDictionary<string, string> now, HashSet<string>? ignored)
    {
        foreach (var (key, value) in now.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            if (!old.TryGetValue(key, out var previous))
            {
                changes.Add($"{what} '{key}' added: {Quote(value)}");
            }
            else if (!string.Equals(previous, value, StringComparison.Ordinal))
            {
                changes.Add($"{what} '{key}': {Quote(previous)} -> {Quote(value)}");
            }
        }

        foreach (var key in old.Keys.Order(StringComparer.Ordinal))
        {
            if (!now.ContainsKey(key) && ignored?.Contains(key) != true)
            {
                changes.Add($"{what} '{key}' removed");
            }
        }
    }

    private static void CompareColumns(List<string> changes, string what, IReadOnlyList<GlueColumn> old, IReadOnlyList<GlueColumn> now)
    {
        var before = changes.Count;
        var oldByName = old.GroupBy(static c => c.Name, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.First(), StringComparer.Ordinal);
        var nowNames = now.Select(static c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var column in now)
        {
            if (!oldByName.TryGetValue(column.Name, out var previous))
            {
                changes.Add($"{what} '{column.Name}' added ({column.Type})");
                continue;
            }

            if (!string.Equals(previous.Type, column.Type, StringComparison.OrdinalIgnoreCase))
            {
                changes.Add($"{what} '{column.Name}' type: {previous.Type} -> {column.Type}");
            }

            Compare(changes, $"{what} '{column.Name}' comment", previous.Comment, column.Comment);
        }

        foreach (var column in old)
        {
            if (!nowNames.Contains(column.Name))
            {
                changes.Add($"{what} '{column.Name}' removed");
            }
        }

        // Same names, types and comments, yet a different sequence: Hive partition folders and index-based Parquet
        // access both depend on the order.
        if (changes.Count == before && !old.Select(static c => c.Name).SequenceEqual(now.Select(static c => c.Name), StringComparer.Ordinal))
        {
            changes.Add($"{what} order: {string.Join(", ", old.Select(static c => c.Name))} -> {string.Join(", ", now.Select(static c => c.Name))}");
        }
    }

    private static string Quote(string? value) => string.IsNullOrEmpty(value) ? "(none)" : $"'{value}'";
}
