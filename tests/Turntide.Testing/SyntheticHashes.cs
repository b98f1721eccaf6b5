using Turntide.Core.Index;

namespace Turntide.Testing;

/// <summary>
/// Reproducible hashes for tests and benchmarks: uniformly random hashes, clustered hashes (near
/// duplicates of a few centres, as re-encoded copies of one image are), queries near indexed hashes, and a hash
/// with an exact number of bits flipped. The only generator the tests use; <c>turntide bench index</c> has its own.
/// </summary>
internal static class SyntheticHashes
{
    public static Hash256 Random(Random random) =>
        new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63),
            (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63), (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63));

    public static Hash256[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var hashes = new Hash256[count];
        for (int i = 0; i < count; i++)
            hashes[i] = Random(random);
        return hashes;
    }

    /// <summary>
    /// Hashes in clusters of <paramref name="clusterSize"/>: a random centre, then members at
    /// distances 0..<paramref name="maxSpread"/> from it (every distance used in turn), so near duplicates at
    /// every distance up to the spread exist.
    /// </summary>
    public static Hash256[] Clustered(int count, int seed, int clusterSize = 16, int maxSpread = 64)
    {
        var random = new Random(seed);
        var hashes = new Hash256[count];
        Hash256 centre = default;
        int spread = 0;
        for (int i = 0; i < count; i++)
        {
            if (i % clusterSize == 0)
            {
                centre = Random(random);
                hashes[i] = centre;
                continue;
            }
            hashes[i] = FlipBits(centre, spread, random);
            spread = spread == maxSpread ? 0 : spread + 1;
        }
        return hashes;
    }

    /// <summary><paramref name="hash"/> with exactly <paramref name="bits"/> distinct bits flipped.</summary>
    public static Hash256 FlipBits(Hash256 hash, int bits, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, Hash256.Bits);
        Span<ulong> w = [hash.W0, hash.W1, hash.W2, hash.W3];
        Span<ulong> flipped = stackalloc ulong[4];
        int done = 0;
        while (done < bits)
        {
            int b = random.Next(Hash256.Bits);
            ulong bit = 1UL << (b & 63);
            if ((flipped[b >> 6] & bit) != 0)
                continue;
            flipped[b >> 6] |= bit;
            w[b >> 6] ^= bit;
            done++;
        }
        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    /// <summary>Queries each at a distance of 1..<paramref name="maxFlips"/> from a randomly chosen indexed hash.</summary>
    public static Hash256[] NearDuplicateQueries(ReadOnlySpan<Hash256> indexed, int count, int seed, int maxFlips = 31)
    {
        var random = new Random(seed);
        var queries = new Hash256[count];
        for (int i = 0; i < count; i++)
            queries[i] = FlipBits(indexed[random.Next(indexed.Length)], 1 + random.Next(maxFlips), random);
        return queries;
    }
}
