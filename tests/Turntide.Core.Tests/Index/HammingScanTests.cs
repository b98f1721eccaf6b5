using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>Every scan kernel this machine supports equals the scalar twin.</summary>
public unsafe class HammingScanTests
{
    private struct Collect(List<(int, int, int)> found) : IScanSink
    {
        public readonly void Match(int query, int position, int distance) => found.Add((query, position, distance));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(1_003)]
    public void VectorKernelEqualsScalarKernel(int count)
    {
        Assert.True(HammingScan.IsSupported(ScanKernel.Scalar));
        var hashes = SyntheticHashes.Clustered(Math.Max(count, 1), count + 1, clusterSize: 10, maxSpread: 256)[..count];
        var random = new Random(count);
        var queries = Enumerable.Range(0, 37).Select(i => count > 0 && i % 2 == 0
            ? SyntheticHashes.FlipBits(hashes[random.Next(count)], random.Next(257), random)
            : SyntheticHashes.Random(random)).ToArray();
        foreach (int r in new[] { 0, 1, 31, 64, 128, 200, 256 })
        {
            var expected = Run(ScanKernel.Scalar, hashes, queries, r);
            // The scalar twin itself against plain distances.
            var plain = new List<(int, int, int)>();
            for (int p = 0; p < count; p++)
                for (int q = 0; q < queries.Length; q++)
                    if (hashes[p].DistanceTo(queries[q]) <= r)
                        plain.Add((q, p, hashes[p].DistanceTo(queries[q])));
            Assert.Equal(plain.Order(), expected.Order());
            foreach (var kernel in Enum.GetValues<ScanKernel>().Where(HammingScan.IsSupported))
                Assert.Equal(expected.Order(), Run(kernel, hashes, queries, r).Order());
        }
    }

    private static List<(int, int, int)> Run(ScanKernel kernel, Hash256[] hashes, Hash256[] queries, int r)
    {
        var found = new List<(int, int, int)>();
        var sink = new Collect(found);
        fixed (Hash256* p = hashes)
            HammingScan.Scan(kernel, p, hashes.Length, queries, r, ref sink);
        return found;
    }
}
