using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Turntide.Benchmarks -- --filter '*Pdq*'
// dotnet run -c Release --project bench/Turntide.Benchmarks -- --filter '*HashIndex*' '*HammingScan*'
BenchmarkSwitcher.FromAssembly(typeof(Turntide.Benchmarks.Hashing.Pdq.PdqKernelBenchmarks).Assembly).Run(args);
