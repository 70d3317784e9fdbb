using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Processing.Enrichment;

namespace Gateway.Catalog.Tests;

public sealed partial class EventSchemaTests
{
    // Column names that would need quoting or clash in Athena and must never be used, whatever the keyword lists say:
    // SQL keywords people reach for, and the partition keys (a column may not share a partition key's name).
    private static readonly string[] MustAvoid = ["date", "time", "timestamp", "year", "month", "day", "hour", "user", "table", "order", "group"];

    // bad_rows.time is fixed by BadRow and EventRowJson (already written); Athena reserves TIME in DDL only, so a
    // hand-written CREATE TABLE must backtick it, while the Glue API and SELECT statements take it as is.
    private static readonly string[] KnownDdlReserved = ["bad_rows.time"];

    public static TheoryData<string> TableNames => [.. EventSchema.Tables.Select(t => t.Name)];

    [Fact]
    public void Event_columns_are_the_ones_EventRowJson_writes_in_the_same_order()
    {
        Assert.Equal(EventRowJson.Columns, EventSchema.Events.ColumnNames);
    }

    [Fact]
    public void Bad_row_columns_are_the_ones_EventRowJson_writes_in_the_same_order()
    {
        Assert.Equal(EventRowJson.BadRowColumns, EventSchema.BadRows.ColumnNames);
    }

    [Fact]
    public void Event_row_properties_have_the_schema_types_and_nullability()
    {
        var properties = typeof(EventRow).GetProperties().Where(p => p.Name != nameof(EventRow.Partition)).ToList();

        Assert.Equal(EventSchema.Events.Columns.Select(Describe), properties.Select(Describe));
    }

    [Fact]
    public void Bad_row_properties_have_the_schema_types_and_nullability()
    {
        var properties = typeof(BadRow).GetProperties().Where(p => p.Name != nameof(BadRow.Partition)).ToList();

        Assert.Equal(EventSchema.BadRows.Columns.Select(Describe), properties.Select(Describe));
    }

    [Fact]
    public void An_empty_event_row_is_written_with_null_in_exactly_the_nullable_columns()
    {
        using var json = JsonDocument.Parse(EventRowJson.ToUtf8(new EventRow()));

        foreach (var column in EventSchema.Events.Columns)
        {
            var kind = json.RootElement.GetProperty(column.Name).ValueKind;
            Assert.True(column.IsNullable == (kind == JsonValueKind.Null), $"{column.Name}: nullable {column.IsNullable}, written as {kind}");
        }
    }

    [Fact]
    public void A_full_event_row_is_written_with_each_column_in_its_type()
    {
        var row = new EventRow();
        foreach (var property in typeof(EventRow).GetProperties().Where(p => p.Name != nameof(EventRow.Partition)))
        {
            property.SetValue(row, SomeValue(property.PropertyType));
        }

        using var json = JsonDocument.Parse(EventRowJson.ToUtf8(row));

        foreach (var column in EventSchema.Events.Columns)
        {
            var value = json.RootElement.GetProperty(column.Name);
            Assert.True(Fits(value, column.Type), $"{column.Name} ({column.Type.GlueName()}) written as {value.GetRawText()}");
        }
    }

    [Fact]
    public void A_bad_row_is_written_with_every_column_present_and_typed()
    {
        var bad = BadRow.Create("1.2.3.4\tx"u8, new DateTimeOffset(2025, 1, 31, 9, 5, 0, TimeSpan.Zero), "parse", "field_count", "expected 18 fields");
        using var json = JsonDocument.Parse(EventRowJson.ToUtf8(bad));

        Assert.Equal(EventSchema.BadRows.ColumnNames, json.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var column in EventSchema.BadRows.Columns)
        {
            var value = json.RootElement.GetProperty(column.Name);
            Assert.True(Fits(value, column.Type), $"{column.Name} ({column.Type.GlueName()}) written as {value.GetRawText()}");
        }
    }

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Column_names_are_unique_lowercase_snake_case(string tableName)
    {
        var table = EventSchema.Tables.Single(t => t.Name == tableName);
        var names = table.Columns.Concat(table.PartitionKeys).Select(c => c.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, name => Assert.Matches(SnakeCase(), name));
        Assert.Matches(SnakeCase(), table.Name);
    }

    [Fact]
    public void Column_names_need_no_quoting_in_Athena_except_the_known_one()
    {
        var offenders = EventSchema.Tables
            .SelectMany(t => t.Columns.Select(c => (Qualified: $"{t.Name}.{c.Name}", c.Name)))
            .Where(c => MustAvoid.Contains(c.Name) || AthenaKeywords.IsReservedInDdl(c.Name) || AthenaKeywords.IsReservedInSelect(c.Name))
            .Select(c => c.Qualified);

        Assert.Equal(KnownDdlReserved, offenders);
    }

    [Fact]
    public void The_known_exception_is_reserved_in_DDL_only()
    {
        // If Athena stops reserving TIME in DDL the exception can go; if SELECT starts reserving it, queries must quote it.
        Assert.True(AthenaKeywords.IsReservedInDdl("time"));
        Assert.False(AthenaKeywords.IsReservedInSelect("time"));
    }

    [Theory]
    // Reserved in Athena DDL (Hive grammar).
    [InlineData("date")]
    [InlineData("time")]
    [InlineData("timestamp")]
    [InlineData("user")]
    // Reserved in both DDL and SELECT.
    [InlineData("table")]
    [InlineData("order")]
    [InlineData("group")]
    public void Keyword_lists_know_the_words_that_need_quoting(string word)
    {
        Assert.True(AthenaKeywords.IsReservedInDdl(word) || AthenaKeywords.IsReservedInSelect(word));
    }

    [Theory]
    [MemberData(nameof(TableNames))]
    public void Partition_keys_are_year_month_day_hour_strings_that_need_no_quoting(string tableName)
    {
        var keys = EventSchema.Tables.Single(t => t.Name == tableName).PartitionKeys;

        Assert.Equal(["year", "month", "day", "hour"], keys.Select(k => k.Name));
        Assert.All(keys, k => Assert.Equal(LakeType.String, k.Type));
        Assert.All(keys, k => Assert.False(AthenaKeywords.IsReservedInDdl(k.Name) || AthenaKeywords.IsReservedInSelect(k.Name), k.Name));
    }

    [Fact]
    public void Partition_keys_are_zero_padded_from_utc_as_documented()
    {
        // 10:05 at +01:00 is 09:05 UTC: the keys follow UTC, never the offset.
        var keys = PartitionKeys.From(new DateTimeOffset(2025, 1, 31, 10, 5, 0, TimeSpan.FromHours(1)));

        Assert.Equal(new PartitionKeys("2025", "01", "31", "09"), keys);
        Assert.Contains("year=2025/month=01/day=31/hour=09/", SchemaMarkdown.ReadmeBlock(), StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptions_and_rules_are_single_sentences_or_lines()
    {
        foreach (var column in EventSchema.Tables.SelectMany(t => t.Columns.Concat(t.PartitionKeys)))
        {
            Assert.False(string.IsNullOrWhiteSpace(column.Description), column.Name);
            Assert.False(string.IsNullOrWhiteSpace(column.Source), column.Name);
            Assert.DoesNotContain('\n', column.Description + column.Source);
            Assert.EndsWith(".", column.Description, StringComparison.Ordinal);
            Assert.EndsWith(".", column.Source, StringComparison.Ordinal);
        }
    }

    private static string Describe(Column column) => $"{column.Name} {column.Type.GlueName()} {(column.IsNullable ? "null" : "not null")}";

    private static string Describe(PropertyInfo property)
    {
        var underlying = Nullable.GetUnderlyingType(property.PropertyType);
        var nullable = underlying is not null
            || (!property.PropertyType.IsValueType && new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable);
        var type = (underlying ?? property.PropertyType) switch
        {
            var t when t == typeof(DateTimeOffset) => LakeType.Timestamp,
            var t when t == typeof(string) => LakeType.String,
            var t when t == typeof(int) => LakeType.Int,
            var t when t == typeof(long) => LakeType.BigInt,
            var t when t == typeof(double) => LakeType.Double,
            var t when t == typeof(bool) => LakeType.Boolean,
            var t => throw new InvalidOperationException($"{property.Name}: no lake type for {t}"),
        };
        return $"{SnakeCaseOf(property.Name)} {type.GlueName()} {(nullable ? "null" : "not null")}";
    }

    private static string SnakeCaseOf(string pascal) => PascalWord().Replace(pascal, "_$0").TrimStart('_').ToLowerInvariant();

    private static object SomeValue(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(DateTimeOffset) => new DateTimeOffset(2025, 1, 31, 9, 5, 0, 123, TimeSpan.Zero),
        var t when t == typeof(string) => "x",
        var t when t == typeof(int) => 200,
        var t when t == typeof(long) => 5_000_000_000L,
        var t when t == typeof(double) => 1.5,
        var t when t == typeof(bool) => true,
        var t => throw new InvalidOperationException($"no sample for {t}"),
    };

    private static bool Fits(JsonElement value, LakeType type) => type switch
    {
        LakeType.Timestamp => value.ValueKind == JsonValueKind.String && value.GetString() is { Length: 24 } text && text.EndsWith('Z'),
        LakeType.String => value.ValueKind == JsonValueKind.String,
        LakeType.Int => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
        LakeType.BigInt => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        LakeType.Double => value.ValueKind == JsonValueKind.Number,
        LakeType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => false,
    };

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex("[A-Z]")]
    private static partial Regex PascalWord();
}
