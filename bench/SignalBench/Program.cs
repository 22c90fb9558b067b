using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(WaEngine.SignalBench.SignalBenchmarks).Assembly).Run(args);
