using BenchmarkDotNet.Attributes;
using SkiaSharp;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;

namespace Turntide.Benchmarks.Imaging;

/// <summary>Decoding a generated 1024x768 JPEG, and decoding plus hashing it: the per-file work of <c>turntide hash</c>.</summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private byte[] _jpeg = [];

    [GlobalSetup]
    public void Setup()
    {
        using var bitmap = SampleImages.Draw(seed: 42, 1024, 768);
        _jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
    }

    [Benchmark(Baseline = true)]
    public int DecodeJpeg1024x768()
    {
        using var image = SkiaImageDecoder.Instance.Decode(_jpeg);
        return image.Raster.Width;
    }

    [Benchmark]
    public PdqResult DecodeAndHashJpeg1024x768()
    {
        using var image = SkiaImageDecoder.Instance.Decode(_jpeg);
        return PdqHasher.Hash(image.Raster);
    }
}
