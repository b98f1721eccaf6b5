using Turntide.Core.Index;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.Matching;

/// <summary>
/// The HashIndex-backed PDQ index against the brute-force <see cref="LinearPdqIndex"/>, on its own and inside a
/// catalog, from a bulk load through random adds, replacements, removals and status changes. A tail of 64 and a
/// fan-out of 2 make tails freeze and segments merge many times over a few thousand changes.
/// </summary>
public sealed class PdqHashIndexTests
{
    private static readonly HashIndexOptions Small = new() { TailCapacity = 64, MergeFanout = 2 };

    [Fact]
    public void QueriesEqualTheBruteForceIndexThroughLoadAddsReplacementsAndRemovals()
    {
        var random = new Random(20261130);
        var seeds = Enumerable.Range(0, 30).Select(_ => SyntheticHashes.Random(random)).ToArray();
        var fast = new PdqHashIndex(Small);
        var oracle = new LinearPdqIndex();
        var live = new List<long>();
        var values = new Dictionary<long, string>();
        long nextId = 1;

        // The bulk load, with one id given twice: the later value wins, as with Add.
        var load = new List<(long, string)>();
        for (int i = 0; i < 3000; i++)
            load.Add((nextId++, Near(seeds, random).ToString()));
        load.Add((17, Near(seeds, random).ToString()));
        ((ISignalIndex)fast).Load(load);
        ((ISignalIndex)oracle).Load(load);
        foreach (var (id, value) in load)
            values[id] = value;
        live.AddRange(values.Keys);
        Assert.Equal(oracle.Count, fast.Count);
        Check(fast, oracle, seeds, random);

        for (int step = 0; step < 3000; step++)
        {
            int action = random.Next(10);
            if (action < 4 || live.Count == 0)
            {
                long id = nextId++;
                var value = Near(seeds, random).ToString();
                fast.Add(id, value);
                oracle.Add(id, value);
                live.Add(id);
                values[id] = value;
            }
            else if (action < 6)
            {
                // Re-adding an id: sometimes its own value again (as every item change does), sometimes a new one.
                long id = live[random.Next(live.Count)];
                var value = random.Next(2) == 0 ? values[id] : Near(seeds, random).ToString();
                values[id] = value;
                fast.Add(id, value);
                oracle.Add(id, value);
            }
            else if (action < 9)
            {
                int at = random.Next(live.Count);
                long id = live[at];
                live.RemoveAt(at);
                fast.Remove(id);
                oracle.Remove(id);
                // Removing twice, or an id never added, changes nothing.
                fast.Remove(id);
                fast.Remove(-id);
            }
            if (step % 50 == 0)
            {
                Assert.Equal(oracle.Count, fast.Count);
                Check(fast, oracle, seeds, random);
            }
        }
        Assert.Equal(live.Count, fast.Count);
        Check(fast, oracle, seeds, random);
    }

    [Fact]
    public void CatalogsOnEitherIndexMatchAlikeThroughLoadStatusAndBankChanges()
    {
        var random = new Random(42);
        var seeds = Enumerable.Range(0, 20).Select(_ => SyntheticHashes.Random(random)).ToArray();
        var fast = new SignalCatalog([new PdqHashIndex(Small), new ExactSignalIndex(SignalTypes.Md5Name)]);
        var oracle = new SignalCatalog([new LinearPdqIndex(), new ExactSignalIndex(SignalTypes.Md5Name)]);
        var banks = new[] { new CatalogBank(Guid.NewGuid(), "A", true), new CatalogBank(Guid.NewGuid(), "B", true) };
        long nextSignal = 1;
        CatalogContent NewItem(Guid id) => new(id, banks[random.Next(banks.Length)].Id, RandomStatus(random), ["l"],
            [.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => (nextSignal++, SignalTypes.PdqName, Near(seeds, random).ToString()))]);

        var items = Enumerable.Range(0, 2000).Select(_ => NewItem(Guid.NewGuid())).ToDictionary(c => c.Id);
        fast.Load(banks, items.Values, items.Count);
        oracle.Load(banks, items.Values, items.Count);
        int comparisons = 0, withMatches = 0;

        for (int step = 0; step < 1500; step++)
        {
            int action = random.Next(20);
            if (action < 6 || items.Count == 0)
            {
                var item = NewItem(Guid.NewGuid());
                items[item.Id] = item;
                fast.Upsert(item);
                oracle.Upsert(item);
            }
            else if (action < 12)
            {
                // A status change keeps the item's signals; a relabel-and-trim drops one.
                var old = items.Values.ElementAt(random.Next(items.Count));
                var changed = old with
                {
                    Status = RandomStatus(random),
                    Signals = random.Next(3) == 0 && old.Signals.Count > 1 ? [.. old.Signals.Skip(1)] : old.Signals,
                };
                items[changed.Id] = changed;
                fast.Upsert(changed);
                oracle.Upsert(changed);
            }
            else if (action < 18)
            {
                var id = items.Keys.ElementAt(random.Next(items.Count));
                items.Remove(id);
                fast.Remove(id);
                oracle.Remove(id);
            }
            else
            {
                int b = random.Next(banks.Length);
                banks[b] = banks[b] with { Enabled = !banks[b].Enabled };
                fast.SetBank(banks[b]);
                oracle.SetBank(banks[b]);
            }
            if (step % 25 == 0)
            {
                var query = Near(seeds, random).ToString();
                int maxDistance = random.Next(0, 65);
                var expected = oracle.Match(SignalTypes.Pdq, query, maxDistance, 100_000);
                var actual = fast.Match(SignalTypes.Pdq, query, maxDistance, 100_000);
                Assert.Equal(expected.Select(m => (m.ContentId, m.Distance, m.Bank)), actual.Select(m => (m.ContentId, m.Distance, m.Bank)));
                comparisons++;
                withMatches += expected.Count > 0 ? 1 : 0;
            }
        }
        Assert.Equal(oracle.SignalCount, fast.SignalCount);
        // Most comparisons must have had something to compare, or the test would prove little.
        Assert.True(withMatches * 2 > comparisons, $"{withMatches} of {comparisons} queries matched anything.");
    }

    private static void Check(PdqHashIndex fast, LinearPdqIndex oracle, Hash256[] seeds, Random random)
    {
        for (int q = 0; q < 4; q++)
        {
            var query = (q == 0 ? SyntheticHashes.Random(random) : Near(seeds, random)).ToString();
            int maxDistance = q == 0 ? 128 : random.Next(0, 65);
            var expected = new List<IndexHit>();
            var actual = new List<IndexHit>();
            oracle.Query(query, maxDistance, expected);
            fast.Query(query, maxDistance, actual);
            Assert.Equal(expected.OrderBy(h => h.SignalId), actual.OrderBy(h => h.SignalId));
        }
    }

    private static Hash256 Near(Hash256[] seeds, Random random) => SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(40), random);

    private static ContentStatus RandomStatus(Random r) => r.Next(4) switch { 0 => ContentStatus.Disabled, 1 => ContentStatus.Quarantined, _ => ContentStatus.Enabled };
}
