using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;

namespace Turntide.Core.Tests.Hashing.Pdq;

/// <summary>The vectorised kernel against its plain scalar twin, float for float, on many shapes.</summary>
public class PdqKernelTests
{
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 5, 5, 1 }, { 7, 300, 2 }, { 300, 7, 3 }, { 63, 65, 4 }, { 64, 64, 5 }, { 65, 64, 6 }, { 127, 129, 7 },
        { 128, 128, 8 }, { 129, 257, 9 }, { 200, 133, 10 }, { 255, 256, 11 }, { 333, 511, 12 }, { 512, 512, 13 },
        { 9, 9, 14 }, { 17, 1000, 15 }, { 1000, 17, 16 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void KernelEqualsScalarTwinOnNoise(int width, int height, int seed)
    {
        var luma = RandomLuma(width, height, seed, smooth: false);
        AssertKernelMatchesTwin(luma, width, height);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void KernelEqualsScalarTwinOnLowDetailImages(int width, int height, int seed)
    {
        // Smooth, nearly flat pictures: their hash bits hang on float rounding, the hardest case to match.
        var luma = RandomLuma(width, height, seed, smooth: true);
        AssertKernelMatchesTwin(luma, width, height);
    }

    [Fact]
    public void PrescaledLumaPicksTheReferenceNearestNeighbourSamples()
    {
        // 1030 x 600 of distinct grey values: after the pre-scale, pixel (x, y) must come from
        // (floor(x * 1030 / 512), floor(y * 600 / 512)).
        const int width = 1030, height = 600;
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                pixels[i] = (byte)x; pixels[i + 1] = (byte)(x >> 8); pixels[i + 2] = (byte)y;
            }
        var luma = PdqLuma.Prepare(new Raster(pixels, width, height, 3), prescale: true, greyRule: true, out int w, out int h);
        Assert.Equal((512, 512), (w, h));
        foreach (var (x, y) in new[] { (0, 0), (1, 1), (100, 200), (511, 511), (255, 3) })
        {
            int sx = (int)Math.Floor(x * (double)width / 512), sy = (int)Math.Floor(y * (double)height / 512);
            float expected = 0.299f * (byte)sx + 0.587f * (byte)(sx >> 8) + 0.114f * (byte)sy;
            Assert.Equal(expected, luma[y * 512 + x]);
        }
    }

    [Fact]
    public void GreyImagesUseTheGreyValueAsLuma()
    {
        // 15 is one of the grey levels where 0.299*15 + 0.587*15 + 0.114*15 is not exactly 15 in float32.
        var rgba = new byte[6 * 6 * 4];
        for (int i = 0; i < rgba.Length; i += 4)
            (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (15, 15, 15, 0);
        var raster = new Raster(rgba, 6, 6, 4);
        Assert.True(raster.IsGrey());
        Assert.Equal(15f, PdqLuma.Prepare(raster, prescale: true, greyRule: true, out _, out _)[0]);
        Assert.NotEqual(15f, PdqLuma.Prepare(raster, prescale: true, greyRule: false, out _, out _)[0]);
        rgba[4 * 20 + 1] = 16;
        Assert.False(new Raster(rgba, 6, 6, 4).IsGrey());
    }

    [Theory]
    [InlineData(4, 100)]
    [InlineData(100, 4)]
    [InlineData(1, 1)]
    [InlineData(3, 500)]
    public void ImagesBelowFivePixelsHashToZeroWithQualityZero(int width, int height)
    {
        var result = PdqHasher.Hash(new Raster(new byte[width * height * 3], width, height, 3));
        Assert.Equal(new string('0', 64), result.Hash.ToString());
        Assert.Equal(0, result.Quality);
    }

    [Fact]
    public void ANarrowStripLongerThan512IsPrescaledAndHashed()
    {
        // The reference checks the minimum size after the pre-scale: 3x600 becomes 512x512.
        var pixels = new byte[3 * 600 * 3];
        new Random(5).NextBytes(pixels);
        var result = PdqHasher.Hash(new Raster(pixels, 3, 600, 3));
        Assert.NotEqual(new string('0', 64), result.Hash.ToString());
    }

    [Fact]
    public void DihedralOriginalEqualsThePlainHash()
    {
        var pixels = new byte[200 * 150 * 3];
        new Random(9).NextBytes(pixels);
        var raster = new Raster(pixels, 200, 150, 3);
        var dihedral = PdqHasher.HashDihedral(raster);
        var plain = PdqHasher.Hash(raster);
        Assert.Equal(plain.Hash, dihedral.Hashes.Original);
        Assert.Equal(plain.Quality, dihedral.Quality);
    }

    [Fact]
    public void TransposedPixelsHashToTheFlipPlus1Variant()
    {
        // A transpose maps the box-filter grid onto itself exactly, so the transposed image's hash equals the
        // original's flipplus1 hash bit for bit (as the reference shows for its own test image).
        const int n = 96;
        var pixels = RandomSmoothBytes(n, n, 21);
        var transposed = new byte[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
                transposed[x * n + y] = pixels[y * n + x];
        var original = PdqHasher.HashDihedral(new Raster(pixels, n, n, 1));
        var flipped = PdqHasher.Hash(new Raster(transposed, n, n, 1));
        Assert.Equal(original.Hashes.FlipPlus1, flipped.Hash);
    }

    private static void AssertKernelMatchesTwin(float[] luma, int width, int height)
    {
        var (expectedDct, expectedQuality) = ScalarPdq.DctAndQuality(luma, width, height);
        var expectedDownsample = ScalarPdq.Downsample(luma, width, height);
        var kernel = new PdqKernel();
        var dct = new float[256];
        int quality = kernel.Compute(luma, width, height, dct);
        PdqConformanceTests.AssertBitwiseEqual(expectedDownsample, kernel.Downsample.ToArray());
        PdqConformanceTests.AssertBitwiseEqual(expectedDct, dct);
        Assert.Equal(expectedQuality, quality);
        Assert.Equal(PdqBits.Threshold(expectedDct), PdqHasher.HashLuma(luma, width, height).Hash);
    }

    private static float[] RandomLuma(int width, int height, int seed, bool smooth)
    {
        var random = new Random(seed);
        var luma = new float[width * height];
        double fx = random.NextDouble() * 0.05, fy = random.NextDouble() * 0.05;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                luma[y * width + x] = smooth
                    ? (float)(120 + 2 * Math.Sin(x * fx) * Math.Cos(y * fy)) + random.Next(2) * 0.299f
                    : random.Next(256) * 0.587f + random.Next(256) * 0.114f;
        return luma;
    }

    private static byte[] RandomSmoothBytes(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[width * height];
        double fx = 0.05 + random.NextDouble() * 0.1, fy = 0.05 + random.NextDouble() * 0.1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                bytes[y * width + x] = (byte)(128 + 100 * Math.Sin(x * fx + y * fy * 0.3) * Math.Cos(y * fy));
        return bytes;
    }
}
