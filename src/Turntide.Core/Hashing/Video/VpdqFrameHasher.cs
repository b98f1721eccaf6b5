using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Turntide.Core.Hashing.Pdq;

namespace Turntide.Core.Hashing.Video;

/// <summary>
/// The PDQ core on one packed RGB24 frame as vPDQ uses it: luma 0.299R + 0.587G + 0.114B for every pixel (no
/// grey rule), no pre-scale. Same result as <see cref="PdqHasher.HashFrame"/>; the luma step is specialised for
/// packed RGB24 and vectorised, and gives the same floats as the scalar tables.
/// </summary>
internal static class VpdqFrameHasher
{
    [ThreadStatic] private static float[]? s_luma;

    public static PdqResult Hash(ReadOnlySpan<byte> rgb, int width, int height)
    {
        int size = checked(width * height);
        if (rgb.Length < size * 3)
            throw new ArgumentException($"{rgb.Length} bytes cannot hold {width}x{height} RGB24 pixels.", nameof(rgb));
        var luma = s_luma is { } b && b.Length >= size ? b : s_luma = new float[size];
        Luma(rgb[..(size * 3)], luma.AsSpan(0, size));
        return PdqHasher.HashLuma(luma.AsSpan(0, size), width, height);
    }

    /// <summary>Luma of packed RGB24 pixels, vectorised where the CPU allows.</summary>
    internal static void Luma(ReadOnlySpan<byte> rgb, Span<float> luma)
    {
        int done = Avx2.IsSupported ? LumaAvx2(rgb, luma) : 0;
        LumaScalar(rgb[(done * 3)..], luma[done..]);
    }

    /// <summary>
    /// The plain twin: R, G and B through the PDQ luma tables (each entry is coefficient x value in single
    /// precision), summed in the reference's order ((R + G) + B).
    /// </summary>
    internal static void LumaScalar(ReadOnlySpan<byte> rgb, Span<float> luma)
    {
        var tr = PdqMath.LumaTableR;
        var tg = PdqMath.LumaTableG;
        var tb = PdqMath.LumaTableB;
        for (int i = 0, p = 0; i < luma.Length; i++, p += 3)
            luma[i] = tr[rgb[p]] + tg[rgb[p + 1]] + tb[rgb[p + 2]];
    }

    // pshufb masks that pick the R, G or B bytes of 16 packed pixels (48 bytes in three registers) from one of
    // the registers into their pixel's position; 0x80 writes a zero.
    private static readonly Vector128<byte> R0 = Vector128.Create((byte)0, 3, 6, 9, 12, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> R1 = Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 2, 5, 8, 11, 14, 0x80, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> R2 = Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1, 4, 7, 10, 13);
    private static readonly Vector128<byte> G0 = Vector128.Create((byte)1, 4, 7, 10, 13, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> G1 = Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0, 3, 6, 9, 12, 15, 0x80, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> G2 = Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 2, 5, 8, 11, 14);
    private static readonly Vector128<byte> B0 = Vector128.Create((byte)2, 5, 8, 11, 14, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> B1 = Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 1, 4, 7, 10, 13, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
    private static readonly Vector128<byte> B2 = Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 3, 6, 9, 12, 15);

    /// <summary>16 pixels per step; returns how many pixels it did (a multiple of 16), the rest is left to the scalar loop.</summary>
    private static int LumaAvx2(ReadOnlySpan<byte> rgb, Span<float> luma)
    {
        int pixels = luma.Length / 16 * 16;
        ref byte src = ref MemoryMarshal.GetReference(rgb);
        ref float dst = ref MemoryMarshal.GetReference(luma);
        var cr = Vector256.Create(PdqMath.LumaR);
        var cg = Vector256.Create(PdqMath.LumaG);
        var cb = Vector256.Create(PdqMath.LumaB);
        for (int i = 0; i < pixels; i += 16)
        {
            ref byte p = ref Unsafe.Add(ref src, i * 3);
            var v0 = Vector128.LoadUnsafe(ref p);
            var v1 = Vector128.LoadUnsafe(ref p, 16);
            var v2 = Vector128.LoadUnsafe(ref p, 32);
            var r = Ssse3.Shuffle(v0, R0) | Ssse3.Shuffle(v1, R1) | Ssse3.Shuffle(v2, R2);
            var g = Ssse3.Shuffle(v0, G0) | Ssse3.Shuffle(v1, G1) | Ssse3.Shuffle(v2, G2);
            var b = Ssse3.Shuffle(v0, B0) | Ssse3.Shuffle(v1, B1) | Ssse3.Shuffle(v2, B2);
            // Low and high 8 pixels: widen bytes to int to float, then the table's products and sums.
            Store(r, g, b, cr, cg, cb, ref Unsafe.Add(ref dst, i));
            Store(Sse2.ShiftRightLogical128BitLane(r, 8), Sse2.ShiftRightLogical128BitLane(g, 8), Sse2.ShiftRightLogical128BitLane(b, 8),
                cr, cg, cb, ref Unsafe.Add(ref dst, i + 8));
        }
        return pixels;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<byte> r, Vector128<byte> g, Vector128<byte> b,
        Vector256<float> cr, Vector256<float> cg, Vector256<float> cb, ref float destination)
    {
        var fr = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(r));
        var fg = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(g));
        var fb = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(b));
        // Separate multiplies and adds, never fused: each product is the table entry, each sum rounds as the scalar one.
        ((fr * cr + fg * cg) + fb * cb).StoreUnsafe(ref destination);
    }
}
