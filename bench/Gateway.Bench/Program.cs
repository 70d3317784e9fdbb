using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Gateway.Bench.FormatterBenchmarks).Assembly).Run(args);
