using Turntide.Core.Index;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.Matching;

/// <summary>The catalog and its indexes against a plain scan over the same items, through adds, changes and removals.</summary>
public sealed class SignalCatalogTests
{
    private sealed record Item(Guid Id, Guid BankId, ContentStatus Status, List<(long Id, string Type, string Value)> Signals);

    [Fact]
    public void MatchesEqualAPlainScanThroughRandomChanges()
    {
        var random = new Random(20261129);
        var catalog = new SignalCatalog();
        var banks = new[] { new CatalogBank(Guid.NewGuid(), "A", true), new CatalogBank(Guid.NewGuid(), "B", true), new CatalogBank(Guid.NewGuid(), "OFF", false) };
        foreach (var b in banks)
            catalog.SetBank(b);
        var items = new Dictionary<Guid, Item>();
        long nextSignal = 1;
        var seeds = Enumerable.Range(0, 40).Select(_ => SyntheticHashes.Random(random)).ToArray();

        for (int step = 0; step < 600; step++)
        {
            int action = random.Next(10);
            if (action < 6 || items.Count == 0)
            {
                // Near-duplicates of a few seeds, so that queries find several items at various distances.
                var signals = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => random.Next(4) == 0
                    ? (nextSignal++, SignalTypes.Md5Name, Convert.ToHexStringLower(random.GetItems<byte>(Enumerable.Range(0, 4).Select(i => (byte)i).ToArray(), 16)))
                    : (nextSignal++, SignalTypes.PdqName, SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(40), random).ToString())).ToList();
                var item = new Item(Guid.NewGuid(), banks[random.Next(banks.Length)].Id, RandomStatus(random), signals);
                items[item.Id] = item;
                catalog.Upsert(ToCatalog(item));
            }
            else if (action < 8)
            {
                var id = items.Keys.ElementAt(random.Next(items.Count));
                var changed = items[id] with { Status = RandomStatus(random), Signals = [.. items[id].Signals.Skip(random.Next(2))] };
                if (changed.Signals.Count == 0)
                    changed.Signals.Add((nextSignal++, SignalTypes.PdqName, SyntheticHashes.Random(random).ToString()));
                items[id] = changed;
                catalog.Upsert(ToCatalog(changed));
            }
            else
            {
                var id = items.Keys.ElementAt(random.Next(items.Count));
                items.Remove(id);
                catalog.Remove(id);
            }

            if (step % 20 == 0)
            {
                var query = SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(20), random);
                int maxDistance = random.Next(0, 48);
                var expected = Scan(items.Values, banks, query, maxDistance);
                var actual = catalog.Match(SignalTypes.Pdq, query.ToString(), maxDistance, limit: 10_000)
                    .Select(m => (m.ContentId, m.Distance)).ToList();
                Assert.Equal(expected, actual);
            }
        }
        Assert.Equal(items.Values.Sum(i => i.Signals.Count), catalog.SignalCount);
    }

    [Fact]
    public void ExactTypesMatchOnlyTheSameValue()
    {
        var catalog = new SignalCatalog();
        var bank = new CatalogBank(Guid.NewGuid(), "EXACT", true);
        catalog.SetBank(bank);
        var id = Guid.NewGuid();
        catalog.Upsert(new CatalogContent(id, bank.Id, ContentStatus.Enabled, ["l"], [(1, SignalTypes.Md5Name, new string('a', 32))]));
        Assert.Equal(id, Assert.Single(catalog.Match(SignalTypes.Md5, new string('a', 32), 0, 10)).ContentId);
        Assert.Empty(catalog.Match(SignalTypes.Md5, new string('a', 31) + "b", 0, 10));
        Assert.Empty(catalog.Match(SignalTypes.Sha256, new string('a', 64), 0, 10));
    }

    [Fact]
    public void LimitKeepsTheNearestItems()
    {
        var catalog = new SignalCatalog();
        var bank = new CatalogBank(Guid.NewGuid(), "NEAR", true);
        catalog.SetBank(bank);
        var random = new Random(7);
        var query = SyntheticHashes.Random(random);
        for (int d = 0; d < 10; d++)
            catalog.Upsert(new CatalogContent(Guid.NewGuid(), bank.Id, ContentStatus.Enabled, [], [(d + 1, SignalTypes.PdqName, SyntheticHashes.FlipBits(query, 9 - d, random).ToString())]));
        var top = catalog.Match(SignalTypes.Pdq, query.ToString(), 31, 3);
        Assert.Equal([0, 1, 2], top.Select(m => m.Distance));
    }

    private static List<(Guid, int)> Scan(IEnumerable<Item> items, CatalogBank[] banks, Hash256 query, int maxDistance)
    {
        var result = new List<(Guid Id, int Distance)>();
        foreach (var item in items)
        {
            if (item.Status != ContentStatus.Enabled || !banks.Single(b => b.Id == item.BankId).Enabled)
                continue;
            int best = int.MaxValue;
            foreach (var (_, type, value) in item.Signals)
            {
                if (type != SignalTypes.PdqName)
                    continue;
                int d = 0;
                var h = Hash256.Parse(value);
                for (int bit = 0; bit < 256; bit++)
                    d += h.GetBit(bit) != query.GetBit(bit) ? 1 : 0;
                best = Math.Min(best, d);
            }
            if (best <= maxDistance)
                result.Add((item.Id, best));
        }
        return [.. result.OrderBy(r => r.Distance).ThenBy(r => r.Id)];
    }

    private static CatalogContent ToCatalog(Item i) => new(i.Id, i.BankId, i.Status, [], [.. i.Signals]);

    private static ContentStatus RandomStatus(Random r) => r.Next(5) switch { 0 => ContentStatus.Disabled, 1 => ContentStatus.Quarantined, _ => ContentStatus.Enabled };
}
