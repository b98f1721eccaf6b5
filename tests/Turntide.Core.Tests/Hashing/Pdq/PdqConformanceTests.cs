using System.Globalization;
using Turntide.Core.Hashing.Pdq;
using Turntide.Core.Imaging;
using Turntide.Core.Index;

namespace Turntide.Core.Tests.Hashing.Pdq;

/// <summary>Hash and quality must equal Meta's reference pdq-photo-hasher bit for bit on every shared image.</summary>
public class PdqConformanceTests
{
    public static TheoryData<string, string, int> PhotoHasherLines()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var line in File.ReadLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher.txt")))
        {
            var parts = line.Split(',', 3);
            data.Add(parts[2], parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        return data;
    }

    public static TheoryData<string, string[], int> DihedralLines()
    {
        var data = new TheoryData<string, string[], int>();
        foreach (var line in File.ReadLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher--pdqdih-across.txt")))
        {
            var parts = line.Split(',', 10);
            data.Add(parts[9], parts[..8], int.Parse(parts[8], CultureInfo.InvariantCulture));
        }
        return data;
    }

    public static TheoryData<string, string, int> SummaryRows()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var line in File.ReadLines(Path.Combine(TestData.PdqExpected, "summary.csv")).Skip(1))
        {
            var c = line.Split(',');
            data.Add(c[0], c[6], int.Parse(c[7], CultureInfo.InvariantCulture));
        }
        return data;
    }

    [Fact]
    public void EveryReferenceLineIsCovered()
    {
        Assert.Equal(49, PhotoHasherLines().Count);
        Assert.Equal(49, DihedralLines().Count);
    }

    [Theory]
    [MemberData(nameof(PhotoHasherLines))]
    public void DefaultDecoderHashEqualsReference(string path, string expectedHash, int expectedQuality)
    {
        using var image = ImageDecoder.Default.Decode(File.ReadAllBytes(Path.Combine(TestData.PdqData, path)));
        var result = PdqHasher.Hash(image.Raster);
        Assert.Equal(expectedHash, result.Hash.ToString());
        Assert.Equal(expectedQuality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(PhotoHasherLines))]
    public void HashEqualsReferencePhotoHasher(string path, string expectedHash, int expectedQuality)
    {
        var result = HashFile(Path.Combine(TestData.PdqData, path));
        Assert.Equal(expectedHash, result.Hash.ToString());
        Assert.Equal(expectedQuality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(DihedralLines))]
    public void DihedralHashesEqualReference(string path, string[] expectedHashes, int expectedQuality)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.PdqData, path));
        using var image = SkiaImageDecoder.Instance.Decode(bytes);
        var result = PdqHasher.HashDihedral(image.Raster);
        Assert.Equal(expectedHashes, result.Hashes.All.Select(h => h.ToString()).ToArray());
        Assert.Equal(expectedQuality, result.Quality);
    }

    [Theory]
    [MemberData(nameof(SummaryRows))]
    public void CoreWithoutPrescaleEqualsReference(string path, string expectedNoPrescale, int expectedQualityNoPrescale)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.PdqData, path));
        using var image = SkiaImageDecoder.Instance.Decode(bytes);
        var result = PdqHasher.Hash(image.Raster, prescale: false);
        Assert.Equal(expectedNoPrescale, result.Hash.ToString());
        Assert.Equal(expectedQualityNoPrescale, result.Quality);
    }

    public static TheoryData<string> PreparedImages()
    {
        var root = Path.Combine(TestData.PdqExpected, "decoded-prepared");
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(root, file));
        return data;
    }

    /// <summary>The exact pixels the reference core received: decoder-independent bit-exactness.</summary>
    [Theory]
    [MemberData(nameof(PreparedImages))]
    public void PreparedPixelsHashToTheOriginalsReferenceHash(string preparedPath)
    {
        var original = preparedPath[..^".png".Length].Replace('\\', '/');
        var expected = PhotoHasherLines().Single(row => (string)row[0] == original);
        var result = HashFile(Path.Combine(TestData.PdqExpected, "decoded-prepared", preparedPath));
        Assert.Equal((string)expected[1], result.Hash.ToString());
        Assert.Equal((int)expected[2], result.Quality);
    }

    public static TheoryData<string> IntermediateFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestData.PdqExpected, "intermediate"), "*.txt").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>The 64x64 downsample, the DCT and the median equal the reference's buffers float for float.</summary>
    [Theory]
    [MemberData(nameof(IntermediateFiles))]
    public void IntermediateBuffersEqualReference(string fileName)
    {
        var lines = File.ReadAllLines(Path.Combine(TestData.PdqExpected, "intermediate", fileName));
        var header = lines[0].Split(',', 4);
        var downsample = ParseBlock(lines, "# 64x64", 64);
        var dct = ParseBlock(lines, "# 16x16", 16);
        var medianLine = lines.Single(l => l.StartsWith("# median", StringComparison.Ordinal));
        float median = float.Parse(medianLine.Split(' ')[^1], CultureInfo.InvariantCulture);

        using var image = SkiaImageDecoder.Instance.Decode(File.ReadAllBytes(Path.Combine(TestData.PdqData, header[3])));
        var luma = PdqLuma.Prepare(image.Raster, prescale: true, greyRule: true, out int width, out int height).ToArray();
        Assert.Equal(header[2], $"{width}x{height}");

        var kernel = new PdqKernel();
        var actualDct = new float[256];
        int quality = kernel.Compute(luma, width, height, actualDct);
        AssertBitwiseEqual(downsample, kernel.Downsample.ToArray());
        AssertBitwiseEqual(dct, actualDct);
        Assert.Equal(BitConverter.SingleToInt32Bits(median), BitConverter.SingleToInt32Bits(PdqBits.LowerMedian(actualDct)));
        Assert.Equal(int.Parse(header[1], CultureInfo.InvariantCulture), quality);
        Assert.Equal(header[0], PdqBits.Threshold(actualDct).ToString());
    }

    private static float[] ParseBlock(string[] lines, string marker, int rows)
    {
        int start = Array.FindIndex(lines, l => l.StartsWith(marker, StringComparison.Ordinal)) + 1;
        Assert.True(start > 0, $"no block {marker}");
        return lines.Skip(start).Take(rows)
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
    }

    internal static void AssertBitwiseEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static PdqResult HashFile(string path)
    {
        using var image = SkiaImageDecoder.Instance.Decode(File.ReadAllBytes(path));
        return PdqHasher.Hash(image.Raster);
    }
}
