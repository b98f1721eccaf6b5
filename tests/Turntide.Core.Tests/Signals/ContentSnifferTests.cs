using System.Text;
using Turntide.Core.Signals;
using Turntide.Core.Tests.Hashing.Text;

namespace Turntide.Core.Tests.Signals;

public class ContentSnifferTests
{
    [Theory]
    [InlineData("bridge-mods/aaa-orig.jpg", FileKind.Photo, "jpeg")]
    [InlineData("misc-images/modes/RGBA.png", FileKind.Photo, "png")]
    [InlineData("misc-images/modes/HSV.webp", FileKind.Photo, "webp")]
    [InlineData("reg-test-input/needles.txt", FileKind.Text, "utf-8")]
    public void SharedTestFilesAreRecognised(string path, FileKind kind, string format)
    {
        var detected = ContentSniffer.DetectFile(Path.Combine(TestData.PdqData, path));
        Assert.Equal(new DetectedKind(kind, format), detected);
    }

    [Fact]
    public void SampleVideoIsAVideo()
    {
        var detected = ContentSniffer.DetectFile(TestData.Path_("vpdq", "sample-videos", "doorknob-hd-no-bar.mp4"));
        Assert.Equal(FileKind.Video, detected.Kind);
        Assert.Equal("mp4", detected.Format);
    }

    [Fact]
    public void GeneratedPdfIsAPdf() =>
        Assert.Equal(new DetectedKind(FileKind.Pdf, "pdf"), ContentSniffer.Detect(TestPdfs.Build([["x"]])));

    [Fact]
    public void ContentWinsOverTheName()
    {
        var jpeg = File.ReadAllBytes(Path.Combine(TestData.PdqData, "bridge-mods", "aaa-orig.jpg"));
        Assert.Equal(FileKind.Photo, ContentSniffer.Detect(jpeg, "notes.pdf").Kind);
        Assert.Equal(FileKind.Pdf, ContentSniffer.Detect(TestPdfs.Build([["x"]]), "photo.jpg").Kind);
    }

    /// <summary>Signatures of formats there is no sample of, byte by byte.</summary>
    public static TheoryData<byte[], FileKind, string> Signatures() => new()
    {
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], FileKind.Photo, "jpeg" },
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], FileKind.Photo, "png" },
        { "GIF89a\x01\0"u8.ToArray(), FileKind.Photo, "gif" },
        { [(byte)'B', (byte)'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0], FileKind.Photo, "bmp" },
        { [0, 0, 1, 0, 1, 0, 16, 16], FileKind.Photo, "ico" },
        { "II*\0\x08\0\0\0"u8.ToArray(), FileKind.Photo, "tiff" },
        { Box("ftyp", "heic"), FileKind.Photo, "heif" },
        { Box("ftyp", "avif"), FileKind.Photo, "avif" },
        { Box("ftyp", "isom"), FileKind.Video, "mp4" },
        { Box("ftyp", "qt  "), FileKind.Video, "mov" },
        { Box("ftyp", "3gp5"), FileKind.Video, "3gp" },
        { Box("ftyp", "M4A "), FileKind.Other, "m4a" },
        { Box("moov", "mvhd"), FileKind.Video, "mov" },
        { [0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x84, (byte)'w', (byte)'e', (byte)'b', (byte)'m'], FileKind.Video, "webm" },
        { [0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88, (byte)'m', (byte)'a', (byte)'t', (byte)'r'], FileKind.Video, "matroska" },
        { "RIFF\0\0\0\0AVI LIST"u8.ToArray(), FileKind.Video, "avi" },
        { "FLV\x01\x05"u8.ToArray(), FileKind.Video, "flv" },
        { [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6], FileKind.Video, "asf" },
        { [0, 0, 1, 0xBA, 0x44], FileKind.Video, "mpeg" },
        { "OggS\0\x02\0\0\0\0\0\0\0\0\x80theora"u8.ToArray(), FileKind.Video, "ogv" },
        { "OggS\0\x02\0\0\0\0\0\0\0\0\x01vorbis"u8.ToArray(), FileKind.Other, "ogg" },
        { "junk before the header %PDF-1.4\n"u8.ToArray(), FileKind.Pdf, "pdf" },
        { "plain text,\twith tabs\r\nand lines\n"u8.ToArray(), FileKind.Text, "utf-8" },
        { Encoding.UTF8.GetBytes("Ünïcödé — “text”"), FileKind.Text, "utf-8" },
        { [0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i'], FileKind.Text, "utf-8" },
        { [0xFF, 0xFE, (byte)'h', 0, (byte)'i', 0], FileKind.Text, "utf-16" },
        { [(byte)'a', 0, (byte)'b'], FileKind.Other, "unknown" },
        { [(byte)'a', 0xC3, 0x28], FileKind.Other, "unknown" },
        { [(byte)'a', 0x1B, (byte)'b'], FileKind.Other, "unknown" },
        { [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1], FileKind.Other, "unknown" },
        { [(byte)'P', (byte)'K', 3, 4, 20, 0], FileKind.Other, "unknown" },
        { [], FileKind.Other, "empty" },
    };

    [Theory]
    [MemberData(nameof(Signatures))]
    public void SignaturesAreRecognised(byte[] head, FileKind kind, string format) =>
        Assert.Equal(new DetectedKind(kind, format), ContentSniffer.Detect(head, complete: true));

    [Fact]
    public void TextCutInsideACharacterAtTheEndOfTheHeadIsStillText()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 10) + "ü");
        Assert.Equal(FileKind.Text, ContentSniffer.Detect(bytes[..^1], complete: false).Kind);
        Assert.Equal(FileKind.Other, ContentSniffer.Detect(bytes[..^1], complete: true).Kind);
    }

    [Fact]
    public void WbmpIsRecognisedByItsNameAndHeader()
    {
        byte[] wbmp = [0, 0, 8, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        Assert.Equal(new DetectedKind(FileKind.Photo, "wbmp"), ContentSniffer.Detect(wbmp, "icon.wbmp", complete: true));
        Assert.Equal(FileKind.Other, ContentSniffer.Detect(wbmp, "icon.bin", complete: true).Kind);
    }

    private static byte[] Box(string type, string brand) =>
        [0, 0, 0, 0x18, .. Encoding.ASCII.GetBytes(type), .. Encoding.ASCII.GetBytes(brand), 0, 0, 0, 0];
}
