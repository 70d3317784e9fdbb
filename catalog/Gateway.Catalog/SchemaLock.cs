using System.Globalization;
using System.Text;

namespace Gateway.Catalog;

/// <summary>One <c>schema.lock</c> line: <c>&lt;table&gt;.&lt;column&gt; &lt;type&gt;</c>.</summary>
public readonly record struct LockedColumn(string Table, string Column, LakeType Type)
{
    /// <summary>The line as written in <c>schema.lock</c>.</summary>
    public override string ToString() => $"{Table}.{Column} {Type.GlueName()}";
}

/// <summary>How a schema broke the lock.</summary>
public enum LockViolationKind
{
    /// <summary>A locked column is gone.</summary>
    Removed,

    /// <summary>A locked column is gone and a column the lock does not know sits in its place.</summary>
    Renamed,

    /// <summary>A locked column is at another position.</summary>
    Moved,

    /// <summary>A locked column has another type.</summary>
    TypeChanged,
}

/// <summary>One way the current schema breaks a locked column, with a sentence naming it and the fix.</summary>
public sealed record LockViolation(LockViolationKind Kind, LockedColumn Locked, string Message);

/// <summary>
/// The append-only rule for lake columns. <c>catalog/Gateway.Catalog/schema.lock</c> lists every column that has ever
/// shipped, per table in order; the current schema must start each table with exactly those columns (same names, same
/// types, same order) and may only add columns after them.
/// </summary>
/// <remarks>Parquet files already in the lake keep their columns forever and Athena reads them by name, so a rename
/// silently turns old rows' values into nulls, a type change fails the query, and a reorder breaks the Firehose
/// conversion and any reader by position.</remarks>
public static class SchemaLock
{
    /// <summary>The lock file's name, next to <c>EventSchema.cs</c>.</summary>
    public const string FileName = "schema.lock";

    private const string Header =
        """
        # Columns of the lake tables that have shipped, per table in order (catalog/README.md, "Schema evolution").
        # Append-only: add a new column's line after the last line of its table; never edit, remove or reorder a line.
        # Checked against catalog/Gateway.Catalog/EventSchema.cs by tests/Gateway.Catalog.Tests.
        """;

    /// <summary>The lock lines of <paramref name="tables"/>: every column, table by table, in order.</summary>
    public static IReadOnlyList<LockedColumn> Lines(IEnumerable<TableSchema> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return [.. tables.SelectMany(t => t.Columns.Select(c => new LockedColumn(t.Name, c.Name, c.Type)))];
    }

    /// <summary>The lock file text for <paramref name="tables"/>: a comment header, then one line per column.</summary>
    public static string Format(IEnumerable<TableSchema> tables)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var line in Lines(tables))
        {
            text.Append(line.ToString()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads lock text; blank lines and lines starting with <c>#</c> are skipped.</summary>
    /// <exception cref="FormatException">A line is not <c>&lt;table&gt;.&lt;column&gt; &lt;type&gt;</c> or repeats a column; the message names the line.</exception>
    public static IReadOnlyList<LockedColumn> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<LockedColumn>();
        var seen = new Dictionary<(string, string), int>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var dot = parts.Length == 2 ? parts[0].IndexOf('.', StringComparison.Ordinal) : -1;
            if (dot <= 0 || dot == parts[0].Length - 1 || !LakeTypes.TryParseGlueName(parts[1], out var type))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{FileName} line {number}: expected \"<table>.<column> <type>\" with a type of {string.Join(", ", Enum.GetValues<LakeType>().Select(t => t.GlueName()))}; got \"{line}\"."));
            }

            var column = new LockedColumn(parts[0][..dot], parts[0][(dot + 1)..], type);
            if (seen.TryGetValue((column.Table, column.Column), out var first))
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                    $"{FileName} line {number}: {column.Table}.{column.Column} is listed twice (first on line {first}); keep the first line and delete this one."));
            }

            seen[(column.Table, column.Column)] = number;
            lines.Add(column);
        }

        return lines;
    }

    /// <summary>Every way <paramref name="current"/> breaks <paramref name="locked"/>; empty when each table's locked columns are a prefix of its current ones.</summary>
    public static IReadOnlyList<LockViolation> Check(IReadOnlyList<LockedColumn> locked, IReadOnlyList<LockedColumn> current)
    {
        ArgumentNullException.ThrowIfNull(locked);
        ArgumentNullException.ThrowIfNull(current);
        var violations = new List<LockViolation>();
        foreach (var table in locked.Select(l => l.Table).Distinct(StringComparer.Ordinal))
        {
            var was = locked.Where(l => l.Table == table).ToList();
            var now = current.Where(c => c.Table == table).ToList();
            var lockedNames = was.Select(l => l.Column).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < was.Count; i++)
            {
                var old = was[i];
                var at = now.FindIndex(c => c.Column == old.Column);
                if (at == i)
                {
                    if (now[i].Type != old.Type)
                    {
                        violations.Add(Violation(LockViolationKind.TypeChanged, old,
                            $"changed type from {old.Type.GlueName()} to {now[i].Type.GlueName()}; add a new column with the new type instead"));
                    }
                }
                else if (at >= 0)
                {
                    violations.Add(Violation(LockViolationKind.Moved, old,
                        $"moved from column {i + 1} to column {at + 1}; put it back and add new columns only at the end"));
                }
                else if (i < now.Count && !lockedNames.Contains(now[i].Column))
                {
                    violations.Add(Violation(LockViolationKind.Renamed, old,
                        $"was renamed to {now[i].Column}; keep the old name (and add the new one at the end if both are needed)"));
                }
                else
                {
                    violations.Add(Violation(LockViolationKind.Removed, old,
                        $"was removed; put it back (write null in it if the value is no longer produced)"));
                }
            }
        }

        return violations;
    }

    /// <summary>Current columns the lock does not list yet: the lines to append to <c>schema.lock</c> after adding columns.</summary>
    public static IReadOnlyList<LockedColumn> Unlocked(IReadOnlyList<LockedColumn> locked, IReadOnlyList<LockedColumn> current)
    {
        ArgumentNullException.ThrowIfNull(locked);
        ArgumentNullException.ThrowIfNull(current);
        var known = locked.Select(l => (l.Table, l.Column)).ToHashSet();
        return [.. current.Where(c => !known.Contains((c.Table, c.Column)))];
    }

    private static LockViolation Violation(LockViolationKind kind, LockedColumn old, string what) =>
        new(kind, old, $"{old.Table}.{old.Column} (locked as \"{old}\") {what}. Lake columns are append-only: a rename, removal, reorder or type change breaks files already written and the queries over them.");
}
