using BenchmarkDotNet.Attributes;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Hashing.Video;
using Turntide.Core.Imaging;

namespace Turntide.Benchmarks.Hashing.Video;

/// <summary>
/// The per-frame vPDQ work on one core: a 1280x720 RGB24 frame to its PDQ hash, against the plain twin
/// (<see cref="PdqHasher.HashFrame"/>), and the luma step alone, vectorised and scalar.
/// </summary>
[MemoryDiagnoser]
public class VpdqFrameBenchmarks
{
    private const int Width = 1280, Height = 720;
    private readonly byte[] _rgb = new byte[Width * Height * 3];
    private readonly float[] _luma = new float[Width * Height];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                int i = (y * Width + x) * 3;
                _rgb[i] = (byte)(x / 5 + random.Next(8));
                _rgb[i + 1] = (byte)(y / 3 + random.Next(8));
                _rgb[i + 2] = (byte)((x ^ y) & 0xFF);
            }
        }
    }

    [Benchmark(Baseline = true, Description = "vPDQ frame (RGB24 to hash)")]
    public PdqResult Frame() => VpdqHasher.HashRgbFrame(_rgb, Width, Height);

    [Benchmark(Description = "PdqHasher.HashFrame twin (RGB raster to hash)")]
    public PdqResult Twin() => PdqHasher.HashFrame(new Raster(_rgb, Width, Height, 3));

    [Benchmark(Description = "Luma, vectorised")]
    public float Luma()
    {
        VpdqFrameHasher.Luma(_rgb, _luma);
        return _luma[^1];
    }

    [Benchmark(Description = "Luma, scalar tables")]
    public float LumaScalar()
    {
        VpdqFrameHasher.LumaScalar(_rgb, _luma);
        return _luma[^1];
    }
}

/// <summary>
/// A whole video through ffmpeg: the 720p sample (120 frames) at every frame, on 1 and 2 hashing threads.
/// Frames per second = 120 / mean. Needs ffmpeg on PATH and the shared test data beside the checkout.
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 8)]
public class VpdqVideoBenchmarks
{
    private string _video = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _video = SharedTestData.File("vpdq", "sample-videos", "doorknob-hd-no-bar.mp4");

    [Benchmark(Description = "vPDQ of the 720p sample, every frame")]
    public int EveryFrame() => VpdqHasher.HashFile(_video, new VpdqOptions { SecondsPerHash = 0, Threads = Threads }).Frames.Count;
}

/// <summary>Finds ../shared/testdata beside the checkout, as the tests do.</summary>
internal static class SharedTestData
{
    public static string File(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Turntide.slnx")))
            {
                var path = Path.Combine([dir.FullName, "..", "shared", "testdata", .. parts]);
                return System.IO.File.Exists(path) ? path : throw new FileNotFoundException("Shared test data missing", path);
            }
        }
        throw new DirectoryNotFoundException("Cannot find the checkout root (Turntide.slnx) above " + AppContext.BaseDirectory);
    }
}
