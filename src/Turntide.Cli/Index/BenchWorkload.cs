using Turntide.Core.Index;

namespace Turntide.Cli.Index;

/// <summary>
/// The synthetic hashes <c>turntide bench index</c> measures on: uniform hashes, clusters of near duplicates around
/// random centres (as re-encoded copies of one image are), and queries near indexed hashes. The bench command owns
/// its workload so that nothing in the shipped libraries exists only for tests; the tests' generator is in
/// tests/Turntide.Testing (see docs/testing.md). A seed gives the same workload on every run and machine.
/// </summary>
internal static class BenchWorkload
{
    public static Hash256[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var hashes = new Hash256[count];
        for (int i = 0; i < count; i++)
            hashes[i] = Next(random);
        return hashes;
    }

    /// <summary>
    /// Clusters of <paramref name="clusterSize"/>: a random centre, then members at distances 0..<paramref name="maxSpread"/>
    /// from it, each distance in turn, so near duplicates exist at every distance up to the spread.
    /// </summary>
    public static Hash256[] Clustered(int count, int seed, int clusterSize, int maxSpread)
    {
        var random = new Random(seed);
        var hashes = new Hash256[count];
        Hash256 centre = default;
        int spread = 0;
        for (int i = 0; i < count; i++)
        {
            if (i % clusterSize == 0)
            {
                hashes[i] = centre = Next(random);
                continue;
            }
            hashes[i] = Flip(centre, spread, random);
            spread = spread == maxSpread ? 0 : spread + 1;
        }
        return hashes;
    }

    /// <summary>Queries each 1..<paramref name="maxFlips"/> bits from an indexed hash chosen at random, so each has a match.</summary>
    public static Hash256[] NearDuplicateQueries(Hash256[] indexed, int count, int seed, int maxFlips)
    {
        var random = new Random(seed);
        var queries = new Hash256[count];
        for (int i = 0; i < count; i++)
            queries[i] = Flip(indexed[random.Next(indexed.Length)], 1 + random.Next(maxFlips), random);
        return queries;
    }

    private static Hash256 Next(Random random) =>
        new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63),
            (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));

    /// <summary><paramref name="hash"/> with exactly <paramref name="bits"/> distinct bits flipped.</summary>
    private static Hash256 Flip(Hash256 hash, int bits, Random random)
    {
        Span<ulong> words = [hash.W0, hash.W1, hash.W2, hash.W3];
        Span<ulong> flipped = stackalloc ulong[4];
        for (int done = 0; done < bits;)
        {
            int b = random.Next(Hash256.Bits);
            ulong bit = 1UL << (b & 63);
            if ((flipped[b >> 6] & bit) != 0)
                continue;
            flipped[b >> 6] |= bit;
            words[b >> 6] ^= bit;
            done++;
        }
        return new Hash256(words[0], words[1], words[2], words[3]);
    }
}
