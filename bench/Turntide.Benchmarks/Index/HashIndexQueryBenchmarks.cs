using BenchmarkDotNet.Attributes;
using Turntide.Core.Index;

namespace Turntide.Benchmarks.Index;

/// <summary>
/// One query at a time on one core: near-duplicate queries (an indexed hash with 1..31 bits flipped, so a
/// match exists) and random queries (no match). 10M is measured by the whole-process `turntide bench index`.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class HashIndexQueryBenchmarks
{
    private const int QueriesPerInvoke = 512;
    private HashIndex _index = null!;
    private Hash256[] _near = [];
    private Hash256[] _random = [];
    private readonly List<IndexMatch> _results = [];

    [Params(1_000_000)]
    public int Count { get; set; }

    [Params("random", "clustered")]
    public string Data { get; set; } = "random";

    [Params(31, 63)]
    public int MaxDistance { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var hashes = Data == "random" ? SyntheticHashes.Random(Count, 1) : SyntheticHashes.Clustered(Count, 1, clusterSize: 16, maxSpread: 64);
        _index = HashIndex.Build(Enumerable.Range(1, Count).Select(i => (long)i).ToArray(), hashes);
        _near = SyntheticHashes.NearDuplicateQueries(hashes, QueriesPerInvoke, 2);
        _random = SyntheticHashes.Random(QueriesPerInvoke, 3);
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke, Description = "near-duplicate query")]
    public int NearDuplicate() => Run(_near);

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke, Description = "random query (no match)")]
    public int Random() => Run(_random);

    private int Run(Hash256[] queries)
    {
        int matches = 0;
        foreach (var q in queries)
        {
            _results.Clear();
            _index.Query(q, MaxDistance, _results);
            matches += _results.Count;
        }
        return matches;
    }
}

/// <summary>Building one segment of 1M hashes (sorted ids, as `turntide index build` gives them).</summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class HashIndexBuildBenchmarks
{
    private long[] _ids = [];
    private Hash256[] _hashes = [];

    [Params(1_000_000)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hashes = SyntheticHashes.Random(Count, 1);
        _ids = Enumerable.Range(1, Count).Select(i => (long)i).ToArray();
    }

    [Benchmark]
    public long Build()
    {
        using var index = HashIndex.Build(_ids, _hashes);
        return index.Count;
    }
}
