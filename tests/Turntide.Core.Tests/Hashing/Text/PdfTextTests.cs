using Turntide.Core.Hashing.Text;

namespace Turntide.Core.Tests.Hashing.Text;

public class PdfTextTests
{
    private static readonly string[][] Manifesto =
    [
        ["THE MANIFESTO", "First line of text, with punctuation!", "Ünïcödé café — “quotes” and ΣΊΣΥΦΟΣ"],
        ["Page two:   spacing   varies.", "Привет, мир! Ελληνικά."],
    ];

    private static string ManifestoText => string.Join("\n", Manifesto.Select(p => string.Join("\n", p)));

    [Fact]
    public void PdfDigestEqualsTheDigestOfTheSameWordsAsPlainText()
    {
        var pdf = TestPdfs.Build(Manifesto);
        Assert.Equal(TextDigester.Digest(ManifestoText).Value, PdfText.Digest(pdf).Value);
    }

    [Fact]
    public void PagesComeOutInOrderWithTheirLines()
    {
        var pages = PdfText.ExtractPages(TestPdfs.Build(Manifesto)).ToList();
        Assert.Equal(2, pages.Count);
        Assert.Equal(TextNormalization.Normalize(string.Join("\n", Manifesto[0])), TextNormalization.Normalize(pages[0]));
        Assert.Equal(TextNormalization.Normalize(string.Join("\n", Manifesto[1])), TextNormalization.Normalize(pages[1]));
    }

    [Fact]
    public void GhostscriptPdfWithWordsPlacedOneByOneDigestsLikeItsText()
    {
        var pdf = TestPdfs.FromPostScript(TestPdfs.PostScriptTwoPages);
        Assert.Equal(TextDigester.Digest(TestPdfs.PostScriptTwoPagesText).Value, PdfText.Digest(pdf).Value);
    }

    [Fact]
    public void TruncatedPdfGivesAClearError()
    {
        var pdf = TestPdfs.Build(Manifesto);
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(pdf[..(pdf.Length / 2)]));
        Assert.Equal("truncated PDF: no %%EOF marker at the end of the file", ex.Message);
    }

    [Fact]
    public void PdfCutBeforeItsCrossReferenceGivesAClearError()
    {
        // Keep the end marker but lose the middle: what a broken copy or a hostile file looks like.
        var pdf = TestPdfs.Build(Manifesto);
        var damaged = pdf[..200].Concat(pdf[^40..]).ToArray();
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(damaged));
        Assert.StartsWith("corrupt PDF", ex.Message);
    }

    [Fact]
    public void PdfWithGarbledObjectsGivesAClearError()
    {
        var pdf = TestPdfs.Build(Manifesto);
        var garbled = (byte[])pdf.Clone();
        for (int i = 100; i < garbled.Length - 100; i += 5)
            garbled[i] ^= 0x5A;
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(garbled));
        Assert.StartsWith("corrupt PDF", ex.Message);
    }

    [Fact]
    public void FileThatIsNotAPdfIsRefused()
    {
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest("just some text %%EOF"u8.ToArray()));
        Assert.Equal("not a PDF: no %PDF- header in the first kilobyte", ex.Message);
    }

    [Fact]
    public void EncryptedPdfSaysAPasswordIsNeeded()
    {
        var pdf = TestPdfs.FromPostScript(TestPdfs.PostScriptTwoPages, "-sOwnerPassword=owner-secret", "-sUserPassword=user-secret");
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(pdf));
        Assert.StartsWith("encrypted PDF", ex.Message);
    }

    [Fact]
    public void PdfWithoutTextHasNoDigest()
    {
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(TestPdfs.BuildWithoutText()));
        Assert.Contains("no extractable text", ex.Message);
    }

    [Fact]
    public void PdfOverThePageLimitIsRefusedBeforeReadingPages()
    {
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(TestPdfs.Build(Manifesto), new TextLimits { MaxPages = 1 }));
        Assert.Equal("the PDF has 2 pages, over the limit of 1", ex.Message);
    }

    [Fact]
    public void PdfOverTheByteLimitIsRefused()
    {
        var pdf = TestPdfs.Build(Manifesto);
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(pdf, new TextLimits { MaxBytes = 1000 }));
        Assert.Contains("over the limit of 1000", ex.Message);
    }

    [Fact]
    public void PdfTextOverTheCharacterLimitIsRefused()
    {
        var ex = Assert.Throws<PdfTextException>(() => PdfText.Digest(TestPdfs.Build(Manifesto), new TextLimits { MaxChars = 20 }));
        Assert.Contains("longer than the limit of 20 characters", ex.Message);
    }

    [Fact]
    public void PdfFileIsDigestedFromDisk()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, TestPdfs.Build(Manifesto));
            Assert.Equal(TextDigester.Digest(ManifestoText).Value, PdfText.DigestFile(path).Value);
            var ex = Assert.Throws<PdfTextException>(() => PdfText.DigestFile(path, new TextLimits { MaxBytes = 10 }));
            Assert.Contains("over the limit of 10", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
