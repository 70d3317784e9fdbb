using BenchmarkDotNet.Running;

// "kestrel-pixel URL" serves the pixel from a bare Kestrel app (bench/edge-vs-nginx.sh uses it as the ceiling);
// anything else goes to BenchmarkDotNet.
if (args is ["kestrel-pixel", var url])
{
    await Gateway.Bench.KestrelPixel.RunAsync(url).ConfigureAwait(false);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Gateway.Bench.FormatterBenchmarks).Assembly).Run(args);
