using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>The index against a brute-force scan: every radius, both plans, random and clustered hashes.</summary>
public class HashIndexOracleTests
{
    public static readonly int[] Radii = [0, 1, 15, 31, 32, 63, 64, 128];

    public enum Data { Random, Clustered }

    public enum Plan { Auto, MultiIndex, Scan }

    private static (List<(long, Hash256)> Entries, Hash256[] Queries) Make(Data data, int count, int seed)
    {
        var hashes = data == Data.Random ? SyntheticHashes.Random(count, seed) : SyntheticHashes.Clustered(count, seed, clusterSize: 65, maxSpread: 64);
        var entries = hashes.Select((h, i) => ((long)(i * 7 + 3), h)).ToList();
        var random = new Random(seed + 1);
        var queries = new List<Hash256>();
        // Exact copies, near duplicates at every distance 0..64, and unrelated hashes.
        for (int d = 0; d <= 64; d++)
            queries.Add(SyntheticHashes.FlipBits(hashes[random.Next(count)], d, random));
        for (int i = 0; i < 20; i++)
            queries.Add(SyntheticHashes.Random(random));
        return (entries, queries.ToArray());
    }

    [Theory]
    [InlineData(Data.Random, Plan.Auto)]
    [InlineData(Data.Random, Plan.MultiIndex)]
    [InlineData(Data.Random, Plan.Scan)]
    [InlineData(Data.Clustered, Plan.Auto)]
    [InlineData(Data.Clustered, Plan.MultiIndex)]
    [InlineData(Data.Clustered, Plan.Scan)]
    public void QueriesEqualBruteForceAtEveryRadius(Data data, Plan plan)
    {
        var (entries, queries) = Make(data, 30_000, seed: (int)data * 10 + 1);
        using var index = HashIndex.Build(entries.Select(e => e.Item1).ToArray(), entries.Select(e => e.Item2).ToArray());
        foreach (var segment in index.SegmentsForTest.OfType<MihSegment>())
            segment.ForceScan = plan switch { Plan.MultiIndex => false, Plan.Scan => true, _ => null };
        foreach (var query in queries)
        {
            var expected = Oracle.ExpectedForRadii(entries, query, Radii);
            foreach (int r in Radii)
                Oracle.Equal(expected[r], index.Query(query, r), $"{data}/{plan} query {query} radius {r}");
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(16)]
    public void EverySlotCountIsExactAtEveryRadiusUpTo256(int slots)
    {
        var (entries, queries) = Make(Data.Clustered, 3_000, seed: slots);
        var options = new HashIndexOptions { SlotCount = slots };
        using var index = HashIndex.Build(entries.Select(e => e.Item1).ToArray(), entries.Select(e => e.Item2).ToArray(), options);
        foreach (var segment in index.SegmentsForTest.OfType<MihSegment>())
            segment.ForceScan = false;
        int[] radii = [0, 1, 2, 7, 15, 31, 32, 40, 63, 64, 100, 128, 200, 255, 256];
        foreach (var query in queries.Take(30))
        {
            var expected = Oracle.ExpectedForRadii(entries, query, radii);
            foreach (int r in radii)
                Oracle.Equal(expected[r], index.Query(query, r), $"{slots} slots, radius {r}");
        }
    }

    [Fact]
    public void BatchQueriesEqualSingleQueriesOnTwoThreads()
    {
        var (entries, queries) = Make(Data.Clustered, 20_000, seed: 5);
        using var index = HashIndex.Build(entries.Select(e => e.Item1).ToArray(), entries.Select(e => e.Item2).ToArray());
        foreach (int r in Radii)
        {
            var batch = index.QueryBatch(queries, r, threads: 2);
            Assert.Equal(queries.Length, batch.Length);
            for (int i = 0; i < queries.Length; i++)
                Oracle.Equal(Oracle.Expected(entries, queries[i], r), batch[i], $"batch query {i} radius {r}");
        }
    }

    [Fact]
    public void EmptyIndexReturnsNothingAtAnyRadius()
    {
        using var index = new HashIndex();
        using var built = HashIndex.Build([], []);
        var query = SyntheticHashes.Random(new Random(1));
        foreach (int r in Radii.Append(256))
        {
            Assert.Empty(index.Query(query, r));
            Assert.Empty(built.Query(query, r));
            Assert.Empty(index.QueryBatch([query, query], r).SelectMany(m => m));
        }
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void DuplicateHashesUnderDifferentIdsAreAllReturned()
    {
        var random = new Random(3);
        var hashes = SyntheticHashes.Random(5_000, 3);
        var ids = Enumerable.Range(1, 5_000).Select(i => (long)i).ToList();
        var list = hashes.ToList();
        // The same hash under five more ids, and a near copy under one more.
        for (int k = 0; k < 5; k++)
        {
            ids.Add(100_000 + k);
            list.Add(hashes[42]);
        }
        ids.Add(200_000);
        list.Add(SyntheticHashes.FlipBits(hashes[42], 3, random));
        using var index = HashIndex.Build(ids.ToArray(), list.ToArray());
        var matches = index.Query(hashes[42], 31);
        Assert.Equal([new IndexMatch(43, 0), new IndexMatch(100_000, 0), new IndexMatch(100_001, 0), new IndexMatch(100_002, 0),
            new IndexMatch(100_003, 0), new IndexMatch(100_004, 0), new IndexMatch(200_000, 3)], matches);
    }

    [Fact]
    public void AnIdWithSeveralHashesIsReportedOnceAtItsNearestDistance()
    {
        var random = new Random(4);
        var centre = SyntheticHashes.Random(random);
        using var index = new HashIndex(new HashIndexOptions { TailCapacity = 64 });
        index.AddRange(Enumerable.Repeat(7L, 5_000).ToArray(), Enumerable.Range(0, 5_000).Select(i => SyntheticHashes.FlipBits(centre, 5 + i % 20, random)).ToArray());
        index.Add(7, SyntheticHashes.FlipBits(centre, 2, random));
        index.Add(8, SyntheticHashes.FlipBits(centre, 9, random));
        Assert.Equal([new IndexMatch(7, 2), new IndexMatch(8, 9)], index.Query(centre, 31));
        Assert.Equal([new IndexMatch(7, 2)], index.Query(centre, 4));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(257)]
    public void RadiusOutsideZeroTo256IsRefused(int radius)
    {
        using var index = new HashIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Query(default, radius));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BruteForceIndex().Query(default, radius));
    }

    [Fact]
    public void SlotRadiiAlwaysCoverTheQueryRadius()
    {
        Span<int> all = stackalloc int[MihLayout.MaxSlots];
        for (int slots = 8; slots <= MihLayout.MaxSlots; slots++)
        {
            var layout = new MihLayout(slots, 12, 100_000);
            Assert.Equal(256, layout.Widths.Sum());
            var radii = all[..slots];
            for (int r = 0; r <= 256; r++)
            {
                layout.Radii(r, radii);
                int total = 0;
                foreach (int x in radii)
                    total += x + 1;
                Assert.Equal(r + 1, total);
            }
        }
    }
}
