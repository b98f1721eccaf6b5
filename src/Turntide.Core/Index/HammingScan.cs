using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Turntide.Core.Index;

/// <summary>Receives each (query, position, distance) within the distance found by a scan.</summary>
internal interface IScanSink
{
    void Match(int query, int position, int distance);
}

/// <summary>The ways a linear scan can compare; tests pin each one against <see cref="Scalar"/>.</summary>
internal enum ScanKernel
{
    /// <summary>Four 64-bit popcounts per pair: the plain twin every other kernel must equal.</summary>
    Scalar,

    /// <summary>Eight hashes at a time in AVX-512 registers, bytes counted by nibble lookup.</summary>
    Avx512,
}

/// <summary>
/// Linear scan of packed hashes against many queries per pass: each block of hashes is loaded (and, for the
/// vector kernel, transposed into one register per 64-bit word) once and compared with every query, so a
/// batch costs one pass over memory however many queries it holds.
/// </summary>
internal static unsafe class HammingScan
{
    public static ScanKernel Best => Avx512BW.IsSupported ? ScanKernel.Avx512 : ScanKernel.Scalar;

    public static bool IsSupported(ScanKernel kernel) => kernel switch
    {
        ScanKernel.Scalar => true,
        ScanKernel.Avx512 => Avx512BW.IsSupported,
        _ => false,
    };

    public static void Scan<TSink>(Hash256* hashes, int count, ReadOnlySpan<Hash256> queries, int maxDistance, ref TSink sink)
        where TSink : struct, IScanSink
        => Scan(Best, hashes, count, queries, maxDistance, ref sink);

    public static void Scan<TSink>(ScanKernel kernel, Hash256* hashes, int count, ReadOnlySpan<Hash256> queries, int maxDistance, ref TSink sink)
        where TSink : struct, IScanSink
    {
        if (count <= 0 || queries.IsEmpty)
            return;
        int done = 0;
        if (kernel == ScanKernel.Avx512 && Avx512BW.IsSupported)
            done = ScanAvx512(hashes, count, queries, maxDistance, ref sink);
        ScanScalar(hashes, done, count, queries, maxDistance, ref sink);
    }

    private static void ScanScalar<TSink>(Hash256* hashes, int from, int to, ReadOnlySpan<Hash256> queries, int maxDistance, ref TSink sink)
        where TSink : struct, IScanSink
    {
        for (int pos = from; pos < to; pos++)
        {
            Hash256 h = hashes[pos];
            for (int q = 0; q < queries.Length; q++)
            {
                int d = h.DistanceTo(queries[q]);
                if (d <= maxDistance)
                    sink.Match(q, pos, d);
            }
        }
    }

    /// <summary>Whole blocks of 8 hashes; returns how many hashes it covered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ScanAvx512<TSink>(Hash256* hashes, int count, ReadOnlySpan<Hash256> queries, int maxDistance, ref TSink sink)
        where TSink : struct, IScanSink
    {
        int blocks = count / 8;
        // Gather word w of hashes 0..3 (then 4..7) into one register: a register holds two hashes' four words.
        var pickLow = Vector512.Create(0UL, 4, 8, 12, 1, 5, 9, 13);
        var pickHigh = Vector512.Create(2UL, 6, 10, 14, 3, 7, 11, 15);
        var firstHalves = Vector512.Create(0UL, 1, 2, 3, 8, 9, 10, 11);
        var secondHalves = Vector512.Create(4UL, 5, 6, 7, 12, 13, 14, 15);
        var nibble = Vector512.Create((byte)0x0F);
        var counts = Vector512.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
            0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var limit = Vector512.Create((ulong)maxDistance);
        fixed (Hash256* qs = queries)
        {
            ulong* qw = (ulong*)qs;
            for (int b = 0; b < blocks; b++)
            {
                ulong* p = (ulong*)(hashes + b * 8);
                var a = Vector512.Load(p);
                var c = Vector512.Load(p + 8);
                var e = Vector512.Load(p + 16);
                var f = Vector512.Load(p + 24);
                var lo0 = Avx512F.PermuteVar8x64x2(a, pickLow, c);
                var hi0 = Avx512F.PermuteVar8x64x2(a, pickHigh, c);
                var lo1 = Avx512F.PermuteVar8x64x2(e, pickLow, f);
                var hi1 = Avx512F.PermuteVar8x64x2(e, pickHigh, f);
                var w0 = Avx512F.PermuteVar8x64x2(lo0, firstHalves, lo1);
                var w1 = Avx512F.PermuteVar8x64x2(lo0, secondHalves, lo1);
                var w2 = Avx512F.PermuteVar8x64x2(hi0, firstHalves, hi1);
                var w3 = Avx512F.PermuteVar8x64x2(hi0, secondHalves, hi1);
                for (int q = 0; q < queries.Length; q++)
                {
                    ulong* query = qw + q * 4;
                    var sum = ByteCounts(w0 ^ Vector512.Create(query[0]), nibble, counts)
                        + ByteCounts(w1 ^ Vector512.Create(query[1]), nibble, counts)
                        + ByteCounts(w2 ^ Vector512.Create(query[2]), nibble, counts)
                        + ByteCounts(w3 ^ Vector512.Create(query[3]), nibble, counts);
                    var distance = Avx512BW.SumAbsoluteDifferences(sum, Vector512<byte>.Zero).AsUInt64();
                    ulong within = Vector512.LessThanOrEqual(distance, limit).ExtractMostSignificantBits();
                    while (within != 0)
                    {
                        int lane = BitOperations.TrailingZeroCount(within);
                        within &= within - 1;
                        sink.Match(q, b * 8 + lane, (int)distance.GetElement(lane));
                    }
                }
            }
        }
        return blocks * 8;
    }

    /// <summary>Set bits per byte (0..8) by looking up each nibble.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> ByteCounts(Vector512<ulong> x, Vector512<byte> nibble, Vector512<byte> counts)
    {
        var bytes = x.AsByte();
        var low = bytes & nibble;
        var high = Vector512.ShiftRightLogical(x, 4).AsByte() & nibble;
        return Avx512BW.Shuffle(counts, low) + Avx512BW.Shuffle(counts, high);
    }
}
