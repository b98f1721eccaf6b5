using BenchmarkDotNet.Attributes;
using SkiaSharp;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;
using Turntide.Core.Index;

namespace Turntide.Benchmarks.Hashing.Pdq;

/// <summary>
/// The PDQ kernel from decoded pixels (pre-scale, luma, filter, DCT, threshold) on one core, against the
/// literal scalar transcription of the reference at the same sizes.
/// </summary>
[MemoryDiagnoser]
public class PdqKernelBenchmarks
{
    private Raster _raster;
    private float[] _luma = [];
    private int _lumaWidth, _lumaHeight;

    [Params("64x64", "512x512", "1024x768")]
    public string Size { get; set; } = "1024x768";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split('x');
        int width = int.Parse(parts[0]), height = int.Parse(parts[1]);
        using var bitmap = SampleImages.Draw(seed: 42, width, height);
        using var unpremul = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.CopyTo(unpremul, SKColorType.Rgba8888);
        _raster = new Raster(unpremul.Bytes, width, height, 4);
        _luma = PdqLuma.Prepare(_raster, prescale: true, greyRule: true, out _lumaWidth, out _lumaHeight).ToArray();
    }

    [Benchmark(Baseline = true, Description = "Turntide PDQ (pixels to hash)")]
    public Hash256 Turntide() => PdqHasher.Hash(_raster).Hash;

    [Benchmark(Description = "Scalar transcription of the reference core (luma to hash)")]
    public Hash256 ScalarReference()
    {
        var (dct, _) = ScalarPdq.DctAndQuality(_luma, _lumaWidth, _lumaHeight);
        return PdqBits.Threshold(dct);
    }

    [Benchmark(Description = "Turntide PDQ dihedral (pixels to 8 hashes)")]
    public PdqDihedralHashes Dihedral() => PdqHasher.HashDihedral(_raster).Hashes;
}
