using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Pdq;

/// <summary>Thresholding of a 16x16 DCT block at its median, and the 8 dihedral variants of one block.</summary>
internal static class PdqBits
{
    private const int N = PdqMath.DctSize;
    private const int Count = N * N;

    /// <summary>Bit k = 16*row + col is set iff coefficient k is strictly above the 128th smallest coefficient.</summary>
    public static Hash256 Threshold(ReadOnlySpan<float> dct)
    {
        if (dct.Length != Count)
            throw new ArgumentException($"A PDQ DCT block has {Count} coefficients.", nameof(dct));
        float median = LowerMedian(dct);
        Span<ulong> words = stackalloc ulong[4];
        for (int w = 0; w < 4; w++)
        {
            ulong word = 0;
            var part = dct.Slice(w * 64, 64);
            for (int b = 63; b >= 0; b--)
                word = (word << 1) | (part[b] > median ? 1UL : 0UL);
            words[w] = word;
        }
        return new Hash256(words[0], words[1], words[2], words[3]);
    }

    /// <summary>The 128th smallest value (the reference's Torben selection returns this element).</summary>
    public static float LowerMedian(ReadOnlySpan<float> values)
    {
        Span<float> copy = stackalloc float[Count];
        values.CopyTo(copy);
        copy.Sort();
        return copy[Count / 2 - 1];
    }

    /// <summary>
    /// The 8 dihedral hashes from one DCT block, in the reference's order: orig, rot90, rot180, rot270,
    /// flipx, flipy, flipplus1, flipminus1. Rows and columns are frequencies 1..16, so an even index
    /// (odd frequency) changes sign under a reflection; rotations and transposes swap the indices.
    /// </summary>
    public static PdqDihedralHashes Dihedral(ReadOnlySpan<float> a)
    {
        Span<float> b = stackalloc float[Count];
        var result = new Hash256[8];
        for (int t = 0; t < 8; t++)
        {
            for (int i = 0; i < N; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    float v = a[i * N + j];
                    bool iOdd = (i & 1) != 0, jOdd = (j & 1) != 0, sumOdd = ((i + j) & 1) != 0;
                    switch (t)
                    {
                        case 0: b[i * N + j] = v; break;
                        case 1: b[j * N + i] = jOdd ? v : -v; break;
                        case 2: b[i * N + j] = sumOdd ? -v : v; break;
                        case 3: b[j * N + i] = iOdd ? v : -v; break;
                        case 4: b[i * N + j] = iOdd ? v : -v; break;
                        case 5: b[i * N + j] = jOdd ? v : -v; break;
                        case 6: b[j * N + i] = v; break;
                        default: b[j * N + i] = sumOdd ? -v : v; break;
                    }
                }
            }
            result[t] = Threshold(b);
        }
        return new PdqDihedralHashes(result[0], result[1], result[2], result[3], result[4], result[5], result[6], result[7]);
    }
}
