using System.Text;
using Turntide.Core.Hashing.Text;

namespace Turntide.Core.Tests.Hashing.Text;

public class TextDigesterStreamTests
{
    private const string Sample = "Ünïcödé — the same words, in any encoding.";

    [Fact]
    public void Utf8WithAndWithoutByteOrderMarkDigestAlike()
    {
        var plain = new MemoryStream(Encoding.UTF8.GetBytes(Sample));
        var bom = new MemoryStream([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Sample)]);
        Assert.Equal(TextDigester.Digest(Sample).Hex, TextDigester.Digest(plain).Hex);
        Assert.Equal(TextDigester.Digest(Sample).Hex, TextDigester.Digest(bom).Hex);
    }

    [Fact]
    public void Utf16WithByteOrderMarkDigestsLikeUtf8()
    {
        var le = new MemoryStream([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Sample)]);
        var be = new MemoryStream([.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(Sample)]);
        Assert.Equal(TextDigester.Digest(Sample).Hex, TextDigester.Digest(le).Hex);
        Assert.Equal(TextDigester.Digest(Sample).Hex, TextDigester.Digest(be).Hex);
    }

    [Fact]
    public void InvalidUtf8IsRefusedNotReplaced()
    {
        var ex = Assert.Throws<TextDigestException>(() => TextDigester.Digest(new MemoryStream([0x61, 0x62, 0xC3, 0x28, 0x63])));
        Assert.Contains("not valid UTF-8", ex.Message);
    }

    [Fact]
    public void FileOverTheByteLimitIsRefusedBeforeReading()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('a', 2000));
            var ex = Assert.Throws<TextDigestException>(() => TextDigester.DigestFile(path, new TextLimits { MaxBytes = 1000 }));
            Assert.Contains("over the limit of 1000", ex.Message);
            Assert.Equal(TextDigester.Digest(new string('a', 2000)).Hex, TextDigester.DigestFile(path).Hex);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
