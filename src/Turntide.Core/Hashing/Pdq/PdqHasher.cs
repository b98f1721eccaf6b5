using Turntide.Core.Imaging;
using Turntide.Core.Index;

namespace Turntide.Core.Hashing.Pdq;

/// <summary>
/// PDQ perceptual hashing, bit-exact with Meta's reference <c>pdq-photo-hasher</c> when given the pixels
/// its decoder produces. Thread-safe: each thread reuses its own scratch buffers.
/// </summary>
public static class PdqHasher
{
    /// <summary>Hashes below this quality are noise-dominated; the reference tools and the forum discard them.</summary>
    public const int MinUsefulQuality = 50;

    /// <summary>The distance at or below which two PDQ hashes are a confident match (the reference's threshold).</summary>
    public const int MatchDistance = 31;

    /// <summary>
    /// Hashes decoded pixels as the reference photo hasher does: a side above 512 triggers the
    /// nearest-neighbour resize to exactly 512x512; an image whose pixels all have R == G == B uses the grey
    /// value as luma; alpha is ignored; a side below 5 gives the zero hash with quality 0.
    /// <paramref name="prescale"/> false hashes at full resolution, as the PDQ core does on its own.
    /// </summary>
    public static PdqResult Hash(in Raster image, bool prescale = true)
    {
        Span<float> dct = stackalloc float[PdqMath.DctSize * PdqMath.DctSize];
        int quality = ComputeDct(image, prescale, greyRule: true, dct);
        return quality < 0 ? new PdqResult(Hash256.Zero, 0) : new PdqResult(PdqBits.Threshold(dct), quality);
    }

    /// <summary>The 8 dihedral hashes from one DCT, with the same pre-processing as <see cref="Hash"/>.</summary>
    public static PdqDihedralResult HashDihedral(in Raster image)
    {
        Span<float> dct = stackalloc float[PdqMath.DctSize * PdqMath.DctSize];
        int quality = ComputeDct(image, prescale: true, greyRule: true, dct);
        if (quality < 0)
            return new PdqDihedralResult(new PdqDihedralHashes(Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero,
                Hash256.Zero, Hash256.Zero, Hash256.Zero, Hash256.Zero), 0);
        return new PdqDihedralResult(PdqBits.Dihedral(dct), quality);
    }

    /// <summary>
    /// The PDQ core on a float luma image (row-major, <paramref name="width"/> x <paramref name="height"/>),
    /// with no pre-scale: what vPDQ uses for video frames.
    /// </summary>
    public static PdqResult HashLuma(ReadOnlySpan<float> luma, int width, int height)
    {
        if (width < PdqMath.MinDimension || height < PdqMath.MinDimension)
            return new PdqResult(Hash256.Zero, 0);
        Span<float> dct = stackalloc float[PdqMath.DctSize * PdqMath.DctSize];
        int quality = PdqKernel.ForCurrentThread.Compute(luma, width, height, dct);
        return new PdqResult(PdqBits.Threshold(dct), quality);
    }

    /// <summary>
    /// The core on RGB pixels without pre-scale or grey rule (luma always 0.299R + 0.587G + 0.114B), as the
    /// reference's vPDQ hashes its frames.
    /// </summary>
    public static PdqResult HashFrame(in Raster frame)
    {
        Span<float> dct = stackalloc float[PdqMath.DctSize * PdqMath.DctSize];
        int quality = ComputeDct(frame, prescale: false, greyRule: false, dct);
        return quality < 0 ? new PdqResult(Hash256.Zero, 0) : new PdqResult(PdqBits.Threshold(dct), quality);
    }

    /// <summary>Fills <paramref name="dct"/> and returns the quality, or -1 when the image is too small to hash.</summary>
    private static int ComputeDct(in Raster image, bool prescale, bool greyRule, Span<float> dct)
    {
        var luma = PdqLuma.Prepare(image, prescale, greyRule, out int width, out int height);
        if (width < PdqMath.MinDimension || height < PdqMath.MinDimension)
            return -1;
        return PdqKernel.ForCurrentThread.Compute(luma, width, height, dct);
    }
}
