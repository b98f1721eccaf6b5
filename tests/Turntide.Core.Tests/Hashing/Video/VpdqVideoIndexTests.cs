using System.Collections;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Index;

namespace Turntide.Core.Tests.Hashing.Video;

public class VpdqVideoIndexTests
{
    public enum Data { Random, Clustered }

    private static readonly VpdqVideoQueryOptions[] Decisions =
    [
        VpdqVideoQueryOptions.Default,
        new() { QueryMatchThresholdPercent = 50, ComparedMatchThresholdPercent = 50 },
        new() { QueryMatchThresholdPercent = 0, ComparedMatchThresholdPercent = 20 },
        new() { QueryMatchThresholdPercent = 1, ComparedMatchThresholdPercent = 0 },
        new() { QueryMatchThresholdPercent = 100, ComparedMatchThresholdPercent = 0 },
    ];

    /// <summary>The plain twin: every indexed video scored by the matcher, kept when it passes, in the index's order.</summary>
    private static List<VpdqVideoMatch> BruteForce(Dictionary<long, VpdqFrame[]> videos, IReadOnlyList<VpdqFrame> query,
        VpdqMatchOptions options, VpdqVideoQueryOptions decision)
    {
        var results = new List<VpdqVideoMatch>();
        foreach (var (id, frames) in videos)
        {
            var r = VpdqMatcher.Match(query, frames, options);
            if (r.IsMatch(decision.QueryMatchThresholdPercent, decision.ComparedMatchThresholdPercent))
                results.Add(new VpdqVideoMatch(id, r.QueryMatchPercent, r.ComparedMatchPercent));
        }
        results.Sort(VpdqVideoIndex.CompareResults);
        return results;
    }

    private static VpdqFrame Frame(int n, Hash256 hash, Random random) =>
        // One frame in eight below the quality threshold, as dark or flat frames are.
        new(n, random.Next(8) == 0 ? random.Next(0, 50) : random.Next(50, 101), hash, n / 30.0);

    /// <summary>Videos of 5..40 frames: random frames, or frames near a few shared scenes so that videos overlap.</summary>
    private static Dictionary<long, VpdqFrame[]> MakeVideos(Data data, int count, int seed)
    {
        var random = new Random(seed);
        var scenes = SyntheticHashes.Random(12, seed + 1);
        var videos = new Dictionary<long, VpdqFrame[]>();
        for (int v = 0; v < count; v++)
        {
            int n = random.Next(5, 41);
            var frames = new VpdqFrame[n];
            var scene = scenes[random.Next(scenes.Length)];
            for (int i = 0; i < n; i++)
            {
                Hash256 hash;
                if (i > 0 && random.Next(6) == 0)
                    hash = frames[i - 1].Hash; // a still: the same hash again
                else if (data == Data.Random)
                    hash = SyntheticHashes.Random(random);
                else
                {
                    if (random.Next(10) == 0)
                        scene = scenes[random.Next(scenes.Length)];
                    hash = SyntheticHashes.FlipBits(scene, random.Next(0, 48), random);
                }
                frames[i] = Frame(i, hash, random);
            }
            videos[1000 + v * 7] = frames;
        }
        return videos;
    }

    /// <summary>Clips of indexed videos (a run of frames, bits flipped), clips with foreign frames, and unrelated videos.</summary>
    private static List<VpdqFrame[]> MakeQueries(Dictionary<long, VpdqFrame[]> videos, int count, int seed)
    {
        var random = new Random(seed);
        var all = videos.Values.ToArray();
        var queries = new List<VpdqFrame[]>();
        for (int q = 0; q < count; q++)
        {
            var source = all[random.Next(all.Length)];
            int kind = q % 4;
            if (kind == 3)
            {
                queries.Add([.. Enumerable.Range(0, random.Next(1, 30)).Select(i => Frame(i, SyntheticHashes.Random(random), random))]);
                continue;
            }
            int start = random.Next(source.Length);
            int length = random.Next(1, source.Length - start + 1);
            var clip = source.Skip(start).Take(length)
                .Select((f, i) => f with { FrameNumber = i, Hash = SyntheticHashes.FlipBits(f.Hash, kind == 0 ? 0 : random.Next(0, 40), random) })
                .ToList();
            if (kind == 2)
                clip.AddRange(Enumerable.Range(0, random.Next(1, 8)).Select(i => Frame(length + i, SyntheticHashes.Random(random), random)));
            queries.Add([.. clip]);
        }
        return queries;
    }

    private static void AssertEqualsBruteForce(VpdqVideoIndex index, Dictionary<long, VpdqFrame[]> videos, List<VpdqFrame[]> queries, ref int nonEmpty)
    {
        foreach (var query in queries)
        {
            foreach (var decision in Decisions)
            {
                var expected = BruteForce(videos, query, index.Options, decision);
                var actual = index.Query(query, decision);
                Assert.Equal(expected, actual);
                if (expected.Count > 0)
                    nonEmpty++;
            }
        }
    }

    [Theory]
    [InlineData(Data.Random, VpdqCountingRule.DedupedAtMostDistance)]
    [InlineData(Data.Random, VpdqCountingRule.AllFramesBelowDistance)]
    [InlineData(Data.Clustered, VpdqCountingRule.DedupedAtMostDistance)]
    [InlineData(Data.Clustered, VpdqCountingRule.AllFramesBelowDistance)]
    public void QueryEqualsScoringEveryVideoThroughAddsAndRemovals(Data data, VpdqCountingRule rule)
    {
        var options = new VpdqMatchOptions { Rule = rule };
        var videos = MakeVideos(data, 300, (int)data * 10 + (int)rule);
        var queries = MakeQueries(videos, 60, 99);
        int nonEmpty = 0;

        using var built = VpdqVideoIndex.Build(videos.Select(v => (v.Key, (IReadOnlyList<VpdqFrame>)v.Value)), options);
        AssertEqualsBruteForce(built, videos, queries, ref nonEmpty);

        // Live: the same videos added one by one into a small-tailed index (so segments freeze and merge), then a
        // third removed and new ones added.
        using var live = new VpdqVideoIndex(options, new HashIndexOptions { TailCapacity = 64 });
        foreach (var (id, frames) in videos)
            live.Add(id, frames);
        AssertEqualsBruteForce(live, videos, queries, ref nonEmpty);

        var random = new Random(5);
        foreach (var id in videos.Keys.Where(_ => random.Next(3) == 0).ToList())
        {
            Assert.True(live.Remove(id));
            Assert.True(built.Remove(id));
            videos.Remove(id);
        }
        foreach (var (id, frames) in MakeVideos(data, 60, 77))
        {
            long newId = id + 1_000_000;
            videos[newId] = frames;
            live.Add(newId, frames);
            built.Add(newId, frames);
        }
        var moreQueries = MakeQueries(videos, 60, 100);
        AssertEqualsBruteForce(live, videos, queries.Concat(moreQueries).ToList(), ref nonEmpty);
        AssertEqualsBruteForce(built, videos, moreQueries, ref nonEmpty);
        Assert.Equal(videos.Count, live.Count);

        // The comparison is only worth something if many queries found videos.
        Assert.True(nonEmpty > 200, $"only {nonEmpty} query decisions had results");
    }

    [Fact]
    public void ClipOfAnIndexedVideoFindsItWithFullQueryShare()
    {
        var videos = MakeVideos(Data.Random, 50, 3);
        using var index = VpdqVideoIndex.Build(videos.Select(v => (v.Key, (IReadOnlyList<VpdqFrame>)v.Value)));
        var (id, frames) = videos.First(v => v.Value.Count(f => f.Quality >= 50) >= 10);
        var clip = frames.Where(f => f.Quality >= 50).Take(5).ToArray();

        var results = index.Query(clip);

        var hit = Assert.Single(results);
        Assert.Equal(id, hit.VideoId);
        Assert.Equal(100.0, hit.QueryMatchPercent);
        Assert.True(hit.ComparedMatchPercent < 100.0);
    }

    [Fact]
    public void FramesBelowTheQualityThresholdAndRepeatsAreNotIndexed()
    {
        var random = new Random(8);
        var a = SyntheticHashes.Random(random);
        var b = SyntheticHashes.Random(random);
        var c = SyntheticHashes.Random(random);
        VpdqFrame[] frames = [new(0, 90, a, 0), new(1, 90, a, 0.1), new(2, 49, b, 0.2), new(3, 50, c, 0.3)];
        using var index = new VpdqVideoIndex();

        index.Add(7, frames);

        Assert.Equal(2, index.FrameCount);
        Assert.Empty(index.Query([new VpdqFrame(0, 100, b, 0)]));
        Assert.Equal([new VpdqVideoMatch(7, 100, 50)], index.Query([new VpdqFrame(0, 100, c, 0)]));
    }

    [Fact]
    public void VideoWithNoUsableFrameIsNeverReported()
    {
        var hash = SyntheticHashes.Random(new Random(9));
        using var index = new VpdqVideoIndex();
        index.Add(1, [new VpdqFrame(0, 10, hash, 0)]);

        Assert.Equal(1, index.Count);
        Assert.Empty(index.Query([new VpdqFrame(0, 100, hash, 0)]));
        Assert.Empty(index.Query([new VpdqFrame(0, 10, hash, 0)]));
    }

    [Fact]
    public void AddingAnIndexedIdIsRefusedAndRemovingAnUnknownIdReturnsFalse()
    {
        var hash = SyntheticHashes.Random(new Random(10));
        using var index = new VpdqVideoIndex();
        index.Add(1, [new VpdqFrame(0, 100, hash, 0)]);

        Assert.Throws<ArgumentException>(() => index.Add(1, [new VpdqFrame(0, 100, hash, 0)]));
        Assert.False(index.Remove(2));
        Assert.True(index.Remove(1));
        Assert.Equal(0, index.FrameCount);
        Assert.Empty(index.Query([new VpdqFrame(0, 100, hash, 0)]));
        Assert.Throws<ArgumentException>(() => VpdqVideoIndex.Build([(3, [new VpdqFrame(0, 100, hash, 0)]), (3, [])]));
    }

    [Fact]
    public void BothThresholdsAtZeroAreRefused()
    {
        using var index = new VpdqVideoIndex();
        var decision = new VpdqVideoQueryOptions { QueryMatchThresholdPercent = 0, ComparedMatchThresholdPercent = 0 };

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Query([], decision));
    }

    [Fact]
    public void VideoOverTheFrameLimitIsRefused()
    {
        using var index = new VpdqVideoIndex();
        var huge = new CountOnlyFrames(VpdqVideoIndex.MaxFramesPerVideo + 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(1, huge));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Query(huge));
    }

    /// <summary>A frame list that is only as long as it claims, so the limit is checked before any frame is read.</summary>
    private sealed class CountOnlyFrames(int count) : IReadOnlyList<VpdqFrame>
    {
        public int Count => count;
        public VpdqFrame this[int index] => throw new InvalidOperationException("frames read before the limit was checked");
        public IEnumerator<VpdqFrame> GetEnumerator() => throw new InvalidOperationException("frames read before the limit was checked");
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
