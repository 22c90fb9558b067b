using BenchmarkDotNet.Running;
using WaEngine.Bench;

// The assembly is named by one of its benchmarks, not by Program: the sandbox (referenced for the server role) shares
// its internals with the bench, and its own top-level Program would clash with this one.
BenchmarkSwitcher.FromAssembly(typeof(NoiseHandshakeBenchmarks).Assembly).Run(args);
