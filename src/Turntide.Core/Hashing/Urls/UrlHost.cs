using System.Net;
using System.Net.Sockets;
using ICU4N.Impl;
using ICU4N.Text;

namespace Turntide.Core.Hashing.Urls;

/// <summary>
/// The host rules of the canonical form, following the WHATWG URL Standard's host parser (what browsers do):
/// percent-decode, map with UTS #46 (IDNA) to lower-case ASCII, then read a host that ends in a number as an
/// IPv4 address in any of the forms browsers accept. IPv6 literals are compressed per RFC 5952.
/// </summary>
internal static class UrlHost
{
    // Non-transitional processing ("faß.de" stays "faß.de", as IDNA 2008 and browsers do), bidi and joiner checks,
    // no STD3 rules (browsers allow '_'); hyphen errors are ignored below, as the URL Standard does.
    private static readonly IDNA s_uts46 =
        IDNA.GetUTS46Instance(UTS46Options.NontransitionalToASCII | UTS46Options.CheckBiDi | UTS46Options.CheckContextJ);

    private const IDNAErrors IgnoredErrors = IDNAErrors.LeadingHyphen | IDNAErrors.TrailingHyphen | IDNAErrors.Hyphen_3_4;

    /// <summary>Canonical host and its kind.</summary>
    /// <exception cref="UrlFormatException">The host is empty or invalid; the message says why.</exception>
    public static (string Host, UrlHostKind Kind) Canonicalize(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
            throw new UrlFormatException("the URL has no host");
        if (raw[0] == '[')
            return (CanonicalizeIPv6(raw), UrlHostKind.IPv6);

        string decoded = UrlPercentEncoding.DecodeAll(raw)
            ?? throw new UrlFormatException($"the host '{Show(raw)}' is not valid UTF-8 once percent-decoded");
        string ascii = ToAscii(decoded);
        foreach (char c in ascii)
        {
            if (IsForbidden(c))
                throw new UrlFormatException($"the host '{Show(raw)}' contains the character {Describe(c)}, which no host may hold");
        }
        if (EndsInANumber(ascii))
        {
            uint? address = ParseIPv4(ascii);
            if (address is null)
                throw new UrlFormatException($"the host '{Show(raw)}' ends in a number but is not a valid IPv4 address");
            return (FormatIPv4(address.Value), UrlHostKind.IPv4);
        }
        // One trailing dot names the same host ("example.com." is fully qualified "example.com").
        if (ascii.EndsWith('.'))
            ascii = ascii[..^1];
        if (ascii.Length == 0)
            throw new UrlFormatException("the URL has no host");
        return (ascii, UrlHostKind.Domain);
    }

    private static string ToAscii(string name)
    {
        // Punycode never needs more than a few characters per input character; the name is bounded by the URL limit.
        var buffer = new char[name.Length * 8 + 64];
        bool ok = s_uts46.TryNameToASCII(name, buffer, out int written, out IDNAInfo info);
        var errors = info.Errors & ~IgnoredErrors;
        if (errors != IDNAErrors.None)
            throw new UrlFormatException($"the host '{Show(name)}' is not a valid domain name ({DescribeErrors(errors)})");
        if (!ok && info.Errors == IDNAErrors.None)
            throw new UrlFormatException($"the host '{Show(name)}' cannot be converted to ASCII");
        return new string(buffer, 0, written);
    }

    private static string DescribeErrors(IDNAErrors errors)
    {
        var parts = new List<string>();
        if (errors.HasFlag(IDNAErrors.EmptyLabel)) parts.Add("empty label");
        if (errors.HasFlag(IDNAErrors.LabelTooLong)) parts.Add("a label is longer than 63 characters");
        if (errors.HasFlag(IDNAErrors.DomainNameTooLong)) parts.Add("longer than 253 characters");
        if (errors.HasFlag(IDNAErrors.Disallowed)) parts.Add("a character is not allowed in domain names");
        if (errors.HasFlag(IDNAErrors.Punycode)) parts.Add("invalid punycode");
        if (errors.HasFlag(IDNAErrors.InvalidAceLabel)) parts.Add("an xn-- label does not decode to a valid name");
        if (errors.HasFlag(IDNAErrors.LabelHasDot)) parts.Add("a label holds a dot");
        if (errors.HasFlag(IDNAErrors.LeadingCombiningMark)) parts.Add("a label starts with a combining mark");
        if (errors.HasFlag(IDNAErrors.BiDi)) parts.Add("mixes right-to-left and left-to-right text against the bidi rule");
        if (errors.HasFlag(IDNAErrors.ContextJ)) parts.Add("a zero-width joiner is out of context");
        if (errors.HasFlag(IDNAErrors.ContextOPunctuation) || errors.HasFlag(IDNAErrors.ContextODigits)) parts.Add("a character is out of context");
        if (parts.Count == 0) parts.Add(errors.ToString());
        return string.Join("; ", parts);
    }

    // The URL Standard's forbidden domain code points, after mapping.
    private static bool IsForbidden(char c) =>
        c <= 0x20 || c == 0x7F || c is '#' or '%' or '/' or ':' or '<' or '>' or '?' or '@' or '[' or '\\' or ']' or '^' or '|';

    private static string CanonicalizeIPv6(ReadOnlySpan<char> raw)
    {
        if (raw[^1] != ']')
            throw new UrlFormatException($"the IPv6 address '{Show(raw)}' has no closing ']'");
        var inner = raw[1..^1];
        if (inner.Contains('%'))
            throw new UrlFormatException("IPv6 zone identifiers ('%...') name an interface of one machine and have no place in a shared link");
        foreach (char c in inner)
        {
            if (!char.IsAsciiHexDigit(c) && c is not (':' or '.'))
                throw new UrlFormatException($"'{Show(raw)}' is not a valid IPv6 address");
        }
        if (!IPAddress.TryParse(inner, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            throw new UrlFormatException($"'{Show(raw)}' is not a valid IPv6 address");
        return "[" + address.ToString() + "]";
    }

    /// <summary>The URL Standard's "ends in a number": the last label (after one trailing dot) is digits, or 0x and hex.</summary>
    internal static bool EndsInANumber(string host)
    {
        var labels = host.Split('.');
        int last = labels.Length - 1;
        if (labels[last].Length == 0)
        {
            if (labels.Length == 1)
                return false;
            last--;
        }
        string label = labels[last];
        if (label.Length > 0 && label.All(char.IsAsciiDigit))
            return true;
        return label.Length >= 2 && label[0] == '0' && (label[1] | 0x20) == 'x' && !label.AsSpan(2).ContainsAnyExcept("0123456789abcdefABCDEF");
    }

    /// <summary>
    /// The URL Standard's IPv4 parser: up to four parts, each decimal, octal (leading 0) or hex (0x); every part
    /// but the last is one byte and the last fills the remaining bytes ("127.1" is 127.0.0.1, "3232235777" is
    /// 192.168.1.1). Null when it is not an address.
    /// </summary>
    internal static uint? ParseIPv4(string host)
    {
        var parts = host.Split('.').ToList();
        if (parts[^1].Length == 0 && parts.Count > 1)
            parts.RemoveAt(parts.Count - 1);
        if (parts.Count > 4)
            return null;
        var numbers = new ulong[parts.Count];
        for (int i = 0; i < parts.Count; i++)
        {
            ulong? n = ParseIPv4Number(parts[i]);
            if (n is null)
                return null;
            numbers[i] = n.Value;
        }
        for (int i = 0; i < numbers.Length - 1; i++)
        {
            if (numbers[i] > 255)
                return null;
        }
        ulong lastLimit = 1UL << (8 * (5 - numbers.Length));
        if (numbers[^1] >= lastLimit)
            return null;
        ulong address = numbers[^1];
        for (int i = 0; i < numbers.Length - 1; i++)
            address += numbers[i] << (8 * (3 - i));
        return (uint)address;
    }

    private static ulong? ParseIPv4Number(string part)
    {
        if (part.Length == 0)
            return null;
        int radix = 10;
        var digits = part.AsSpan();
        if (digits.Length >= 2 && digits[0] == '0' && (digits[1] | 0x20) == 'x')
        {
            radix = 16;
            digits = digits[2..];
        }
        else if (digits.Length >= 2 && digits[0] == '0')
        {
            radix = 8;
            digits = digits[1..];
        }
        ulong value = 0;
        foreach (char c in digits)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix)
                return null;
            value = value * (ulong)radix + (ulong)d;
            if (value > uint.MaxValue)
                return ulong.MaxValue; // too large for any part; rejected by the range checks
        }
        return value;
    }

    private static string FormatIPv4(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}";

    private static string Describe(char c) => c <= 0x20 || c == 0x7F ? $"U+{(int)c:X4}" : $"'{c}'";

    internal static string Show(ReadOnlySpan<char> text) =>
        text.Length <= 80 ? text.ToString() : string.Concat(text[..77], "...");
}
