using BenchmarkDotNet.Attributes;
using Turntide.Core.Index;

namespace Turntide.Benchmarks.Index;

/// <summary>The linear-scan kernels on 100k hashes against a batch of queries, per hash-query pair.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public unsafe class HammingScanBenchmarks
{
    private const int Hashes = 100_000;
    private Hash256[] _hashes = [];
    private Hash256[] _queries = [];

    [Params(1, 64)]
    public int Queries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hashes = SyntheticHashes.Random(Hashes, 1);
        _queries = SyntheticHashes.Random(Queries, 2);
    }

    private struct Count : IScanSink
    {
        public int Matches;

        public void Match(int query, int position, int distance) => Matches++;
    }

    [Benchmark(Baseline = true, Description = "scalar popcount")]
    public int Scalar() => Run(ScanKernel.Scalar);

    [Benchmark(Description = "AVX-512 nibble lookup")]
    public int Avx512() => HammingScan.IsSupported(ScanKernel.Avx512) ? Run(ScanKernel.Avx512) : -1;

    private int Run(ScanKernel kernel)
    {
        var sink = new Count();
        fixed (Hash256* p = _hashes)
            HammingScan.Scan(kernel, p, _hashes.Length, _queries, 63, ref sink);
        return sink.Matches;
    }
}
