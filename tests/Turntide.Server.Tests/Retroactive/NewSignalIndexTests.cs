using Turntide.Core.Index;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;
using Turntide.Server.Features.Retroactive;
using Turntide.Core.Signals;

namespace Turntide.Server.Tests.Retroactive;

/// <summary>The index of newly arrived signals against a plain scan of every new signal.</summary>
public sealed class NewSignalIndexTests
{
    [Fact]
    public void CandidatesEqualAPlainScanOverTheNewItems()
    {
        var random = new Random(72);
        var seeds = Enumerable.Range(0, 8).Select(_ => SyntheticHashes.Random(random)).ToArray();
        var md5s = Enumerable.Range(0, 5).Select(i => new string((char)('a' + i), 32)).ToArray();
        long signal = 1;
        var items = Enumerable.Range(0, 300).Select(_ => new CatalogContent(Guid.NewGuid(), Guid.Empty, ContentStatus.Enabled, [],
            [.. Enumerable.Range(0, 1 + random.Next(3)).Select(_ => random.Next(4) == 0
                ? (signal++, SignalTypes.Md5Name, md5s[random.Next(md5s.Length)])
                : (signal++, SignalTypes.PdqName, SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(60), random).ToString()))])).ToList();
        using var index = new NewSignalIndex(items);
        var found = new List<(Guid ContentId, int Distance)>();
        int compared = 0;
        for (int q = 0; q < 200; q++)
        {
            var (type, value) = random.Next(5) == 0
                ? (SignalTypes.Md5Name, md5s[random.Next(md5s.Length)])
                : (SignalTypes.PdqName, SyntheticHashes.FlipBits(seeds[random.Next(seeds.Length)], random.Next(30), random).ToString());
            found.Clear();
            index.Find(type, value, found);
            var expected = Scan(items, type, value, index.PdqMaxDistance);
            Assert.Equal(expected, found.OrderBy(f => f.ContentId).ToList());
            compared += expected.Count;
        }
        Assert.True(compared > 200, "The queries should find candidates to compare.");
    }

    private static List<(Guid, int)> Scan(List<CatalogContent> items, string type, string value, int maxDistance)
    {
        var result = new List<(Guid Id, int Distance)>();
        foreach (var item in items)
        {
            int best = int.MaxValue;
            foreach (var (_, t, v) in item.Signals.Where(s => s.SignalType == type))
            {
                if (type != SignalTypes.PdqName)
                {
                    if (v == value)
                        best = 0;
                    continue;
                }
                var a = Hash256.Parse(v);
                var b = Hash256.Parse(value);
                int d = 0;
                for (int bit = 0; bit < 256; bit++)
                    d += a.GetBit(bit) != b.GetBit(bit) ? 1 : 0;
                best = Math.Min(best, d);
            }
            if (best <= maxDistance)
                result.Add((item.Id, best));
        }
        return [.. result.OrderBy(r => r.Id)];
    }
}
