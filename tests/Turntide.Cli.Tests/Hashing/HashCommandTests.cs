using System.Text.Json;
using Turntide.Core.Imaging;
using Turntide.Core.Tests;

namespace Turntide.Cli.Tests.Hashing;

public sealed class HashCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("turntide-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string[] ReferencePaths() =>
        File.ReadAllLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher.txt")).Select(l => l.Split(',', 3)[2]).ToArray();

    [Fact]
    public void HashPrintsExactlyTheReferenceHasherOutput()
    {
        var result = CliProcess.Run(TestData.PdqData, ["hash", .. ReferencePaths()]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher.txt")), result.OutLines);
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public void DihedralPrintsExactlyTheReferencePdqdihAcrossOutput()
    {
        var result = CliProcess.Run(TestData.PdqData, ["hash", "--dihedral", "--threads", "2", .. ReferencePaths()]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(File.ReadAllLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher--pdqdih-across.txt")), result.OutLines);
    }

    [Fact]
    public void AFolderIsWalkedRecursivelyTakingOnlyImages()
    {
        var result = CliProcess.Run(TestData.PdqData, "hash", ".");
        Assert.Equal(0, result.ExitCode);
        // The reference list holds every image under data/ (the .dat and .txt hash lists are not images).
        Assert.Equal(
            File.ReadAllLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher.txt")).Order(StringComparer.Ordinal),
            result.OutLines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BadInputsAreReportedOneLineEachAndTheBatchGoesOn()
    {
        File.WriteAllBytes(Path.Combine(_temp, "empty.jpg"), []);
        File.WriteAllText(Path.Combine(_temp, "notes.jpg"), "this is text");
        var jpeg = File.ReadAllBytes(Path.Combine(TestData.PdqData, "reg-test-input", "dih", "bridge-1-original.jpg"));
        File.WriteAllBytes(Path.Combine(_temp, "truncated.jpg"), jpeg[..(jpeg.Length / 3)]);
        File.WriteAllBytes(Path.Combine(_temp, "good.jpg"), jpeg);
        File.WriteAllBytes(Path.Combine(_temp, "picture.tiff"), [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        var result = CliProcess.Run(_temp, "hash", "--signal", "pdq", "empty.jpg", "notes.jpg", "truncated.jpg", "missing.png", "picture.tiff", "good.jpg");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22,100,good.jpg"], result.OutLines);
        Assert.Contains("turntide: empty.jpg: empty file", result.ErrLines);
        Assert.Contains("turntide: notes.jpg: pdq: PDQ needs a photo, and this is a text file", result.ErrLines);
        Assert.Contains("turntide: truncated.jpg: pdq: truncated jpeg data", result.ErrLines);
        Assert.Contains("turntide: missing.png: no such file or folder", result.ErrLines);
        Assert.Contains("turntide: picture.tiff: pdq: unsupported image format tiff (supported: JPEG, PNG, GIF, BMP, WebP)", result.ErrLines);
        Assert.Equal("turntide: 5 of 6 inputs failed", result.ErrLines[^1]);
    }

    [Fact]
    public void AnEmptyFileIsAnErrorWhateverTheSignals()
    {
        File.WriteAllBytes(Path.Combine(_temp, "empty.bin"), []);
        var result = CliProcess.Run(_temp, "hash", "empty.bin");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.StdOut);
        Assert.Contains("turntide: empty.bin: empty file", result.ErrLines);
    }

    [Fact]
    public void ImagesOverThePixelLimitAreRefused()
    {
        var result = CliProcess.Run(TestData.PdqData, "hash", "--max-pixels", "100000", "reg-test-input/dih/bridge-1-original.jpg", "misc-images/wee.jpg");
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.OutLines);
        Assert.EndsWith(",misc-images/wee.jpg", result.OutLines[0]);
        Assert.Contains(result.ErrLines, l => l.StartsWith("turntide: reg-test-input/dih/bridge-1-original.jpg: pdq: jpeg declares", StringComparison.Ordinal)
            && l.Contains("over the limit of 100000"));
    }

    [Fact]
    public void OutputKeepsInputOrderWithManyThreads()
    {
        for (int i = 0; i < 40; i++)
            SampleImages.Write(Path.Combine(_temp, $"{39 - i:D2}.png"), i, 80 + i, 60);
        var names = Enumerable.Range(0, 40).Select(i => $"{i:D2}.png").Reverse().ToArray();
        var many = CliProcess.Run(_temp, ["hash", "--threads", "8", .. names]);
        var one = CliProcess.Run(_temp, ["hash", "--threads", "1", .. names]);
        Assert.Equal(0, many.ExitCode);
        Assert.Equal(names, many.OutLines.Select(l => l.Split(',')[2]));
        Assert.Equal(one.OutLines, many.OutLines);
    }

    [Fact]
    public void CsvHasAHeaderAndQuotesPaths()
    {
        var jpeg = File.ReadAllBytes(Path.Combine(TestData.PdqData, "misc-images", "wee.jpg"));
        File.WriteAllBytes(Path.Combine(_temp, "a,b.jpg"), jpeg);
        var result = CliProcess.Run(_temp, "hash", "--format", "csv", "--signal", "pdq", "a,b.jpg");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["path,pdq,quality,kind", "\"a,b.jpg\",6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d,100,photo"], result.OutLines);
    }

    [Fact]
    public void JsonPrintsOneObjectPerFileWithDihedralHashes()
    {
        var result = CliProcess.Run(TestData.PdqData, "hash", "--format", "json", "--dihedral", "reg-test-input/dih/bridge-1-original.jpg");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(Assert.Single(result.OutLines));
        Assert.Equal("reg-test-input/dih/bridge-1-original.jpg", json.RootElement.GetProperty("path").GetString());
        Assert.Equal("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22", json.RootElement.GetProperty("pdq").GetString());
        Assert.Equal(100, json.RootElement.GetProperty("quality").GetInt32());
        Assert.Equal("f0a10efd51c83d429053d48d0fffbc52e34e0e17ada956a9d29685211ea9e58f",
            json.RootElement.GetProperty("dihedral").GetProperty("rot90").GetString());
    }

    [Theory]
    [InlineData("--threads", "0")]
    [InlineData("--format", "xml")]
    [InlineData("--max-pixels", "-5")]
    public void BadOptionsAreUsageErrorsWithExitCodeTwo(string option, string value)
    {
        var result = CliProcess.Run(_temp, "hash", option, value, "x.jpg");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option.TrimStart('-'), result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public void NoPathIsAUsageError()
    {
        var result = CliProcess.Run(_temp, "hash");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Required argument missing for command: 'hash'", result.StdErr);
    }
}
