using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Imaging;

namespace Turntide.Core.Tests.Hashing.Video;

/// <summary>The RGB24 fast path against its plain twin, <see cref="PdqHasher.HashFrame"/> on a 3-channel raster.</summary>
public class VpdqFrameHasherTests
{
    [Theory]
    [InlineData(5, 5)]
    [InlineData(64, 64)]
    [InlineData(127, 61)]
    [InlineData(480, 720)]
    [InlineData(1280, 720)]
    public void FastPathEqualsHashFrameTwin(int width, int height)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var rgb = Frame(width, height, seed);
            var twin = PdqHasher.HashFrame(new Raster(rgb, width, height, 3));
            Assert.Equal(twin, VpdqHasher.HashRgbFrame(rgb, width, height));
        }
    }

    [Fact]
    public void VectorLumaEqualsScalarTwinForEveryColour()
    {
        // All 2^24 colours, plus a tail that is not a multiple of the vector width.
        const int count = (1 << 24) + 13;
        var rgb = new byte[count * 3];
        for (int c = 0; c < count; c++)
        {
            int v = c & 0xFFFFFF;
            rgb[3 * c] = (byte)(v >> 16);
            rgb[3 * c + 1] = (byte)(v >> 8);
            rgb[3 * c + 2] = (byte)v;
        }
        var fast = new float[count];
        var twin = new float[count];
        VpdqFrameHasher.Luma(rgb, fast);
        VpdqFrameHasher.LumaScalar(rgb, twin);
        for (int c = 0; c < count; c++)
        {
            if (BitConverter.SingleToInt32Bits(fast[c]) != BitConverter.SingleToInt32Bits(twin[c]))
                Assert.Fail($"colour #{c & 0xFFFFFF:x6}: vector {fast[c]:R}, scalar {twin[c]:R}");
        }
    }

    [Fact]
    public void GreyFramesUseTheRgbFormulaNotTheGreyRule()
    {
        // The photo hasher takes the grey byte as luma when R == G == B; vPDQ always applies 0.299R + 0.587G + 0.114B.
        const int w = 96, h = 64;
        var rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++)
        {
            byte v = (byte)((i % w) * 2 + (i / w) % 7);
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v;
        }
        var raster = new Raster(rgb, w, h, 3);
        Assert.Equal(PdqHasher.HashFrame(raster), VpdqHasher.HashRgbFrame(rgb, w, h));
        Assert.Equal(PdqHasher.Hash(raster, prescale: false).Quality, VpdqHasher.HashRgbFrame(rgb, w, h).Quality);
    }

    [Fact]
    public void FramesBelowFivePixelsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => VpdqHasher.HashRgbFrame(new byte[4 * 10 * 3], 4, 10));
        Assert.Throws<ArgumentException>(() => VpdqHasher.HashRgbFrame(new byte[10 * 4 * 3], 10, 4));
        Assert.Throws<ArgumentException>(() => VpdqHasher.HashRgbFrame(new byte[10], 10, 10));
    }

    /// <summary>Smooth gradients with noise: realistic enough for a spread of qualities and hash bits.</summary>
    internal static byte[] Frame(int width, int height, int seed)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                rgb[i] = (byte)(x * 255 / width + random.Next(16));
                rgb[i + 1] = (byte)(y * 255 / height + random.Next(16));
                rgb[i + 2] = (byte)((x + y + seed * 50) % 256);
            }
        }
        return rgb;
    }
}
