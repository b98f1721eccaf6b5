using Turntide.Core.Index;

namespace Turntide.Core.Tests.Index;

/// <summary>The vectorised hex path of Hash256.Parse against the digit-by-digit definition.</summary>
public class Hash256ParseTests
{
    private static Hash256 DigitByDigit(string hex)
    {
        var w = new ulong[4];
        for (int c = 0; c < 64; c++)
        {
            int word = 3 - c / 16;
            w[word] = (w[word] << 4) | Convert.ToUInt64(hex[c].ToString(), 16);
        }
        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    [Fact]
    public void ParseEqualsTheDigitByDigitReadingInEitherCase()
    {
        var random = new Random(5);
        for (int i = 0; i < 500; i++)
        {
            var hash = SyntheticHashes.Random(random);
            string text = hash.ToString();
            Assert.Equal(DigitByDigit(text), Hash256.Parse(text));
            Assert.Equal(hash, Hash256.Parse(text.ToUpperInvariant()));
            Assert.Equal(text, Hash256.Parse(text).ToString());
        }
    }

    [Theory]
    [InlineData("g", 1)]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeZ", 64)]
    [InlineData("0123456789abcdef 123456789abcdef0123456789abcdef0123456789abcdef", 17)]
    public void BadDigitsAreNamedByPosition(string text, int position)
    {
        if (text.Length == 1)
            text = text + new string('0', 63);
        Assert.False(Hash256.TryParse(text, out _, out var error));
        Assert.Contains($"character {position} ", error);
    }

    [Fact]
    public void WrongLengthsAreRefused()
    {
        Assert.False(Hash256.TryParse(new string('a', 63), out _, out var error));
        Assert.Contains("expected 64 hex digits, got 63", error);
        Assert.False(Hash256.TryParse(new string('a', 65), out _));
        Assert.False(Hash256.TryParse("", out _));
    }
}
