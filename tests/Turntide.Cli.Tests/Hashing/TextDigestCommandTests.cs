using System.Text;
using Turntide.Cli.Hashing;
using Turntide.Core.Hashing.Text;
using Turntide.Core.Tests;
using Turntide.Core.Tests.Hashing.Text;

namespace Turntide.Cli.Tests.Hashing;

public class TextDigestCommandTests
{
    private const string Caption = "  Join us,\tNOW!  ";

    private static CommandRun Digest(string[] inputs, bool normalized = false, TextLimits? limits = null, string stdin = "")
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = TextDigestCommand.Run(inputs, normalized, limits ?? TextLimits.Default,
            () => new MemoryStream(Encoding.UTF8.GetBytes(stdin)), stdout, stderr);
        return new CommandRun(exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void TextFilePdfAndStandardInputWithTheSameWordsDigestAlike()
    {
        using var folder = new TempFolder();
        string text = folder.File("caption.txt", Encoding.UTF8.GetBytes(Caption));
        string pdf = folder.File("caption.pdf", TestPdfs.Build([["JOIN US — now."]]));
        var run = Digest([text, pdf, "-"], stdin: "join us now");
        string value = TextDigester.Digest("join us now").Value;
        Assert.Equal(0, run.Exit);
        Assert.Equal([$"{value},{text}", $"{value},{pdf}", $"{value},-"], run.Lines);
    }

    [Fact]
    public void NormalizedPrintsTheTextThatIsHashed()
    {
        var run = Digest(["-"], normalized: true, stdin: Caption);
        Assert.Equal(["join us now"], run.Lines);
    }

    [Fact]
    public void PhotosAndCorruptPdfsAreErrorsAndTheOtherInputsGoOn()
    {
        using var folder = new TempFolder();
        var pdf = TestPdfs.Build([["words"]]);
        string broken = folder.File("broken.pdf", pdf[..(pdf.Length / 2)]);
        string photo = Path.Combine(TestData.PdqData, "bridge-mods", "aaa-orig.jpg");
        var run = Digest([broken, photo, "-"], stdin: "still digested");
        Assert.Equal(1, run.Exit);
        Assert.Equal([$"{TextDigester.Digest("still digested").Value},-"], run.Lines);
        Assert.Equal(
        [
            $"turntide: {broken}: truncated PDF: no %%EOF marker at the end of the file",
            $"turntide: {photo}: the text digest needs a text file or a PDF, and this is a photo (jpeg)",
        ], run.ErrorLines);
    }

    [Fact]
    public void InputsOverTheByteLimitAreRefused()
    {
        using var folder = new TempFolder();
        string text = folder.File("long.txt", Encoding.UTF8.GetBytes(new string('a', 5000)));
        var run = Digest([text, "-"], limits: new TextLimits { MaxBytes = 100 }, stdin: new string('b', 200_000));
        Assert.Equal(1, run.Exit);
        Assert.Equal(
        [
            $"turntide: {text}: file is 5000 bytes, over the limit of 100 (see --max-bytes)",
            "turntide: -: standard input is over the limit of 100 bytes (see --max-bytes)",
        ], run.ErrorLines);
    }

    [Fact]
    public void EmptyTextHasNoDigest()
    {
        var run = Digest(["-"], stdin: " ... \n");
        Assert.Equal(1, run.Exit);
        Assert.Contains("no text is left after normalisation", run.Stderr);
    }
}
