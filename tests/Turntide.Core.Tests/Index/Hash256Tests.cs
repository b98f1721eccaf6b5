using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

public class Hash256Tests
{
    private const string Sample = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";

    [Fact]
    public void ParseAndFormatRoundTripInLowerCase()
    {
        Assert.Equal(Sample, Hash256.Parse(Sample.ToUpperInvariant()).ToString());
    }

    [Theory]
    [InlineData("", "expected 64 hex digits, got 0 characters")]
    [InlineData("d8f8", "expected 64 hex digits, got 4 characters")]
    [InlineData("g8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22", "character 1 ('g') is not a hex digit")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b2 ", "character 64 (' ') is not a hex digit")]
    [InlineData("d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b220", "got 65 characters")]
    public void ParseRefusesAnythingButSixtyFourHexDigitsAndNamesTheInput(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Hash256.Parse(text));
        Assert.Contains(reason, error.Message);
        Assert.Contains($"'{text}'", error.Message);
        Assert.False(Hash256.TryParse(text, out _));
    }

    [Fact]
    public void ParseShortensOverlongInputInTheMessage()
    {
        var error = Assert.Throws<FormatException>(() => Hash256.Parse(new string('a', 5000)));
        Assert.True(error.Message.Length < 200, error.Message);
    }

    [Fact]
    public void DistanceCountsDifferingBits()
    {
        var a = Hash256.Parse(Sample);
        Assert.Equal(0, a.DistanceTo(a));
        Assert.Equal(256, Hash256.Zero.DistanceTo(new Hash256(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue)));
        var b = Hash256.Parse("d8f8f0cee0f4a84f0637022a038f67f0b36e2ed596631e1d33e6339c4e9c9b22");
        Assert.Equal(2, a.DistanceTo(b));
        Assert.Equal(128, a.PopCount);
    }

    [Fact]
    public void WordsMatchTheReferenceHashTool()
    {
        // hashtool256 words prints w[15] .. w[0] of each hash.
        var hashes = File.ReadAllLines(Path.Combine(TestData.PdqData, "reg-test-input", "short256.dat"));
        var words = File.ReadAllLines(Path.Combine(TestData.PdqExpected, "index", "hashtool256-words-short256.txt"));
        Assert.Equal(hashes.Length, words.Length);
        for (int n = 0; n < hashes.Length; n++)
        {
            var hash = Hash256.Parse(hashes[n].Trim());
            var expected = words[n].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(16, expected.Length);
            for (int i = 0; i < 16; i++)
                Assert.Equal(expected[15 - i], hash.Word16(i).ToString("x4"));
            var rebuilt = Hash256.FromWords16(Enumerable.Range(0, 16).Select(hash.Word16).ToArray());
            Assert.Equal(hash, rebuilt);
        }
    }

    [Fact]
    public void BitsAndNormsMatchTheReferenceHashTool()
    {
        var hashes = File.ReadAllLines(Path.Combine(TestData.PdqData, "reg-test-input", "short256.dat"))
            .Select(l => Hash256.Parse(l.Trim())).ToArray();
        var norms = File.ReadAllLines(Path.Combine(TestData.PdqExpected, "index", "hashtool256-norms-short256.txt"));
        // norms prints "hash popcount" per line.
        Assert.Equal(hashes.Select(h => $"{h} {h.PopCount}"), norms.Select(l => l.Trim()));

        // bits: 16 rows per hash, w[15] first, bit 15 first.
        var bitRows = File.ReadAllLines(Path.Combine(TestData.PdqExpected, "index", "hashtool256-bits-short256.txt"))
            .Where(l => l.Trim().Length > 0).ToArray();
        Assert.Equal(hashes.Length * 16, bitRows.Length);
        for (int n = 0; n < hashes.Length; n++)
        {
            for (int row = 0; row < 16; row++)
            {
                var digits = new string(bitRows[n * 16 + row].Where(c => c is '0' or '1').ToArray());
                int word = 15 - row;
                var expected = new string(Enumerable.Range(0, 16).Select(b => hashes[n].GetBit(word * 16 + 15 - b) ? '1' : '0').ToArray());
                Assert.Equal(expected, digits);
            }
        }
    }
}
