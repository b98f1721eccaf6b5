using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>Adds, removals and background merges, alone and while queries run.</summary>
public class LiveUpdateTests
{
    private static Hash256 HashOf(long id)
    {
        // A hash that is a pure function of the id, so a reader can tell a torn or mismatched entry.
        var random = new Random((int)(id * 2654435761 % int.MaxValue));
        return SyntheticHashes.Random(random);
    }

    [Fact]
    public void AddsThroughTheTailAndMergedSegmentsEqualBruteForce()
    {
        var random = new Random(11);
        var oracle = new List<(long, Hash256)>();
        using var index = new HashIndex(new HashIndexOptions { TailCapacity = 64, MergeFanout = 3 });
        var centres = SyntheticHashes.Random(50, 11);
        for (int i = 0; i < 6_000; i++)
        {
            var hash = SyntheticHashes.FlipBits(centres[i % 50], random.Next(40), random);
            index.Add(i, hash);
            oracle.Add((i, hash));
        }
        index.WaitForMerges();
        Assert.True(index.GetStatistics().MultiIndexSegments >= 1);
        Assert.Equal(6_000, index.Count);
        foreach (var centre in centres.Take(20))
        {
            foreach (int r in new[] { 0, 15, 31, 64 })
                Oracle.Equal(Oracle.Expected(oracle, centre, r), index.Query(centre, r), $"radius {r}");
        }
    }

    [Fact]
    public void RemovedIdsDisappearFromTailSegmentsAndMerges()
    {
        var hashes = SyntheticHashes.Clustered(20_000, 12, clusterSize: 20, maxSpread: 40);
        var ids = Enumerable.Range(0, hashes.Length).Select(i => (long)(i % 15_000)).ToArray(); // some ids hold two hashes
        using var index = HashIndex.Build(ids, hashes, new HashIndexOptions { TailCapacity = 128 });
        var oracle = ids.Zip(hashes).ToList();
        var random = new Random(12);
        for (int i = 0; i < 1_000; i++)
        {
            long id = 100_000 + i;
            var hash = SyntheticHashes.FlipBits(hashes[random.Next(hashes.Length)], random.Next(20), random);
            index.Add(id, hash);
            oracle.Add((id, hash));
        }
        // Remove from the big segment, from merged tails and from the live tail, and an id that does not exist.
        var removed = new HashSet<long>();
        for (int i = 0; i < 8_000; i += 3)
            removed.Add(i);
        for (int i = 0; i < 1_000; i += 2)
            removed.Add(100_000 + i);
        foreach (long id in removed)
        {
            int expected = oracle.Count(e => e.Item1 == id);
            Assert.Equal(expected, index.Remove(id));
        }
        Assert.Equal(0, index.Remove(-5));
        oracle.RemoveAll(e => removed.Contains(e.Item1));
        Assert.Equal(oracle.Count, index.Count);

        void Check(string when)
        {
            foreach (var query in hashes.Where((_, i) => i % 500 == 0))
            {
                foreach (int r in new[] { 0, 31, 63 })
                    Oracle.Equal(Oracle.Expected(oracle, query, r), index.Query(query, r), $"{when}, radius {r}");
            }
        }
        Check("before merges");
        index.WaitForMerges();
        Check("after merges");
        index.Compact();
        Assert.Equal(1, index.GetStatistics().Segments);
        Assert.Equal(0, index.GetStatistics().TailEntries);
        Check("after compaction");
        Assert.Equal(0, index.Remove(3));
    }

    [Fact]
    public void QueriesRunningDuringAddsAndRemovesNeverSeeATornOrStaleEntry()
    {
        using var index = new HashIndex(new HashIndexOptions { TailCapacity = 256, MergeFanout = 3 });
        var seed = Enumerable.Range(0, 5_000).Select(i => (long)i).ToArray();
        index.AddRange(seed, seed.Select(HashOf).ToArray());
        long published = 4_999; // every id up to this one has been added and is never removed
        const long removable = 1_000_000;
        // Plain threads and a clock, not the thread pool: a starved pool would delay a timer-based stop.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool Running() => clock.Elapsed < TimeSpan.FromSeconds(3);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int[] checks = new int[2];

        var writer = new Thread(() =>
        {
            long next = 5_000;
            var random = new Random(1);
            while (Running())
            {
                index.Add(next, HashOf(next));
                Volatile.Write(ref published, next);
                next++;
                // Churn: entries that come and go under ids of their own.
                long churn = removable + random.Next(200);
                if (random.Next(2) == 0)
                    index.Add(churn, HashOf(churn));
                else
                    index.Remove(churn);
            }
        });
        var readers = Enumerable.Range(0, 2).Select(r => new Thread(() =>
        {
            var random = new Random(100 + r);
            while (Running() || checks[r] < 100)
            {
                long upTo = Volatile.Read(ref published);
                long id = random.NextInt64(upTo + 1);
                var query = HashOf(id);
                // One reader goes through the batch path, which scans the live tail once per batch.
                var matches = r == 0 ? index.Query(query, 8) : index.QueryBatch([query, HashOf(random.NextInt64(upTo + 1))], 8, threads: 2)[0];
                if (!matches.Contains(new IndexMatch(id, 0)))
                    failures.Enqueue($"id {id} (published before the query) was not found");
                foreach (var m in matches)
                {
                    if (m.Distance != query.DistanceTo(HashOf(m.Id)))
                        failures.Enqueue($"id {m.Id} came back at distance {m.Distance}, not its hash's distance");
                }
                checks[r]++;
            }
        })).ToArray();
        writer.Start();
        foreach (var t in readers)
            t.Start();
        writer.Join();
        foreach (var t in readers)
            t.Join();
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        index.WaitForMerges();
        Assert.True(index.GetStatistics().Segments < 20, $"{index.GetStatistics().Segments} segments after merges");
        long last = Volatile.Read(ref published);
        for (long id = 0; id <= last; id += Math.Max(1, last / 2_000))
            Assert.Contains(new IndexMatch(id, 0), index.Query(HashOf(id), 0));
    }
}
