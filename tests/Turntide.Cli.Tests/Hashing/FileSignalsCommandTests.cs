using Turntide.Core.Hashing.Video;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Turntide.Cli.Hashing;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Imaging;
using Turntide.Core.Signals;
using Turntide.Core.Tests;
using Turntide.Core.Tests.Hashing.Text;

namespace Turntide.Cli.Tests.Hashing;

public class FileSignalsCommandTests
{
    private static readonly string Photo = Path.Combine(TestData.PdqData, "bridge-mods", "aaa-orig.jpg");
    private const string PhotoPdq = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
    private static readonly string Video = TestData.Path_("vpdq", "sample-videos", "test-padded-dimensions.mp4");
    private static readonly string[][] Manifesto = [["THE MANIFESTO", "Words, words; words!"], ["Page two."]];
    private const string ManifestoText = "THE MANIFESTO\nWords, words; words!\nPage two.";

    private static CommandRun Hash(string[] paths, HashOptions? options = null, bool allFiles = false, OutputFormat format = OutputFormat.Text, int threads = 2)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = HashCommand.Run(paths, options ?? new HashOptions(), allFiles, format, threads, stdout, stderr);
        return new CommandRun(exit, stdout.ToString(), stderr.ToString());
    }

    private static string Md5(string path) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static string Relative(string line, string folder) => line.Replace(folder + Path.DirectorySeparatorChar, "");

    [Fact]
    public void PhotosKeepTheReferenceHashersOutputExactly()
    {
        var run = Hash([TestData.PdqData]);
        Assert.Equal(0, run.Exit);
        Assert.Equal("", run.Stderr);
        var expected = File.ReadAllLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher.txt"));
        var actual = run.Lines.Select(l => Relative(l, TestData.PdqData)).ToArray();
        // The reference lists files in its own order; every line must be there byte for byte, and nothing else.
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DihedralOutputKeepsTheReferenceFormatExactly()
    {
        var run = Hash([TestData.PdqData], new HashOptions { Dihedral = true });
        Assert.Equal(0, run.Exit);
        var expected = File.ReadAllLines(Path.Combine(TestData.PdqExpected, "pdq-photo-hasher--pdqdih-across.txt"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), run.Lines.Select(l => Relative(l, TestData.PdqData)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EachKindGetsItsSignalsAndACorruptPdfDoesNotStopTheBatch()
    {
        using var folder = new TempFolder();
        string photo = folder.Copy("a-photo.jpg", Photo);
        var pdfBytes = TestPdfs.Build(Manifesto);
        string pdf = folder.File("b-manifesto.pdf", pdfBytes);
        string broken = folder.File("c-broken.pdf", pdfBytes[..(pdfBytes.Length / 2)]);
        string video = folder.Copy("d-clip.mp4", Video);
        string text = folder.File("e-caption.txt", Encoding.UTF8.GetBytes(ManifestoText));
        string renamed = folder.Copy("f-photo-named.pdf", Photo);

        // Digests by kind; vPDQ of the video has its own test, so it is left out here.
        var run = Hash([photo, pdf, broken, video, text, renamed], new HashOptions { Vpdq = null });

        string textValue = TextDigester.Digest(ManifestoText).Value;
        Assert.Equal(
        [
            $"{PhotoPdq},100,{photo}",
            $"md5,{Md5(pdf)},{pdf}",
            $"sha256,{Sha256(pdf)},{pdf}",
            $"text,{textValue},{pdf}",
            $"md5,{Md5(broken)},{broken}",
            $"sha256,{Sha256(broken)},{broken}",
            $"md5,{Md5(video)},{video}",
            $"sha256,{Sha256(video)},{video}",
            $"md5,{Md5(text)},{text}",
            $"sha256,{Sha256(text)},{text}",
            $"text,{textValue},{text}",
            $"{PhotoPdq},100,{renamed}",
        ], run.Lines);
        Assert.Equal(
        [
            $"turntide: {broken}: text: truncated PDF: no %%EOF marker at the end of the file",
            $"turntide: note: {video} is a video; vPDQ video hashing is not available in this build, so videos get their MD5 and SHA-256 only",
            "turntide: 1 of 6 inputs failed",
        ], run.ErrorLines);
        Assert.Equal(1, run.Exit);
    }

    [Fact]
    public void PdfThatIsCorruptInsideGivesAClearErrorAndTheNextFileIsStillHashed()
    {
        using var folder = new TempFolder();
        var pdfBytes = TestPdfs.Build(Manifesto);
        var garbled = (byte[])pdfBytes.Clone();
        for (int i = 100; i < garbled.Length - 100; i += 5)
            garbled[i] ^= 0x5A;
        string bad = folder.File("bad.pdf", garbled);
        string photo = folder.Copy("photo.jpg", Photo);

        var run = Hash([bad, photo], new HashOptions { Signals = [SignalType.Text, SignalType.Pdq] });

        Assert.Equal(1, run.Exit);
        Assert.Equal([$"{PhotoPdq},100,{photo}"], run.Lines);
        Assert.StartsWith($"turntide: {bad}: text: corrupt PDF", run.ErrorLines[0]);
        Assert.Equal("turntide: 1 of 2 inputs failed", run.ErrorLines[^1]);
    }

    [Fact]
    public void VpdqIsRefusedUpFrontWhenNoVideoHasherIsPluggedIn()
    {
        var run = Hash([Video], new HashOptions { Signals = [SignalType.Vpdq], Vpdq = null });
        Assert.Equal(2, run.Exit);
        Assert.Equal("", run.Stdout);
        Assert.Equal(["turntide: --signal vpdq: vPDQ video hashing is not available in this build"], run.ErrorLines);
    }

    [Fact]
    public void VideosGetTheirVpdqFromFfmpegByDefault()
    {
        var run = Hash([Video], new HashOptions { Signals = [SignalType.Vpdq] });
        Assert.Equal(0, run.Exit);
        using var expected = new StringWriter();
        VpdqHashFile.Write(expected, VpdqHasher.HashFile(Video, VpdqOptions.Default with { Threads = 1 }).Frames);
        var frames = expected.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(frames.Length > 1);
        // One output line per frame: "vpdq," + the reference frame line + "," + the path.
        Assert.Equal(
            frames.Select(f => $"vpdq,{f},{Video}"),
            run.Lines);
    }

    [Fact]
    public void PdqOfAPdfIsAnErrorNamingWhatTheFileIs()
    {
        using var folder = new TempFolder();
        string pdf = folder.File("doc.pdf", TestPdfs.Build(Manifesto));
        var run = Hash([pdf], new HashOptions { Signals = [SignalType.Pdq] });
        Assert.Equal(1, run.Exit);
        Assert.Equal("", run.Stdout);
        Assert.Equal($"turntide: {pdf}: pdq: PDQ needs a photo, and this is a PDF", run.ErrorLines[0]);
    }

    [Fact]
    public void TextOfAPhotoIsAnError()
    {
        var run = Hash([Photo], new HashOptions { Signals = [SignalType.Text] });
        Assert.Equal(1, run.Exit);
        Assert.Equal($"turntide: {Photo}: text: the text digest needs a text file or a PDF, and this is a photo (jpeg)", run.ErrorLines[0]);
    }

    [Fact]
    public void RequestedSignalsThatDoNotFitAFileAreSkippedWhenOthersFit()
    {
        using var folder = new TempFolder();
        string photo = folder.Copy("a.jpg", Photo);
        string pdf = folder.File("b.pdf", TestPdfs.Build(Manifesto));
        var run = Hash([folder.Path], new HashOptions { Signals = [SignalType.Pdq, SignalType.Md5] });
        Assert.Equal(0, run.Exit);
        Assert.Equal([$"{PhotoPdq},100,{photo}", $"md5,{Md5(photo)},{photo}", $"md5,{Md5(pdf)},{pdf}"], run.Lines);
    }

    [Fact]
    public void FoldersYieldMediaFilesUnlessAllFilesIsGiven()
    {
        using var folder = new TempFolder();
        string photo = folder.Copy("a.jpg", Photo);
        string notes = folder.File("notes.txt", "Hello, World!"u8.ToArray());
        string blob = folder.File("data.bin", [0, 1, 2, 3]);

        Assert.Equal([$"{PhotoPdq},100,{photo}"], Hash([folder.Path]).Lines);

        var all = Hash([folder.Path], allFiles: true);
        Assert.Equal(0, all.Exit);
        Assert.Equal(
        [
            $"{PhotoPdq},100,{photo}",
            $"md5,{Md5(blob)},{blob}",
            $"sha256,{Sha256(blob)},{blob}",
            $"md5,{Md5(notes)},{notes}",
            $"sha256,{Sha256(notes)},{notes}",
            $"text,text-sha256-v1:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9,{notes}",
        ], all.Lines);
    }

    [Fact]
    public void CsvHasAHeaderAndOneRowPerFile()
    {
        using var folder = new TempFolder();
        string photo = folder.Copy("a.jpg", Photo);
        string pdf = folder.File("b,doc.pdf", TestPdfs.Build(Manifesto));
        string video = folder.Copy("c.mp4", Video);
        var run = Hash([photo, pdf, video], new HashOptions { Vpdq = null }, format: OutputFormat.Csv);
        Assert.Equal(0, run.Exit);
        Assert.Equal(
        [
            "path,pdq,quality,md5,sha256,text,kind",
            $"{photo},{PhotoPdq},100,,,,photo",
            $"\"{pdf}\",,,{Md5(pdf)},{Sha256(pdf)},{TextDigester.Digest(ManifestoText).Value},pdf",
            $"{video},,,{Md5(video)},{Sha256(video)},,video",
        ], run.Lines);
    }

    [Fact]
    public void CsvWithChosenSignalsHasOnlyTheirColumns()
    {
        var run = Hash([Photo], new HashOptions { Signals = [SignalType.Sha256, SignalType.Pdq], Dihedral = true }, format: OutputFormat.Csv);
        Assert.Equal("path,orig,rot90,rot180,rot270,flipx,flipy,flipplus1,flipminus1,quality,sha256,kind", run.Lines[0]);
        var row = run.Lines[1].Split(',');
        Assert.Equal(PhotoPdq, row[1]);
        Assert.Equal("100", row[9]);
        Assert.Equal(Sha256(Photo), row[10]);
        Assert.Equal("photo", row[11]);
    }

    [Fact]
    public void JsonIsOneObjectPerFileWithErrorsBySignal()
    {
        using var folder = new TempFolder();
        var pdfBytes = TestPdfs.Build(Manifesto);
        string broken = folder.File("broken.pdf", pdfBytes[..(pdfBytes.Length / 2)]);
        var run = Hash([Photo, broken], format: OutputFormat.Json);
        Assert.Equal(1, run.Exit);
        Assert.Equal(2, run.Lines.Length);

        using var photo = JsonDocument.Parse(run.Lines[0]);
        Assert.Equal(Photo, photo.RootElement.GetProperty("path").GetString());
        Assert.Equal("photo", photo.RootElement.GetProperty("kind").GetString());
        Assert.Equal("jpeg", photo.RootElement.GetProperty("format").GetString());
        Assert.Equal(PhotoPdq, photo.RootElement.GetProperty("pdq").GetString());
        Assert.Equal(100, photo.RootElement.GetProperty("quality").GetInt32());

        using var pdf = JsonDocument.Parse(run.Lines[1]);
        Assert.Equal("pdf", pdf.RootElement.GetProperty("kind").GetString());
        Assert.Equal(Md5(broken), pdf.RootElement.GetProperty("md5").GetString());
        Assert.False(pdf.RootElement.TryGetProperty("text", out _));
        Assert.Equal("truncated PDF: no %%EOF marker at the end of the file", pdf.RootElement.GetProperty("errors").GetProperty("text").GetString());
    }

    /// <summary>
    /// The seam for the video hasher: with one plugged in (here a stand-in that returns a fixed two-frame value),
    /// videos get vPDQ by default and every format prints it. The real hasher replaces the stand-in in
    /// <see cref="VideoSignals.Hasher"/>.
    /// </summary>
    [Fact]
    public void APluggedInVideoHasherIsUsedByDefaultAndPrintedInEveryFormat()
    {
        var frames = SignalValue.Parse(SignalType.Vpdq, $"0,100,{PhotoPdq},0.000\n30,87,{PhotoPdq},1.000\n");
        string? hashedPath = null;
        var options = new HashOptions { Vpdq = (path, _) => { hashedPath = path; return frames; } };

        var text = Hash([Video], options);
        Assert.Equal(0, text.Exit);
        Assert.Equal(Video, hashedPath);
        Assert.Equal(
        [
            $"vpdq,0,100,{PhotoPdq},0.000,{Video}",
            $"vpdq,30,87,{PhotoPdq},1.000,{Video}",
            $"md5,{Md5(Video)},{Video}",
            $"sha256,{Sha256(Video)},{Video}",
        ], text.Lines);
        Assert.Equal("", text.Stderr);

        var json = Hash([Video], options, format: OutputFormat.Json);
        using var doc = JsonDocument.Parse(json.Lines[0]);
        var vpdq = doc.RootElement.GetProperty("vpdq");
        Assert.Equal(2, vpdq.GetArrayLength());
        Assert.Equal(30, vpdq[1].GetProperty("frame").GetInt64());
        Assert.Equal(87, vpdq[1].GetProperty("quality").GetInt32());
        Assert.Equal(1.0, vpdq[1].GetProperty("timestamp").GetDouble());

        var csv = Hash([Video], options, format: OutputFormat.Csv);
        Assert.Equal("path,pdq,quality,vpdq,md5,sha256,text,kind", csv.Lines[0]);
    }

    [Fact]
    public void MissingFilesAreReportedAndTheRestIsHashed()
    {
        var run = Hash(["/no/such/file.jpg", Photo]);
        Assert.Equal(1, run.Exit);
        Assert.Equal([$"{PhotoPdq},100,{Photo}"], run.Lines);
        Assert.Equal(["turntide: /no/such/file.jpg: no such file or folder", "turntide: 1 of 2 inputs failed"], run.ErrorLines);
    }

    [Fact]
    public void PhotoOverTheByteLimitIsRefusedButItsDigestsStream()
    {
        var limits = new DecodeLimits { MaxBytes = 1000 };
        var pdq = Hash([Photo], new HashOptions { Limits = limits });
        Assert.Equal(1, pdq.Exit);
        Assert.Contains("over the limit of 1000", pdq.Stderr);

        var digests = Hash([Photo], new HashOptions { Limits = limits, Signals = [SignalType.Md5, SignalType.Sha256] });
        Assert.Equal(0, digests.Exit);
        Assert.Equal([$"md5,{Md5(Photo)},{Photo}", $"sha256,{Sha256(Photo)},{Photo}"], digests.Lines);
    }
}
