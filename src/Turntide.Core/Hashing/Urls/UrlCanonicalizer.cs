using System.Text;

namespace Turntide.Core.Hashing.Urls;

/// <summary>
/// Turns a link into its canonical form, so that the many spellings of one link (case, escapes, ports, dot
/// segments, tracking tags, fragments) share one <c>url</c> signal. The rules, in the order applied:
/// <list type="number">
/// <item>Input over <see cref="MaxLength"/> characters is refused. ASCII whitespace around the link is trimmed;
/// any control character left (C0, DEL, C1) is refused.</item>
/// <item>The scheme must be http or https (any case; written lower case). Anything else (javascript:, data:,
/// file:, ftp:, a missing scheme) is refused: only web links are shared as signals.</item>
/// <item>As browsers do for http(s): any number of '/' or '\' after the scheme are read as "//", and '\' is read as
/// '/' in the path.</item>
/// <item>User name and password ("user:pass@") are removed: they are secrets, never part of what a link points to,
/// and "https://bank.example@evil.example/" must show its real host.</item>
/// <item>Host: percent-decoded, mapped with UTS #46 (IDNA) to lower-case ASCII with punycode labels, one
/// trailing dot removed; a host ending in a number is an IPv4 address in any form browsers accept (decimal,
/// octal, hex, fewer than four parts) and is written in dotted decimal; IPv6 is compressed per RFC 5952; zone
/// ids are refused.</item>
/// <item>Port: the scheme's default (80, 443) and an empty port are removed; leading zeros dropped; over
/// 65535 refused.</item>
/// <item>Path: percent-encoding normalised (<see cref="UrlPercentEncoding"/>), runs of '/' merged into one,
/// "." and ".." segments resolved (RFC 3986 5.2.4), a trailing '/' removed (except for the root "/"); an empty
/// path is "/". Letter case in the path is kept: paths are case-sensitive.</item>
/// <item>Query: split on '&amp;'; empty parameters dropped; tracking parameters (<see cref="TrackingParameters"/>)
/// dropped; each name and value percent-encoding normalised; parameters sorted by name (ordinal, stable for
/// repeated names); '+' and "%20" are kept apart. An empty query is removed.</item>
/// <item>Fragment: removed (it never reaches the server), except route fragments starting with "!" or "/"
/// ("#!/user/status/1"), which address content in single-page sites and are normalised like a path.</item>
/// <item>A canonical form longer than <see cref="MaxLength"/> (escaping can grow a link) is refused.</item>
/// </list>
/// The result is a fixed point: canonicalising a canonical URL returns it unchanged.
/// </summary>
public static class UrlCanonicalizer
{
    /// <summary>Version of these rules. Canonical URLs made under another version must be canonicalised again.</summary>
    public const int Version = 1;

    /// <summary>The longest link accepted, in characters: RFC 9110 asks for at least 8000; browsers and servers commonly stop near 8 KiB.</summary>
    public const int MaxLength = 8192;

    /// <exception cref="UrlFormatException">The link has no canonical form; the message says why.</exception>
    public static CanonicalUrl Canonicalize(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Length > MaxLength)
            throw new UrlFormatException($"the URL is {url.Length} characters long, over the limit of {MaxLength}");
        var text = url.AsSpan().Trim(" \t\n\r\f");
        if (text.IsEmpty)
            throw new UrlFormatException("the URL is empty");
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x20 || c is >= '\u007F' and <= '\u009F')
                throw new UrlFormatException($"the URL contains the control character U+{(int)c:X4} at position {i + 1}");
        }

        string scheme = ReadScheme(text, out var rest);
        int skipped = 0;
        while (skipped < rest.Length && rest[skipped] is '/' or '\\')
            skipped++;
        rest = rest[skipped..];

        int authorityEnd = rest.IndexOfAny("/\\?#");
        if (authorityEnd < 0)
            authorityEnd = rest.Length;
        var authority = rest[..authorityEnd];
        rest = rest[authorityEnd..];

        bool credentials = false;
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            credentials = true;
            authority = authority[(at + 1)..];
        }
        SplitHostPort(authority, out var rawHost, out var rawPort);
        var (host, hostKind) = UrlHost.Canonicalize(rawHost);
        int? port = ReadPort(rawPort, scheme);

        int fragmentStart = rest.IndexOf('#');
        var fragmentText = fragmentStart >= 0 ? rest[(fragmentStart + 1)..] : default;
        var beforeFragment = fragmentStart >= 0 ? rest[..fragmentStart] : rest;
        int queryStart = beforeFragment.IndexOf('?');
        var pathText = queryStart >= 0 ? beforeFragment[..queryStart] : beforeFragment;
        var queryText = queryStart >= 0 ? beforeFragment[(queryStart + 1)..] : default;

        string path = CanonicalPath(pathText);
        string? query = queryStart >= 0 ? CanonicalQuery(queryText, host) : null;
        string? fragment = fragmentStart >= 0 ? CanonicalFragment(fragmentText) : null;

        var result = new CanonicalUrl(scheme, host, hostKind, port, path, query, fragment, credentials);
        if (result.Value.Length > MaxLength)
            throw new UrlFormatException($"the canonical form of the URL is {result.Value.Length} characters long, over the limit of {MaxLength}");
        return result;
    }

    /// <summary>Like <see cref="Canonicalize"/>, with the reason in <paramref name="error"/> instead of an exception.</summary>
    public static bool TryCanonicalize(string? url, out CanonicalUrl? canonical, out string? error)
    {
        canonical = null;
        if (url is null)
        {
            error = "the URL is empty";
            return false;
        }
        try
        {
            canonical = Canonicalize(url);
            error = null;
            return true;
        }
        catch (UrlFormatException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static string ReadScheme(ReadOnlySpan<char> text, out ReadOnlySpan<char> rest)
    {
        int colon = text.IndexOf(':');
        bool valid = colon > 0 && char.IsAsciiLetter(text[0]);
        for (int i = 1; valid && i < colon; i++)
            valid = char.IsAsciiLetterOrDigit(text[i]) || text[i] is '+' or '-' or '.';
        if (!valid)
            throw new UrlFormatException("the URL has no scheme: it must start with http:// or https://");
        string scheme = text[..colon].ToString().ToLowerInvariant();
        if (scheme is not ("http" or "https"))
            throw new UrlFormatException($"the scheme '{UrlHost.Show(scheme)}' is not supported: only http and https links are canonicalised");
        rest = text[(colon + 1)..];
        return scheme;
    }

    private static void SplitHostPort(ReadOnlySpan<char> authority, out ReadOnlySpan<char> host, out ReadOnlySpan<char> port)
    {
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            if (close < 0)
                throw new UrlFormatException($"the IPv6 address in '{UrlHost.Show(authority)}' has no closing ']'");
            host = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (after.IsEmpty)
            {
                port = default;
                return;
            }
            if (after[0] != ':')
                throw new UrlFormatException($"unexpected '{UrlHost.Show(after)}' after the IPv6 address");
            port = after[1..];
            return;
        }
        int colon = authority.LastIndexOf(':');
        host = colon >= 0 ? authority[..colon] : authority;
        port = colon >= 0 ? authority[(colon + 1)..] : default;
    }

    private static int? ReadPort(ReadOnlySpan<char> text, string scheme)
    {
        if (text.IsEmpty)
            return null;
        if (text.ContainsAnyExceptInRange('0', '9'))
            throw new UrlFormatException($"the port '{UrlHost.Show(text)}' is not a number");
        var digits = text.TrimStart('0');
        if (digits.Length > 5 || (digits.Length > 0 && int.Parse(digits) > 65535))
            throw new UrlFormatException($"the port {UrlHost.Show(text)} is over 65535");
        int port = digits.IsEmpty ? 0 : int.Parse(digits);
        return (scheme, port) is ("http", 80) or ("https", 443) ? null : port;
    }

    private static string CanonicalPath(ReadOnlySpan<char> raw)
    {
        string normalized = UrlPercentEncoding.Normalize(raw.ToString().Replace('\\', '/'), UrlPercentEncoding.Component.Path);
        // Empty segments (runs of '/', and the trailing '/') are skipped; dot segments are resolved as RFC 3986
        // 5.2.4 does, on the decoded '.' ("%2E" is '.'), and never climb above the root.
        var segments = new List<string>();
        foreach (var segment in normalized.Split('/'))
        {
            switch (segment)
            {
                case "":
                case ".":
                    break;
                case "..":
                    if (segments.Count > 0)
                        segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }
        return "/" + string.Join('/', segments);
    }

    private static string? CanonicalQuery(ReadOnlySpan<char> raw, string host)
    {
        var kept = new List<(string Name, string? Value)>();
        foreach (var range in raw.Split('&'))
        {
            var parameter = raw[range];
            if (parameter.IsEmpty)
                continue;
            int eq = parameter.IndexOf('=');
            string name = UrlPercentEncoding.Normalize(eq >= 0 ? parameter[..eq] : parameter, UrlPercentEncoding.Component.QueryName);
            string? value = eq >= 0 ? UrlPercentEncoding.Normalize(parameter[(eq + 1)..], UrlPercentEncoding.Component.QueryValue) : null;
            if (TrackingParameters.IsTracking(name, host))
                continue;
            kept.Add((name, value));
        }
        if (kept.Count == 0)
            return null;
        // OrderBy is stable: repeated names keep their order, which servers that read arrays rely on.
        var sb = new StringBuilder(raw.Length);
        foreach (var (name, value) in kept.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (sb.Length > 0)
                sb.Append('&');
            sb.Append(name);
            if (value is not null)
                sb.Append('=').Append(value);
        }
        return sb.ToString();
    }

    private static string? CanonicalFragment(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty || raw[0] is not ('!' or '/'))
            return null;
        return UrlPercentEncoding.Normalize(raw, UrlPercentEncoding.Component.Fragment);
    }
}
