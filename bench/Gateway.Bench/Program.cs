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

// "generate-rtlog COUNT FILE [DAYS [VISITORS]]" writes COUNT realistic real-time log lines over DAYS days (one by
// default) from VISITORS returning visitors (default 0: a new visitor for nearly every line) (bench/replay-vs-duckdb.sh,
// bench/named-queries.sh).
if (args is ["generate-rtlog", var count, var file, ..] && args.Length <= 5)
{
    var numbers = args.Skip(3).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    Gateway.Bench.RealtimeLogMix.Generate(
        int.Parse(count, System.Globalization.CultureInfo.InvariantCulture), file, numbers.Length > 0 ? numbers[0] : 1, numbers.Length > 1 ? numbers[1] : 0);
    return;
}

// "duckdb-convert TSV PARQUET" converts with DuckDB's reader and writer (bench/replay-vs-duckdb.sh).
if (args is ["duckdb-convert", var tsv, var parquet])
{
    Gateway.Bench.DuckDbConvert.Run(tsv, parquet);
    return;
}

// "query-scan LAKE START END ROUNDS" times each named query with and without its partition predicates and prints
// the files and bytes each reads (bench/named-queries.sh).
if (args is ["query-scan", var lake, var from, var to, var rounds])
{
    Gateway.Bench.NamedQueryScan.Run(lake, from, to, int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

// "forward-lambda INVOCATIONS RECORDS" drives the forward Lambda handler with Kinesis events of RECORDS aggregated records
// each, forwarding to a local Conversions API stand-in (bench/forward.sh).
if (args is ["forward-lambda", var invocations, var records])
{
    await Gateway.Bench.ForwardLambdaThroughput.RunAsync(
        int.Parse(invocations, System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(records, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
    return;
}

// "forward-throughput EVENTS OUTAGE_EVENTS RATE" forwards EVENTS to a local Conversions API stand-in, then OUTAGE_EVENTS
// while it answers 503 (paced at RATE events/s, 0 = as fast as they come), then times the redrive (bench/forward.sh).
if (args is ["forward-throughput", var forwardEvents, var outageEvents, var outageRate])
{
    await Gateway.Bench.ForwardThroughput.RunAsync(
        int.Parse(forwardEvents, System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(outageEvents, System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(outageRate, System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Gateway.Bench.FormatterBenchmarks).Assembly).Run(args);
