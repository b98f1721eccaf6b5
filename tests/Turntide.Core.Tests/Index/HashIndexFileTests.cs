using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>Snapshots: round trips in both load modes, and clear errors for files that are not sound.</summary>
public sealed class HashIndexFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("turntide-index-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (HashIndex Index, List<(long, Hash256)> Entries) Sample()
    {
        var hashes = SyntheticHashes.Clustered(12_000, 21, clusterSize: 30, maxSpread: 50);
        var ids = Enumerable.Range(0, hashes.Length).Select(i => (long)i * 3 - 500).ToArray();
        var index = HashIndex.Build(ids, hashes, new HashIndexOptions { TailCapacity = 512, BackgroundMerges = false });
        var entries = ids.Zip(hashes).ToList();
        // A live tail, frozen tails, and removals in both must survive the round trip.
        var random = new Random(21);
        for (int i = 0; i < 700; i++)
        {
            var h = SyntheticHashes.FlipBits(hashes[random.Next(hashes.Length)], random.Next(30), random);
            index.Add(1_000_000 + i, h);
            entries.Add((1_000_000 + i, h));
        }
        foreach (long id in new long[] { -500, 1_000_000, 1_000_600, 2_999 })
        {
            index.Remove(id);
            entries.RemoveAll(e => e.Item1 == id);
        }
        return (index, entries);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SavedIndexLoadsWithTheSameAnswers(bool memoryMap)
    {
        var (index, entries) = Sample();
        string path = Path.Combine(_folder, "bank.tidx");
        using (index)
            index.Save(path);
        using var loaded = HashIndex.Load(path, new HashIndexLoadOptions { MemoryMap = memoryMap });
        Assert.Equal(entries.Count, loaded.Count);
        Assert.Equal(memoryMap, loaded.GetStatistics().MemoryMapped);
        foreach (var (_, query) in entries.Where((_, i) => i % 300 == 0))
        {
            foreach (int r in new[] { 0, 31, 64 })
                Oracle.Equal(Oracle.Expected(entries, query, r), loaded.Query(query, r), $"radius {r}");
        }
        // A loaded index takes new entries and removals like any other.
        loaded.Add(42, entries[0].Item2);
        Assert.Contains(new IndexMatch(42, 0), loaded.Query(entries[0].Item2, 0));
        Assert.True(loaded.Remove(entries[1].Item1) > 0);
        loaded.WaitForMerges();
        Assert.DoesNotContain(loaded.Query(entries[1].Item2, 0), m => m.Id == entries[1].Item1);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(16)]
    public void EverySlotLayoutRoundTrips(int slots)
    {
        var hashes = SyntheticHashes.Clustered(3_000, slots, clusterSize: 10, maxSpread: 40);
        var ids = Enumerable.Range(0, hashes.Length).Select(i => (long)i).ToArray();
        string path = Path.Combine(_folder, $"slots-{slots}.tidx");
        using (var index = HashIndex.Build(ids, hashes, new HashIndexOptions { SlotCount = slots }))
            index.Save(path);
        using var loaded = HashIndex.Load(path);
        Assert.Equal(slots, loaded.GetStatistics().SlotCount);
        var entries = ids.Zip(hashes).ToList();
        foreach (var query in hashes.Where((_, i) => i % 250 == 0))
            Oracle.Equal(Oracle.Expected(entries, query, 31), loaded.Query(query, 31), $"{slots} slots");
    }

    [Fact]
    public void EmptyIndexRoundTrips()
    {
        string path = Path.Combine(_folder, "empty.tidx");
        using (var index = new HashIndex())
            index.Save(path);
        using var loaded = HashIndex.Load(path);
        Assert.Equal(0, loaded.Count);
        Assert.Empty(loaded.Query(default, 256));
    }

    private string SavedSample()
    {
        string path = Path.Combine(_folder, "sample.tidx");
        var (index, _) = Sample();
        using (index)
            index.Save(path);
        return path;
    }

    [Fact]
    public void AFlippedByteAnywhereIsReportedAsDamage()
    {
        string path = SavedSample();
        var original = File.ReadAllBytes(path);
        // Header, section data, padding and the section table alike.
        foreach (int at in new[] { 9, 20, 40, 100, 4096 + 7 }.Concat(Enumerable.Range(1, 12).Select(i => original.Length * i / 13)).Append(original.Length - 3))
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0x10;
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<InvalidDataException>(() => HashIndex.Load(path));
            Assert.StartsWith(path, error.Message);
            Assert.Throws<InvalidDataException>(() => HashIndex.Load(path, new HashIndexLoadOptions { MemoryMap = true }));
        }
        File.WriteAllBytes(path, original);
        using var sound = HashIndex.Load(path);
    }

    [Fact]
    public void ATruncatedFileIsReportedAsTruncated()
    {
        string path = SavedSample();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var error = Assert.Throws<InvalidDataException>(() => HashIndex.Load(path));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void AForeignFileIsNotTakenForAnIndex()
    {
        string path = Path.Combine(_folder, "hashes.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Repeat("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6339c4e9c9b22\n", 10)));
        var error = Assert.Throws<InvalidDataException>(() => HashIndex.Load(path));
        Assert.Contains("not a Turntide hash index", error.Message);
        Assert.False(HashIndexFile.HasMagic(path));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("not a Turntide hash index", Assert.Throws<InvalidDataException>(() => HashIndex.Load(path)).Message);
    }

    [Fact]
    public void AnotherFormatVersionIsNamed()
    {
        string path = SavedSample();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<InvalidDataException>(() => HashIndex.Load(path));
        Assert.Contains("version 9", error.Message);
    }
}
