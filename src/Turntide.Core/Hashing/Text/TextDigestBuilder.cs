using System.Security.Cryptography;
using System.Text;

namespace Turntide.Core.Hashing.Text;

/// <summary>
/// Computes a <see cref="TextDigest"/> of text that arrives in pieces (pages of a PDF, blocks of a file) in
/// bounded memory: text is normalised in segments cut where Unicode normalisation has a boundary, so the
/// result is exactly that of <see cref="TextNormalization.Normalize"/> on the whole text, then hashed.
/// </summary>
public sealed class TextDigestBuilder : IDisposable
{
    /// <summary>Normalise once this many characters are waiting.</summary>
    internal const int SegmentLength = 16 * 1024;

    private readonly TextLimits _limits;
    private readonly StringBuilder _pending = new();
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _utf8 = new byte[16 * 1024];
    private int _utf8Length;
    private long _inputChars;
    private long _flushedChars;
    private long _normalizedLength;
    private bool _pendingSpace;
    private bool _finished;

    public TextDigestBuilder(TextLimits? limits = null)
    {
        _limits = limits ?? TextLimits.Default;
    }

    /// <exception cref="TextDigestException">The text is over <see cref="TextLimits.MaxChars"/> or holds an unpaired surrogate.</exception>
    public void Append(ReadOnlySpan<char> text)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _inputChars += text.Length;
        if (_inputChars > _limits.MaxChars)
            throw new TextDigestException($"the text is longer than the limit of {_limits.MaxChars} characters");
        _pending.Append(text);
        if (_pending.Length >= SegmentLength)
            FlushUpToLastBoundary();
    }

    /// <summary>A break between pieces (a page end): the same as a line break in the text.</summary>
    public void AppendBreak() => Append("\n");

    /// <summary>The digest of everything appended.</summary>
    /// <exception cref="TextDigestException">Nothing is left after normalisation, or the last piece is invalid.</exception>
    public TextDigest Finish()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        Process(_pending.Length);
        FlushUtf8();
        _finished = true;
        if (_normalizedLength == 0)
            throw new TextDigestException("no text is left after normalisation (it is empty, or only whitespace and punctuation)");
        return new TextDigest(Convert.ToHexStringLower(_sha256.GetHashAndReset()), _normalizedLength);
    }

    public void Dispose()
    {
        _finished = true;
        _sha256.Dispose();
    }

    private void FlushUpToLastBoundary()
    {
        // The last code point may still combine with text not yet appended, so cut before the last code point
        // that starts a new normalisation segment whatever precedes it.
        for (int k = _pending.Length - 1; k > 0; k--)
        {
            char c = _pending[k];
            if (char.IsLowSurrogate(c))
                continue;
            int codePoint = c;
            if (char.IsHighSurrogate(c))
            {
                if (k + 1 >= _pending.Length || !char.IsLowSurrogate(_pending[k + 1]))
                    continue;
                codePoint = char.ConvertToUtf32(c, _pending[k + 1]);
            }
            if (TextNormalization.NfkcCasefold.HasBoundaryBefore(codePoint))
            {
                Process(k);
                return;
            }
        }
    }

    private void Process(int length)
    {
        if (length == 0)
            return;
        string segment = _pending.ToString(0, length);
        _pending.Remove(0, length);
        TextNormalization.CheckSurrogates(segment, _flushedChars);
        _flushedChars += length;
        string folded = TextNormalization.NfkcCasefold.Normalize(segment);
        foreach (var rune in folded.EnumerateRunes())
        {
            if (TextNormalization.IsSeparator(rune.Value))
            {
                _pendingSpace = _normalizedLength > 0;
                continue;
            }
            if (_pendingSpace)
            {
                Emit(new Rune(' '));
                _pendingSpace = false;
            }
            Emit(rune);
        }
    }

    private void Emit(Rune rune)
    {
        if (_utf8Length > _utf8.Length - 4)
            FlushUtf8();
        _utf8Length += rune.EncodeToUtf8(_utf8.AsSpan(_utf8Length));
        _normalizedLength++;
    }

    private void FlushUtf8()
    {
        _sha256.AppendData(_utf8, 0, _utf8Length);
        _utf8Length = 0;
    }
}
