using FsCheck;
using FsCheck.Fluent;
using Gateway.Parquet.Tests.Support;

namespace Gateway.Parquet.Tests;

/// <summary>
/// Random schemas, values and layouts (page, row group and dictionary limits, codecs): hyparquet and DuckDB read back exactly
/// what was written, and our reader's statistics match values computed in the test. Tables are checked in batches so
/// one node process reads many files.
/// </summary>
public sealed class RandomTableTests
{
    private const int TablesPerBatch = 30;

    [Fact]
    public void Hyparquet_and_duckdb_read_back_random_tables_written_with_random_layouts()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(4), Prop.ForAll(Arb.From(Gen.ArrayOf(Case, TablesPerBatch)), cases =>
        {
            using var directory = new TempDirectory();
            var paths = cases.Select((c, i) => c.Table.ToFile(directory.Path, $"random-{i}.parquet", c.Options)).ToList();

            var files = Hyparquet.ReadAll(paths);

            for (var i = 0; i < cases.Length; i++)
            {
                cases[i].Table.AssertReadBack(files[i]);
                DuckDbRead.AssertReadBack(cases[i].Table, paths[i]);
            }
        }));
    }

    [Fact]
    public void Statistics_and_layout_of_random_tables_match_the_values_written()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Arb.From(Case), c =>
        {
            FileChecks.AssertLayoutAndStatistics(c.Table, c.Table.ToBytes(c.Options), c.Options);
        }));
    }

    private static Gen<(TestTable Table, ParquetWriterOptions Options)> Case =>
        from columns in Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(ColumnGen, n))
        from rowCount in Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 120)), (1, Gen.Choose(300, 1500)))
        from rows in Gen.ArrayOf(RowGen(columns.Select(c => c.Kind).ToArray(), columns.Select(c => c.NullPercent).ToArray()), rowCount)
        from options in OptionsGen
        select (new TestTable(columns.Select((c, i) => c.Column(i)), rows), options);

    private static Gen<(string Kind, int NullPercent, Func<int, ParquetColumn> Column)> ColumnGen =>
        from kind in Gen.Elements(Values.Kinds)
        from optional in Gen.Elements(false, true)
        from nullPercent in Gen.Elements(0, 5, 30, 100)
        from dictionary in Gen.Elements<bool?>(null, false, true)
        select (kind, optional ? nullPercent : 0, (Func<int, ParquetColumn>)(i =>
            Values.Column(kind, $"c{i}", optional) with { UseDictionary = kind is "string" or "binary" ? dictionary : null }));

    private static Gen<object?[]> RowGen(string[] kinds, int[] nullPercents) =>
        Gen.CollectToArray(kinds.Select((kind, i) =>
            Gen.Choose(0, 99).SelectMany(p => p < nullPercents[i] ? Gen.Constant<object?>(null) : ValueGen(kind).Select(v => (object?)v))));

    private static Gen<object> ValueGen(string kind)
    {
        var edges = Gen.Elements(Values.Edges(kind));
        var random = kind switch
        {
            "boolean" => Gen.Elements<object>(true, false),
            "int32" => Gen.Frequency((3, Gen.Choose(-5, 5)), (1, ArbMap.Default.GeneratorFor<int>())).Select(i => (object)i),
            "int64" => ArbMap.Default.GeneratorFor<long>().Select(l => (object)l),
            "double" => Gen.Frequency(
                (2, ArbMap.Default.GeneratorFor<long>().Select(BitConverter.Int64BitsToDouble)),
                (3, ArbMap.Default.GeneratorFor<double>())).Select(d => (object)d),
            "string" => Gen.Frequency(
                // Literals are interned: the same instances repeat, as pooled values do, through the writer's by-identity path.
                (3, Gen.Elements("a", "b", "DE", "US", "FR", string.Empty)),
                (2, Gen.ArrayOf(Gen.Elements('a', 'z', 'é', 'ß', '中', '\uFF5E', '0', ' ', '\n'))
                    .Select(chars => new string(chars))),
                (1, Gen.Elements("😀", "a😀b", "\U0010FFFF"))).Select(s => (object)s),
            "binary" => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(b => (object)b),
            "timestamp" => Gen.Choose(-100_000_000, 100_000_000).Select(n => (object)(n * 86_400_000L / 1000 * 997)),
            "date" => Gen.Choose(-100_000_000, 100_000_000).Select(n => (object)n),
            _ => throw new ArgumentException($"unknown kind {kind}", nameof(kind)),
        };
        return Gen.Frequency((1, edges), (4, random));
    }

    private static Gen<ParquetWriterOptions> OptionsGen =>
        from codec in Gen.Elements(ParquetCodec.Uncompressed, ParquetCodec.Snappy, ParquetCodec.Gzip)
        from pageBytes in Gen.Frequency((1, Gen.Constant(1024 * 1024)), (3, Gen.Choose(1, 2048)))
        from pageRows in Gen.Frequency((1, Gen.Constant(20_000)), (2, Gen.Choose(1, 300)))
        from rowGroupBytes in Gen.Frequency((1, Gen.Constant(128 * 1024 * 1024)), (3, Gen.Choose(1, 16 * 1024)))
        from dictionaryBytes in Gen.Frequency((1, Gen.Constant(1024 * 1024)), (2, Gen.Choose(0, 600)))
        from useDictionary in Gen.Elements(true, false)
        from deprecated in Gen.Elements(true, false)
        select new ParquetWriterOptions
        {
            Codec = codec,
            PageBytes = pageBytes,
            PageRowLimit = pageRows,
            RowGroupBytes = rowGroupBytes,
            DictionaryPageBytes = dictionaryBytes,
            UseDictionary = useDictionary,
            WriteDeprecatedStatistics = deprecated,
        };
}
