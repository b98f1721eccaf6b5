using System.Text;

namespace Turntide.Core.Hashing.Text;

/// <summary>The <c>text-sha256-v1</c> digest of strings and of text files.</summary>
public static class TextDigester
{
    /// <exception cref="TextDigestException">Nothing is left after normalisation, or the text is invalid or too long.</exception>
    public static TextDigest Digest(string text, TextLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var builder = new TextDigestBuilder(limits);
        builder.Append(text);
        return builder.Finish();
    }

    /// <summary>
    /// Digest of encoded text read as a stream: UTF-8 unless a byte-order mark says UTF-16 or UTF-32.
    /// Bytes that are not valid in that encoding are an error, not replaced, so a binary file is never digested as text.
    /// </summary>
    /// <exception cref="TextDigestException">Invalid encoding, too long, or nothing left after normalisation.</exception>
    public static TextDigest Digest(Stream stream, TextLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var strictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        using var reader = new StreamReader(stream, strictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        using var builder = new TextDigestBuilder(limits);
        var buffer = new char[64 * 1024];
        try
        {
            int n;
            while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
                builder.Append(buffer.AsSpan(0, n));
        }
        catch (DecoderFallbackException)
        {
            throw new TextDigestException($"the text is not valid {EncodingName(reader.CurrentEncoding)}");
        }
        return builder.Finish();
    }

    /// <summary>Digest of a text file, refused before reading when it is over <see cref="TextLimits.MaxBytes"/>.</summary>
    /// <exception cref="TextDigestException">Too large, invalid encoding, or nothing left after normalisation.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TextDigest DigestFile(string path, TextLimits? limits = null)
    {
        limits ??= TextLimits.Default;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        if (stream.Length > limits.MaxBytes)
            throw new TextDigestException($"file is {stream.Length} bytes, over the limit of {limits.MaxBytes}");
        return Digest(stream, limits);
    }

    private static string EncodingName(Encoding encoding) => encoding switch
    {
        UTF8Encoding => "UTF-8",
        UnicodeEncoding => "UTF-16",
        UTF32Encoding => "UTF-32",
        _ => encoding.WebName,
    };
}
