using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;

namespace Turntide.Core.Tests.Imaging;

/// <summary>The libjpeg-turbo fast path against SkiaSharp, its general twin, pixel for pixel.</summary>
public class TurboJpegDecoderTests
{
    public static TheoryData<string> Jpegs()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(TestData.PdqData, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(TestData.PdqData, file));
        return data;
    }

    [Fact]
    public void LibTurboJpegIsInstalled()
    {
        // scripts/setup.sh installs libturbojpeg0; without it every JPEG silently takes the slower path.
        Assert.True(TurboJpegDecoder.IsAvailable, "libturbojpeg.so.0 could not be loaded: run scripts/setup.sh");
    }

    [Theory]
    [MemberData(nameof(Jpegs))]
    public void FastPathGivesSkiasPixelsOrDeclines(string path)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.PdqData, path));
        using var skia = SkiaImageDecoder.Instance.Decode(bytes);
        using var fast = TurboJpegDecoder.TryDecode(bytes, DecodeLimits.Default);
        if (fast is null)
        {
            // Only colour spaces the fast path leaves to SkiaSharp may decline.
            Assert.Contains("CMYK", path);
            return;
        }
        Assert.Equal((skia.Raster.Width, skia.Raster.Height), (fast.Raster.Width, fast.Raster.Height));
        var s = skia.Raster;
        var f = fast.Raster;
        for (int y = 0; y < s.Height; y++)
        {
            var srow = s.Row(y);
            var frow = f.Row(y);
            for (int x = 0; x < s.Width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    byte expected = srow[x * 4 + c];
                    byte actual = frow[x * f.Channels + (f.Channels == 1 ? 0 : c)];
                    if (expected != actual)
                        Assert.Fail($"{path}: pixel ({x},{y}) channel {c}: SkiaSharp {expected}, libjpeg-turbo {actual}");
                }
            }
        }
        Assert.Equal(PdqHasher.Hash(s), PdqHasher.Hash(f));
    }

    [Fact]
    public void TruncatedJpegIsDeclinedSoTheGeneralDecoderReportsIt()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.PdqData, "reg-test-input", "dih", "bridge-1-original.jpg"));
        Assert.Null(TurboJpegDecoder.TryDecode(bytes.AsSpan(0, bytes.Length / 2), DecodeLimits.Default));
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Default.Decode(bytes.AsSpan(0, bytes.Length / 2)));
        Assert.StartsWith("truncated jpeg", error.Message);
    }

    [Fact]
    public void PixelLimitStillAppliesOnTheFastPath()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.PdqData, "reg-test-input", "dih", "bridge-1-original.jpg"));
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Default.Decode(bytes, new DecodeLimits { MaxPixels = 5000 }));
        Assert.Contains("over the limit of 5000", error.Message);
    }
}
