using Turntide.Core.Hashing.Video;
using Turntide.Core.Index;
using Turntide.Core.Signals;
using Turntide.Server.Features.Banks;
using Turntide.Server.Features.Matching;

namespace Turntide.Server.Tests.Matching;

/// <summary>The catalog's vPDQ matching against its plain twin: every banked video scored by <see cref="VpdqMatcher.Match"/>.</summary>
public class VpdqSignalIndexTests
{
    private static string Text(IEnumerable<VpdqFrame> frames)
    {
        using var writer = new StringWriter();
        VpdqHashFile.Write(writer, frames);
        return SignalValue.Parse(SignalType.Vpdq, writer.ToString()).Value;
    }

    /// <summary>A video of <paramref name="length"/> frames drawn near a few scenes, with some low-quality frames.</summary>
    private static List<VpdqFrame> Video(Hash256[] scenes, int length, Random random) =>
        [.. Enumerable.Range(0, length).Select(i => new VpdqFrame(i, random.Next(10) == 0 ? 30 : 100,
            SyntheticHashes.FlipBits(scenes[random.Next(scenes.Length)], random.Next(40), random), i))];

    [Fact]
    public void TheCatalogMatchesVideosAsScoringEveryBankedVideoWould()
    {
        var random = new Random(11);
        var scenes = Enumerable.Range(0, 12).Select(_ => SyntheticHashes.Random(random)).ToArray();
        var catalog = new SignalCatalog(SignalCatalog.DefaultIndexes);
        var bank = new CatalogBank(Guid.NewGuid(), "videos", Enabled: true);
        catalog.SetBank(bank);
        var banked = new Dictionary<Guid, List<VpdqFrame>>();
        for (int i = 0; i < 60; i++)
        {
            var frames = Video(scenes[random.Next(8)..], 5 + random.Next(30), random);
            var id = Guid.NewGuid();
            banked[id] = frames;
            catalog.Upsert(new CatalogContent(id, bank.Id, ContentStatus.Enabled, [], [(i + 1, SignalTypes.VpdqName, Text(frames))]));
        }
        // One item's video replaced, one removed: the index follows.
        var replaced = banked.Keys.First();
        banked[replaced] = Video(scenes, 10, random);
        catalog.Upsert(new CatalogContent(replaced, bank.Id, ContentStatus.Enabled, [], [(1000, SignalTypes.VpdqName, Text(banked[replaced]))]));
        var removed = banked.Keys.Last();
        catalog.Remove(removed);
        banked.Remove(removed);

        var decisions = new[]
        {
            VpdqVideoQueryOptions.Default,
            new VpdqVideoQueryOptions { QueryMatchThresholdPercent = 50, ComparedMatchThresholdPercent = 30 },
            new VpdqVideoQueryOptions { QueryMatchThresholdPercent = 0, ComparedMatchThresholdPercent = 60 },
        };
        int matched = 0;
        for (int q = 0; q < 40; q++)
        {
            var query = Video(scenes[random.Next(10)..], 3 + random.Next(25), random);
            foreach (var decision in decisions)
            {
                var expected = banked
                    .Select(b => (Id: b.Key, Score: VpdqMatcher.Match(query, b.Value)))
                    .Where(b => b.Score.IsMatch(decision.QueryMatchThresholdPercent, decision.ComparedMatchThresholdPercent))
                    .Select(b => (b.Id, b.Score.QueryMatchPercent, b.Score.ComparedMatchPercent))
                    .OrderBy(b => b.Id).ToList();
                var actual = catalog.Match(SignalTypes.Vpdq, Text(query), 0, 10_000, CatalogViewer.Everyone, decision)
                    .Select(m => (m.ContentId, m.QueryMatchPercent!.Value, m.ComparedMatchPercent!.Value))
                    .OrderBy(b => b.ContentId).ToList();
                Assert.Equal(expected, actual);
                matched += actual.Count;
            }
        }
        // The draw matches some and misses some, so both sides of each decision are tried.
        Assert.InRange(matched, 1, 40 * decisions.Length * banked.Count - 1);
    }
}
