using BenchmarkDotNet.Running;

// "kestrel-pixel URL" serves the pixel from a bare Kestrel app (bench/edge-vs-nginx.sh uses it as the ceiling);
// "kpl-throughput FILE" is described below; anything else goes to BenchmarkDotNet.
if (args is ["kestrel-pixel", var url])
{
    await Gateway.Bench.KestrelPixel.RunAsync(url).ConfigureAwait(false);
    return;
}

// "kpl-throughput FILE" aggregates the records of FILE and prints records/s (bench/kpl-vs-node.sh).
if (args is ["kpl-throughput", var path])
{
    await Gateway.Bench.KplThroughput.RunAsync(path).ConfigureAwait(false);
    return;
}

// "enrich-throughput SECONDS" enriches the benchmark mix on one thread for that long and prints events/s (for profilers).
if (args is ["enrich-throughput", var seconds])
{
    Gateway.Bench.EnrichBenchmarks.RunThroughput(TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)));
    return;
}

// "generate-rtlog COUNT FILE" writes COUNT realistic real-time log lines over one day (bench/replay-vs-duckdb.sh).
if (args is ["generate-rtlog", var count, var file])
{
    Gateway.Bench.RealtimeLogMix.Generate(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), file);
    return;
}

// "duckdb-convert TSV PARQUET" converts with DuckDB's reader and writer (bench/replay-vs-duckdb.sh).
if (args is ["duckdb-convert", var tsv, var parquet])
{
    Gateway.Bench.DuckDbConvert.Run(tsv, parquet);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Gateway.Bench.FormatterBenchmarks).Assembly).Run(args);
