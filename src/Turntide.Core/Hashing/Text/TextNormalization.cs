using System.Text;
using ICU4N;
using ICU4N.Globalization;
using ICU4N.Text;

namespace Turntide.Core.Hashing.Text;

/// <summary>
/// Version 1 of the text normalisation behind <see cref="TextDigest.Algorithm"/> (<c>text-sha256-v1</c>), so that
/// the copies of a manifesto or caption that differ only in presentation digest alike. Precisely:
/// <list type="number">
/// <item>Input: Unicode text; an unpaired surrogate is an error.</item>
/// <item>NFKC_Casefold (Unicode's NFKC_CF mapping, Unicode 10.0 data as shipped in ICU 60): compatibility
/// normalisation (full-width letters, ligatures, circled digits become plain ones), full case folding
/// ("Straße" becomes "strasse", final sigma folds), and removal of default-ignorable code points (soft hyphen,
/// zero-width space and joiners, bidi controls, variation selectors).</item>
/// <item>Every code point that is White_Space, a separator (Zs, Zl, Zp), a control (Cc) or punctuation (Pc, Pd,
/// Ps, Pe, Pi, Pf, Po) becomes a space. Symbols (currency, maths, emoji) and everything else are kept.</item>
/// <item>Runs of spaces become one space; spaces at the start and end are removed.</item>
/// <item>The result, encoded as UTF-8 without a byte-order mark, is hashed with SHA-256.</item>
/// </list>
/// Text that is empty after this (nothing but whitespace and punctuation) has no digest, so that all empty
/// documents never match each other. The Unicode data are pinned by the ICU4N package version: a change of that
/// version, or of any rule here, is a new algorithm version, never an edit of this one.
/// </summary>
public static class TextNormalization
{
    internal static readonly Normalizer2 NfkcCasefold = Normalizer2.NFKCCaseFoldInstance;

    /// <summary>The Unicode version of the data the normalisation uses; pinned for v1.</summary>
    public static string UnicodeVersion => $"{UChar.UnicodeVersion.Major}.{UChar.UnicodeVersion.Minor}.{UChar.UnicodeVersion.Milli}";

    /// <summary>The whole normalisation at once (the plain twin of <see cref="TextDigestBuilder"/>'s streaming).</summary>
    /// <exception cref="TextDigestException">The text holds an unpaired surrogate.</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckSurrogates(text, 0);
        string folded = NfkcCasefold.Normalize(text);
        var sb = new StringBuilder(folded.Length);
        bool pendingSpace = false;
        foreach (var rune in folded.EnumerateRunes())
        {
            if (IsSeparator(rune.Value))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>True for the code points step 3 turns into a space.</summary>
    public static bool IsSeparator(int codePoint)
    {
        if (UChar.IsUWhiteSpace(codePoint))
            return true;
        return UChar.GetUnicodeCategory(codePoint) switch
        {
            UUnicodeCategory.SpaceSeparator or UUnicodeCategory.LineSeparator or UUnicodeCategory.ParagraphSeparator
                or UUnicodeCategory.Control
                or UUnicodeCategory.ConnectorPunctuation or UUnicodeCategory.DashPunctuation
                or UUnicodeCategory.OpenPunctuation or UUnicodeCategory.ClosePunctuation
                or UUnicodeCategory.InitialPunctuation or UUnicodeCategory.FinalPunctuation
                or UUnicodeCategory.OtherPunctuation => true,
            _ => false,
        };
    }

    /// <exception cref="TextDigestException">An unpaired surrogate; <paramref name="offset"/> places it in the whole input.</exception>
    internal static void CheckSurrogates(ReadOnlySpan<char> text, long offset)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                throw new TextDigestException($"the text holds an unpaired UTF-16 surrogate at character {offset + i + 1}");
        }
    }
}
