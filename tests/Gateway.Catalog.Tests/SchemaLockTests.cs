using Gateway.Tests.Shared;

namespace Gateway.Catalog.Tests;

public sealed class SchemaLockTests
{
    private static readonly string LockPath = Path.Combine(RepositoryRoot.Path, "catalog", "Gateway.Catalog", SchemaLock.FileName);

    private static readonly IReadOnlyList<LockedColumn> Locked = SchemaLock.Lines(EventSchema.Tables);

    [Fact]
    public void Committed_lock_is_a_prefix_of_each_current_table()
    {
        var violations = SchemaLock.Check(SchemaLock.Parse(File.ReadAllText(LockPath)), SchemaLock.Lines(EventSchema.Tables));

        Assert.True(violations.Count == 0, string.Join("\n", violations.Select(v => v.Message)));
    }

    [Fact]
    public void Committed_lock_lists_every_current_column()
    {
        var missing = SchemaLock.Unlocked(SchemaLock.Parse(File.ReadAllText(LockPath)), SchemaLock.Lines(EventSchema.Tables));

        Assert.True(missing.Count == 0,
            $"{SchemaLock.FileName} does not list these columns yet; append each line after the last line of its table:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void Appending_a_column_is_accepted_and_reported_as_unlocked()
    {
        var current = With(EventSchema.Events, [.. EventSchema.Events.Columns, Column("landing_page", LakeType.String)]);

        Assert.Empty(SchemaLock.Check(Locked, current));
        Assert.Equal([new LockedColumn("events", "landing_page", LakeType.String)], SchemaLock.Unlocked(Locked, current));
    }

    [Fact]
    public void Appending_a_new_table_is_accepted()
    {
        var extra = new TableSchema("sessions", "one row per visit", [Column("session_id", LakeType.String)], []);
        var current = SchemaLock.Lines([.. EventSchema.Tables, extra]);

        Assert.Empty(SchemaLock.Check(Locked, current));
    }

    [Fact]
    public void Renaming_a_column_is_rejected()
    {
        var columns = EventSchema.Events.Columns.ToList();
        columns[6] = columns[6] with { Name = "page_hostname" };

        var violation = Assert.Single(SchemaLock.Check(Locked, With(EventSchema.Events, columns)));

        Assert.Equal(LockViolationKind.Renamed, violation.Kind);
        Assert.Equal("page_host", violation.Locked.Column);
        Assert.Contains("page_hostname", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removing_the_last_column_is_rejected()
    {
        var violation = Assert.Single(SchemaLock.Check(Locked, With(EventSchema.Events, [.. EventSchema.Events.Columns.SkipLast(1)])));

        Assert.Equal(LockViolationKind.Removed, violation.Kind);
        Assert.Equal(EventSchema.Events.Columns[^1].Name, violation.Locked.Column);
    }

    [Fact]
    public void Removing_a_middle_column_is_rejected_and_the_shifted_ones_reported()
    {
        var columns = EventSchema.Events.Columns.Where(c => c.Name != "asn").ToList();

        var violations = SchemaLock.Check(Locked, With(EventSchema.Events, columns));

        Assert.Equal(LockViolationKind.Removed, violations[0].Kind);
        Assert.Equal("asn", violations[0].Locked.Column);
        Assert.All(violations.Skip(1), v => Assert.Equal(LockViolationKind.Moved, v.Kind));
    }

    [Fact]
    public void Reordering_columns_is_rejected()
    {
        var columns = EventSchema.Events.Columns.ToList();
        (columns[0], columns[1]) = (columns[1], columns[0]);

        var violations = SchemaLock.Check(Locked, With(EventSchema.Events, columns));

        Assert.Equal(["event_time", "received_time"], violations.Select(v => v.Locked.Column));
        Assert.All(violations, v => Assert.Equal(LockViolationKind.Moved, v.Kind));
    }

    [Fact]
    public void Changing_a_column_type_is_rejected()
    {
        var columns = EventSchema.Events.Columns.Select(c => c.Name == "http_status" ? c with { Type = LakeType.BigInt } : c).ToList();

        var violation = Assert.Single(SchemaLock.Check(Locked, With(EventSchema.Events, columns)));

        Assert.Equal(LockViolationKind.TypeChanged, violation.Kind);
        Assert.Contains("from int to bigint", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropping_a_whole_table_is_rejected()
    {
        var violations = SchemaLock.Check(Locked, SchemaLock.Lines([EventSchema.Events]));

        Assert.Equal(EventSchema.BadRows.ColumnNames, violations.Select(v => v.Locked.Column));
        Assert.All(violations, v => Assert.Equal(LockViolationKind.Removed, v.Kind));
    }

    [Fact]
    public void Format_and_parse_round_trip_the_lines()
    {
        Assert.Equal(Locked, SchemaLock.Parse(SchemaLock.Format(EventSchema.Tables)));
    }

    [Theory]
    // No type.
    [InlineData("events.event_time")]
    // A type Glue has but the lake does not use.
    [InlineData("events.event_time varchar")]
    // No table.
    [InlineData("event_time timestamp")]
    // Upper-case type names are not what Format writes.
    [InlineData("events.event_time TIMESTAMP")]
    public void Malformed_lines_are_refused_with_their_line_number(string line)
    {
        var error = Assert.Throws<FormatException>(() => SchemaLock.Parse($"# header\n{line}\n"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_column_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => SchemaLock.Parse("events.a string\nevents.b int\nevents.a string\n"));

        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("first on line 1", error.Message, StringComparison.Ordinal);
    }

    private static Column Column(string name, LakeType type) => new(name, type, true, "Test column.", "Test.");

    // The current lines with one table replaced.
    private static IReadOnlyList<LockedColumn> With(TableSchema table, IReadOnlyList<Column> columns) =>
        SchemaLock.Lines(EventSchema.Tables.Select(t => t.Name == table.Name ? t with { Columns = columns } : t));
}
