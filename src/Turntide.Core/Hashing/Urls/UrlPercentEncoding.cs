using System.Text;

namespace Turntide.Core.Hashing.Urls;

/// <summary>
/// RFC 3986 section 6.2.2 percent-encoding normalisation of one URL component: escapes of unreserved characters
/// are decoded ("%7E" is "~"), every other escape gets upper-case hex digits ("%2f" is "%2F"), a '%' that starts no
/// escape becomes "%25", and every character the component may not hold as-is (space, '"', '&lt;', '>', '`', '{',
/// '}', '|', '^', '[', ']', non-ASCII as UTF-8 bytes) is escaped. Escapes of reserved characters stay escaped:
/// "a%2Fb" and "a/b" are different paths.
/// </summary>
internal static class UrlPercentEncoding
{
    /// <summary>Which characters beyond the unreserved set a component keeps unescaped.</summary>
    internal enum Component
    {
        /// <summary>pchar and '/': sub-delims, ':' and '@'.</summary>
        Path,

        /// <summary>A query parameter's name: as the query, but '=' and '&amp;' stay escaped.</summary>
        QueryName,

        /// <summary>A query parameter's value: as the query, but '&amp;' stays escaped.</summary>
        QueryValue,

        /// <summary>pchar, '/' and '?'.</summary>
        Fragment,
    }

    public static bool IsUnreserved(int c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_' or '~';

    private static bool IsSubDelim(int c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    private static bool KeepsAsIs(int c, Component component) => component switch
    {
        Component.Path => IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@' or '/',
        Component.QueryName => (IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@' or '/' or '?') && c is not ('=' or '&'),
        Component.QueryValue => (IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@' or '/' or '?') && c is not '&',
        Component.Fragment => IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@' or '/' or '?',
        _ => false,
    };

    /// <exception cref="UrlFormatException">The text holds an unpaired surrogate.</exception>
    public static string Normalize(ReadOnlySpan<char> text, Component component)
    {
        var sb = new StringBuilder(text.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (c == '%')
            {
                if (i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
                {
                    int b = (HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]);
                    if (IsUnreserved(b))
                        sb.Append((char)b);
                    else
                        AppendEscape(sb, b);
                    i += 3;
                }
                else
                {
                    sb.Append("%25");
                    i++;
                }
                continue;
            }
            if (c < 0x80)
            {
                if (KeepsAsIs(c, component))
                    sb.Append(c);
                else
                    AppendEscape(sb, c);
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new UrlFormatException($"the URL holds an unpaired UTF-16 surrogate at position {i + 1}");
            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++)
                AppendEscape(sb, utf8[k]);
            i += used;
        }
        return sb.ToString();
    }

    /// <summary>Decodes every escape (for hosts, which WHATWG percent-decodes before IDNA); null when the bytes are not UTF-8.</summary>
    public static string? DecodeAll(ReadOnlySpan<char> text)
    {
        if (text.IndexOf('%') < 0)
            return text.ToString();
        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length;)
        {
            if (text[i] == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 3;
                continue;
            }
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out int used) != System.Buffers.OperationStatus.Done)
                return null;
            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++)
                bytes.Add(utf8[k]);
            i += used;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static void AppendEscape(StringBuilder sb, int b)
    {
        const string digits = "0123456789ABCDEF";
        sb.Append('%').Append(digits[b >> 4]).Append(digits[b & 0xF]);
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
