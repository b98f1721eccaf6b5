using System.Collections.Concurrent;

namespace Turntide.Core.Index;

/// <summary>
/// Every mask over <c>bits</c> bits with at most <c>radius</c> bits set, fewest flips first, with its flip
/// count: the keys a multi-index probe visits around the query's slot value. Cached per (bits, radius).
/// </summary>
internal sealed class FlipMasks
{
    private static readonly ConcurrentDictionary<(int Bits, int Radius), FlipMasks> s_cache = new();

    private FlipMasks(uint[] masks, byte[] flips)
    {
        Masks = masks;
        Flips = flips;
    }

    public uint[] Masks { get; }

    public byte[] Flips { get; }

    public static FlipMasks Get(int bits, int radius)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 32);
        radius = Math.Min(radius, bits);
        return s_cache.GetOrAdd((bits, radius), static key => Create(key.Bits, key.Radius));
    }

    /// <summary>How many masks <see cref="Get"/> returns: the Hamming ball volume.</summary>
    public static double Volume(int bits, int radius)
    {
        double total = 0, term = 1;
        for (int k = 0; k <= Math.Min(radius, bits); k++)
        {
            total += term;
            term = term * (bits - k) / (k + 1);
        }
        return radius < 0 ? 0 : total;
    }

    private static FlipMasks Create(int bits, int radius)
    {
        long volume = (long)Volume(bits, radius);
        if (volume > 1 << 24)
            throw new InvalidOperationException($"{volume} probes of {bits} bits at radius {radius} is past any useful multi-index plan.");
        var masks = new uint[volume];
        var flips = new byte[volume];
        int n = 0;
        for (int k = 0; k <= radius; k++)
            Combinations(bits, k, 0, 0u, masks, flips, ref n, k);
        return new FlipMasks(masks, flips);
    }

    private static void Combinations(int bits, int remaining, int from, uint mask, uint[] masks, byte[] flips, ref int n, int k)
    {
        if (remaining == 0)
        {
            masks[n] = mask;
            flips[n] = (byte)k;
            n++;
            return;
        }
        for (int b = from; b <= bits - remaining; b++)
            Combinations(bits, remaining - 1, b + 1, mask | (1u << b), masks, flips, ref n, k);
    }
}
