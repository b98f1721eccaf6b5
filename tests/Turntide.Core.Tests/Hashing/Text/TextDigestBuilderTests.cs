using Turntide.Core.Hashing.Text;

namespace Turntide.Core.Tests.Hashing.Text;

/// <summary>The streaming builder against its plain twin, <see cref="TextNormalization.Normalize"/> of the whole text.</summary>
public class TextDigestBuilderTests
{
    // Pieces chosen to straddle segment cuts: combining marks, Hangul jamo, surrogate pairs, ignorables, punctuation.
    private static readonly string[] Pieces =
    [
        "word", " ", "  ", "\n", "e", "\u0301", "\u0323", "\u0308", "ﬁ", "Ｗ", "ß", "Σ", "ς", "\u1100", "\u1161", "\u11A8",
        "😀", "\U0001D400", "—", "…", "\u00AD", "\u200D", "'", "İ", "ǅ", "ｶﾞ", "\u0627\u0644", "1", "½", "\t", "x",
    ];

    public static TheoryData<int, int> Seeds()
    {
        var data = new TheoryData<int, int>();
        foreach (int seed in new[] { 1, 2, 3, 4, 5, 6, 7, 8 })
        {
            foreach (int chunk in new[] { 1, 7, 4096, 100_000 })
                data.Add(seed, chunk);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void StreamingDigestEqualsDigestOfTheWholeText(int seed, int chunk)
    {
        var random = new Random(seed);
        var sb = new System.Text.StringBuilder();
        // Long enough to cross many segment cuts (SegmentLength is 16 Ki characters).
        while (sb.Length < 3 * TextDigestBuilder.SegmentLength + 777)
            sb.Append(Pieces[random.Next(Pieces.Length)]);
        string text = sb.ToString();

        string expected = TextNormalization.Normalize(text);
        using var builder = new TextDigestBuilder();
        for (int i = 0; i < text.Length; i += chunk)
            builder.Append(text.AsSpan(i, Math.Min(chunk, text.Length - i)));
        var digest = builder.Finish();

        Assert.Equal(TextDigester.Digest(text).Hex, digest.Hex);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expected))), digest.Hex);
        Assert.Equal(expected.EnumerateRunes().Count(), digest.NormalizedLength);
    }

    [Fact]
    public void ASurrogatePairSplitAcrossAppendsIsOneCharacter()
    {
        using var builder = new TextDigestBuilder();
        builder.Append("a\uD83D");
        builder.Append("\uDE00b");
        Assert.Equal(TextDigester.Digest("a😀b").Hex, builder.Finish().Hex);
    }

    [Fact]
    public void ACombiningMarkInTheNextAppendComposesWithTheLetterBefore()
    {
        using var builder = new TextDigestBuilder();
        builder.Append(new string('x', TextDigestBuilder.SegmentLength) + "e");
        builder.Append("\u0301");
        Assert.Equal(TextDigester.Digest(new string('x', TextDigestBuilder.SegmentLength) + "é").Hex, builder.Finish().Hex);
    }

    [Fact]
    public void BreakBetweenPiecesIsWhitespace()
    {
        using var builder = new TextDigestBuilder();
        builder.Append("end");
        builder.AppendBreak();
        builder.Append("start");
        Assert.Equal(TextDigester.Digest("end start").Hex, builder.Finish().Hex);
    }

    [Fact]
    public void UnpairedSurrogateAtTheEndIsRefused()
    {
        using var builder = new TextDigestBuilder();
        builder.Append("abc\uD800");
        Assert.Throws<TextDigestException>(() => builder.Finish());
    }
}
