using BenchmarkDotNet.Attributes;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Index;

namespace Turntide.Benchmarks.Hashing.Video;

/// <summary>
/// One video query at a time on one core against 10,000 synthetic indexed videos of 30..120 frames: half
/// originals of random frames (with stills repeating a hash), half near-duplicates of an original (the original without up to its
/// first quarter, every frame 0..20 bits off, as a re-encode gives). Queries are re-encoded clips (10 frames or more,
/// from the first half) of indexed videos
/// (each matches its original and that original's near-duplicates) and unrelated videos (no match); the plain
/// twin scores every indexed video with <see cref="VpdqMatcher.Match"/>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class VpdqVideoIndexBenchmarks
{
    private const int QueriesPerInvoke = 16;
    private VpdqVideoIndex _index = null!;
    private List<(long Id, VpdqFrame[] Frames)> _videos = [];
    private VpdqFrame[][] _clips = [];
    private VpdqFrame[][] _unrelated = [];

    [Params(10_000)]
    public int Videos { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _videos = [];
        for (int v = 0; v < Videos; v++)
        {
            VpdqFrame[] frames;
            if (v % 2 == 0 || v == 1)
                frames = RandomVideo(random);
            else
            {
                var original = _videos[random.Next(_videos.Count / 2) * 2].Frames;
                int start = random.Next(original.Length / 4);
                frames = [.. original.Skip(start).Select((f, i) => f with { FrameNumber = i, Hash = SyntheticHashes.FlipBits(f.Hash, random.Next(21), random) })];
            }
            _videos.Add((v + 1, frames));
        }
        _index = VpdqVideoIndex.Build(_videos.Select(v => (v.Id, (IReadOnlyList<VpdqFrame>)v.Frames)));
        _clips = new VpdqFrame[QueriesPerInvoke][];
        _unrelated = new VpdqFrame[QueriesPerInvoke][];
        for (int q = 0; q < QueriesPerInvoke; q++)
        {
            var source = _videos[random.Next(_videos.Count)].Frames;
            int start = random.Next(source.Length / 2);
            _clips[q] = [.. source.Skip(start).Take(10 + random.Next(source.Length - start - 9))
                .Select((f, i) => f with { FrameNumber = i, Hash = SyntheticHashes.FlipBits(f.Hash, random.Next(16), random) })];
            _unrelated[q] = RandomVideo(random);
        }
        // The size of what is measured, printed in the benchmark's log.
        Console.WriteLine($"// videos {_index.Count}, indexed frames {_index.FrameCount}, " +
            $"results per clip query {_clips.Average(c => _index.Query(c).Count):F2}, per unrelated query {_unrelated.Average(c => _index.Query(c).Count):F2}");
    }

    private static VpdqFrame[] RandomVideo(Random random)
    {
        var frames = new VpdqFrame[random.Next(30, 121)];
        for (int i = 0; i < frames.Length; i++)
        {
            var hash = i > 0 && random.Next(5) == 0 ? frames[i - 1].Hash : SyntheticHashes.Random(random);
            frames[i] = new VpdqFrame(i, random.Next(10) == 0 ? random.Next(50) : random.Next(50, 101), hash, i);
        }
        return frames;
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke, Description = "index: clip of an indexed video")]
    public int IndexClip() => Run(_clips);

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke, Description = "index: unrelated video (no match)")]
    public int IndexUnrelated() => Run(_unrelated);

    [Benchmark(OperationsPerInvoke = QueriesPerInvoke, Description = "scoring every video: clip")]
    public int BruteForceClip()
    {
        int matches = 0;
        foreach (var query in _clips)
        {
            foreach (var (_, frames) in _videos)
            {
                if (VpdqMatcher.Match(query, frames).IsMatch())
                    matches++;
            }
        }
        return matches;
    }

    private int Run(VpdqFrame[][] queries)
    {
        int matches = 0;
        foreach (var query in queries)
            matches += _index.Query(query).Count;
        return matches;
    }
}
