using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(WaEngine.NoiseBench.NoiseTransportBenchmarks).Assembly).Run(args);
