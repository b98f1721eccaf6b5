using System.Security.Cryptography;
using System.Text;
using Turntide.Core.Hashing.Text;

namespace Turntide.Core.Tests.Hashing.Text;

public class TextNormalizationTests
{
    /// <summary>Input and its text-sha256-v1 normal form.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "Hello, World!", "hello world" },
        { "  Hello \t\r\n  World  ", "hello world" },
        { "HELLO WORLD", "hello world" },
        // Compatibility forms: full-width, ligatures, circled and superscript digits, the Kelvin sign.
        { "Ｈｅｌｌｏ　Ｗｏｒｌｄ", "hello world" },
        { "ﬁnal ﬂow", "final flow" },
        { "① ² ½", "1 2 1⁄2" },
        { "\u212A", "k" },
        // Full case folding, not lower-casing.
        { "Straße STRASSE", "strasse strasse" },
        { "ΣΊΣΥΦΟΣ σίσυφος", "σίσυφοσ σίσυφοσ" },
        { "İstanbul", "i\u0307stanbul" },
        // Canonical composition: precomposed and decomposed forms are one.
        { "cafe\u0301", "café" },
        { "café", "café" },
        // Default-ignorable code points vanish: soft hyphen, zero-width space and joiners, bidi controls, BOM.
        { "ma\u00ADni\u200Bfes\u200Dto\u202E\uFEFF", "manifesto" },
        // Punctuation becomes space: quotes, dashes, brackets, ellipses, underscores, inverted marks.
        { "“Quoted” — ‘text’…", "quoted text" },
        { "don't vs don’t", "don t vs don t" },
        { "(a)[b]{c}", "a b c" },
        { "snake_case-name", "snake case name" },
        { "¿Qué? ¡Sí!", "qué sí" },
        { "end.Start", "end start" },
        { "« guillemets »", "guillemets" },
        // Other whitespace and controls: NBSP, line and paragraph separators, NEL, NUL, ESC.
        { "a\u00A0b\u2028c\u2029d\u0085e\u0000f\u001Bg", "a b c d e f g" },
        // Symbols are content and stay: currency, maths, emoji.
        { "Price: $5 + €3 = 8 🙂", "price $5 + €3 = 8 🙂" },
        // Other scripts keep their letters and marks.
        { "الله أكبر", "الله أكبر" },
        { "東京、日本。", "東京 日本" },
        { "नमस्ते दुनिया", "नमस्ते दुनिया" },
        // Only punctuation and space: nothing left.
        { " ,.;!? \t— ", "" },
        { "", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NormalizesAsTheDefinitionSays(string input, string expected) =>
        Assert.Equal(expected, TextNormalization.Normalize(input));

    [Theory]
    [MemberData(nameof(Cases))]
    public void NormalizationIsIdempotent(string input, string expected)
    {
        string once = TextNormalization.Normalize(input);
        Assert.Equal(expected, once);
        Assert.Equal(once, TextNormalization.Normalize(once));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DigestIsSha256OfTheUtf8NormalForm(string input, string expected)
    {
        if (expected.Length == 0)
        {
            var ex = Assert.Throws<TextDigestException>(() => TextDigester.Digest(input));
            Assert.Contains("no text is left", ex.Message);
            return;
        }
        var digest = TextDigester.Digest(input);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(expected))), digest.Hex);
        Assert.Equal(expected.EnumerateRunes().Count(), digest.NormalizedLength);
        Assert.Equal("text-sha256-v1:" + digest.Hex, digest.Value);
    }

    /// <summary>
    /// Pinned v1 values, each the SHA-256 of the normal form as coreutils computes it (`printf 'hello world' | sha256sum`,
    /// `printf 'strasse'`, `printf 'café crème'`, `printf 'σίσυφοσ 1⁄2'`): if a library upgrade changed any of these,
    /// shared text signals would silently stop matching.
    /// </summary>
    [Theory]
    [InlineData("Hello, World!", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")]
    [InlineData("  HELLO\n\nWORLD...  ", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")]
    [InlineData("Ｈｅｌｌｏ　Ｗｏｒｌｄ", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")]
    [InlineData("Straße", "16d96952087774fee069b7585d3991b24d90c181c09b2129b4908c35baa7f0c0")]
    [InlineData("CAFE\u0301 ＆ Crème", "5288430a4d36c49e5dd666c0038bfbd4762c3ed7d02ebfb078ef4649463935f4")]
    [InlineData("ΣΊΣΥΦΟΣ ½", "733bad3cd4b8c62c007dd5854b94c2ba0628de805157ddda84f653bf3e70d43d")]
    public void PinnedVersionOneDigests(string input, string expectedHex) =>
        Assert.Equal(expectedHex, TextDigester.Digest(input).Hex);

    [Fact]
    public void UnicodeDataArePinnedToVersionTen() => Assert.Equal("10.0.0", TextNormalization.UnicodeVersion);

    [Fact]
    public void UnpairedSurrogateIsRefused()
    {
        var ex = Assert.Throws<TextDigestException>(() => TextDigester.Digest("ab\uDC00c"));
        Assert.Contains("unpaired", ex.Message);
        Assert.Contains("character 3", ex.Message);
    }

    [Fact]
    public void TextOverTheLimitIsRefused()
    {
        var limits = new TextLimits { MaxChars = 100 };
        Assert.Equal(TextDigester.Digest(new string('a', 100)).Hex, TextDigester.Digest(new string('a', 100), limits).Hex);
        var ex = Assert.Throws<TextDigestException>(() => TextDigester.Digest(new string('a', 101), limits));
        Assert.Contains("limit of 100", ex.Message);
    }
}
